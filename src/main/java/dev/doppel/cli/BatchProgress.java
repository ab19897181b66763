package dev.doppel.cli;

import dev.doppel.batch.BatchJob;
import dev.doppel.batch.BatchRunner;
import dev.doppel.output.Progress;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One bar for the whole batch (jobs done of all) whose message lists the running jobs and how far
 * each got. Only when stderr is a terminal and not --quiet.
 */
final class BatchProgress implements AutoCloseable {
  private final ProgressBar bar;
  private final Map<Integer, String> running = new ConcurrentSkipListMap<>();

  private BatchProgress(ProgressBar bar) {
    this.bar = bar;
  }

  static BatchProgress forTerminal(boolean quiet, int jobs) {
    if (quiet || !ProgressBarReporter.stderrIsTerminal()) return new BatchProgress(null);
    return new BatchProgress(
        new ProgressBarBuilder()
            .setTaskName("batch")
            .setInitialMax(jobs)
            .setUnit(" jobs", 1)
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
            .build());
  }

  /** A job's own progress: feeds the running-jobs message. */
  Progress jobProgress(BatchJob job) {
    if (bar == null) return Progress.NONE;
    String name = job.output().getFileName().toString();
    return new Progress() {
      long total;
      long done;

      @Override
      public void start(String task, long totalFrames) {
        total = totalFrames;
        update();
      }

      @Override
      public void step() {
        if (++done % 10 == 0) update();
      }

      private void update() {
        running.put(
            job.line(),
            total > 0 ? String.format("%s %d%%", name, Math.min(100, 100 * done / total)) : name);
        bar.setExtraMessage(" running: " + String.join(", ", running.values()));
      }

      @Override
      public void close() {
        running.remove(job.line());
      }
    };
  }

  void finished(BatchRunner.Outcome outcome) {
    if (bar == null) return;
    running.remove(outcome.job().line());
    bar.step();
    bar.setExtraMessage(
        running.isEmpty() ? "" : " running: " + String.join(", ", running.values()));
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
  }
}
