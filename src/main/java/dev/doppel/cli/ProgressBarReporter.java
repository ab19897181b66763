package dev.doppel.cli;

import dev.doppel.pipeline.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Frames, fps and ETA on stderr; used only when stderr is a terminal and not --quiet. */
final class ProgressBarReporter implements Progress {
  private ProgressBar bar;

  static Progress forTerminal(boolean quiet) {
    return quiet || System.console() == null ? Progress.NONE : new ProgressBarReporter();
  }

  @Override
  public void start(String task, long totalFrames) {
    close();
    bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(totalFrames > 0 ? totalFrames : -1)
        .setUnit(" frames", 1)
        .showSpeed()
        .setStyle(ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
        .build();
  }

  @Override
  public void step() {
    if (bar != null) bar.step();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.maxHint(bar.getCurrent()); // estimates can be off: end at 100%
      bar.close();
      bar = null;
    }
  }
}
