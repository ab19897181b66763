package dev.doppel.output;

/** Where a job reports how far it got; the CLI draws a bar, tests pass {@link #NONE}. */
public interface Progress extends AutoCloseable {
  Progress NONE =
      new Progress() {
        @Override
        public void start(String task, long totalFrames) {}

        @Override
        public void step() {}

        @Override
        public void close() {}
      };

  /** A new task begins; {@code totalFrames} is an estimate, 0 if unknown. */
  void start(String task, long totalFrames);

  void step();

  /** A task counted in bytes (a download); {@code totalBytes} 0 if unknown. */
  default void startBytes(String task, long totalBytes) {
    start(task, totalBytes);
  }

  /** A task counted in other units (training steps); {@code total} 0 if unknown. */
  default void start(String task, long total, String unit) {
    start(task, total);
  }

  /** A short status shown beside the bar (e.g. the current losses). */
  default void note(String text) {}

  /** {@code n} more units done. */
  default void stepBy(long n) {
    for (long i = 0; i < n; i++) step();
  }

  @Override
  void close();
}
