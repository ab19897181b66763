package dev.doppel.cli;

import dev.doppel.output.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Frames, fps and ETA on stderr; used only when stderr is a terminal and not --quiet. */
final class ProgressBarReporter implements Progress {
  private ProgressBar bar;

  static Progress forTerminal(boolean quiet) {
    return quiet || !stderrIsTerminal() ? Progress.NONE : new ProgressBarReporter();
  }

  /**
   * Whether stderr is a terminal. On Linux, /proc tells exactly (stdout may be redirected to a file
   * of JSON Lines while the bar still belongs on the terminal); elsewhere fall back to Java's
   * console check, which needs stdin and stdout to be terminals too.
   */
  @SuppressWarnings("SystemConsoleNull") // the fallback wants Java 17's meaning (both ends a tty)
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }

  @Override
  public void start(String task, long totalFrames) {
    open(task, totalFrames, " frames", 1);
  }

  @Override
  public void start(String task, long total, String unit) {
    open(task, total, " " + unit, 1);
  }

  @Override
  public void startBytes(String task, long totalBytes) {
    open(task, totalBytes, " MiB", 1 << 20);
  }

  private void open(String task, long total, String unit, long unitSize) {
    close();
    bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total > 0 ? total : -1)
            .setUnit(unit, unitSize)
            .showSpeed()
            .setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true)))
            .build();
  }

  @Override
  public void note(String text) {
    if (bar != null) bar.setExtraMessage(" " + text);
  }

  @Override
  public void stepBy(long n) {
    if (bar != null) bar.stepBy(n);
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
