package dev.doppel.pipeline;

/** Where a job reports how far it got; the CLI draws a bar, tests pass {@link #NONE}. */
public interface Progress extends AutoCloseable {
  Progress NONE = new Progress() {
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

  @Override
  void close();
}
