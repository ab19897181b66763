package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.video.TimeRange;
import picocli.CommandLine.Option;

/** {@code --start}, {@code --end}/{@code --duration} and {@code --frames}: which part to read. */
final class TrimOptions {
  @Option(
      names = "--start",
      paramLabel = "TIME",
      description =
          "Begin at the first frame at or after TIME: seconds (12.5, 800ms) or a clock time "
              + "(1:02.5). The output starts at 0 with the audio cut to match.")
  String start;

  @Option(
      names = "--end",
      paramLabel = "TIME",
      description = "Stop before the frame at TIME (input time, as a player shows it).")
  String end;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description = "Read this long from the start (instead of --end).")
  String duration;

  @Option(names = "--frames", paramLabel = "N", description = "Read at most N frames.")
  Long frames;

  /** The range asked for, checked; {@link TimeRange#ALL} when no option is given. */
  TimeRange range() {
    if (end != null && duration != null) {
      throw DoppelException.usage("--end and --duration both say where to stop: give one");
    }
    long from = start == null ? 0 : parse("--start", start);
    long to = Long.MAX_VALUE;
    if (end != null) {
      to = parse("--end", end);
      if (to <= from) {
        throw DoppelException.usage(
            "--end " + end + " must come after --start " + (start == null ? "0" : start));
      }
    }
    if (duration != null) {
      long d = parse("--duration", duration);
      if (d <= 0) throw DoppelException.usage("--duration " + duration + ": must be more than 0");
      to = from + d;
    }
    if (frames != null && frames < 1) {
      throw DoppelException.usage("--frames " + frames + ": must be at least 1");
    }
    return new TimeRange(from, to, frames == null ? Long.MAX_VALUE : frames);
  }

  private static long parse(String option, String value) {
    try {
      return TimeRange.parseMicros(value);
    } catch (IllegalArgumentException e) {
      throw DoppelException.usage(option + " " + e.getMessage());
    }
  }
}
