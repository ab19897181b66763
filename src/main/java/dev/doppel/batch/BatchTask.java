package dev.doppel.batch;

import dev.doppel.output.Progress;
import java.io.IOException;

/** The work of one batch row: writes the row's output and says what it did. */
@FunctionalInterface
public interface BatchTask {
  Result run(Progress progress) throws IOException;

  /** What a finished task reports. */
  record Result(long frames, long facesSwapped) {}
}
