package dev.doppel.batch;

import dev.doppel.output.Progress;
import java.io.IOException;
import java.util.List;

/** The work of one batch row: writes the row's output and says what it did. */
@FunctionalInterface
public interface BatchTask {
  Result run(Progress progress) throws IOException;

  /**
   * What a finished task reports.
   *
   * @param notes lines for the user (faces the identity guard left alone)
   */
  record Result(long frames, long facesSwapped, List<String> notes) {}
}
