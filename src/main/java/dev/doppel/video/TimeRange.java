package dev.doppel.video;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of an input a command reads: frames whose time is at or after {@code start} and before
 * {@code end}, at most {@code maxFrames} of them. A trimmed input is a new clip: its first frame is
 * at time 0, and the audio is cut to the same span.
 *
 * @param startMicros source time of the first frame wanted (0 = the beginning)
 * @param endMicros source time the range ends before, or {@link Long#MAX_VALUE} for the end
 * @param maxFrames most frames to read, or {@link Long#MAX_VALUE}
 */
public record TimeRange(long startMicros, long endMicros, long maxFrames) {
  public static final TimeRange ALL = new TimeRange(0, Long.MAX_VALUE, Long.MAX_VALUE);

  private static final Pattern CLOCK =
      Pattern.compile("(?:(\\d+):)?(\\d+):(\\d+(?:\\.\\d+)?)"); // [HH:]MM:SS[.fff]
  private static final Pattern SECONDS = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ms|s)?");

  public TimeRange {
    if (startMicros < 0) throw new IllegalArgumentException("start < 0");
    if (endMicros <= startMicros) throw new IllegalArgumentException("end <= start");
    if (maxFrames < 1) throw new IllegalArgumentException("maxFrames < 1");
  }

  /** Whether this range is the whole input (no trimming). */
  public boolean isAll() {
    return equals(ALL);
  }

  public boolean hasEnd() {
    return endMicros != Long.MAX_VALUE;
  }

  /** Whether a frame at {@code micros} (source time) comes before the range. */
  boolean before(long micros) {
    return micros < startMicros;
  }

  /**
   * Whether a frame at {@code micros}, the {@code count}-th kept (0-based), lies past the range.
   */
  boolean past(long micros, long count) {
    return micros >= endMicros || count >= maxFrames;
  }

  /**
   * Parses a time as the ffmpeg CLI writes them: seconds ({@code 90}, {@code 1.5}, {@code 1500ms})
   * or a clock ({@code 1:30}, {@code 01:02:03.25}).
   *
   * @throws IllegalArgumentException with the words for the user
   */
  public static long parseMicros(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    Matcher clock = CLOCK.matcher(t);
    if (clock.matches()) {
      long hours = clock.group(1) == null ? 0 : Long.parseLong(clock.group(1));
      long minutes = Long.parseLong(clock.group(2));
      double seconds = Double.parseDouble(clock.group(3));
      if ((clock.group(1) != null && minutes >= 60) || seconds >= 60) {
        throw new IllegalArgumentException(
            "'" + text + "': minutes and seconds of a clock time run 0 to 59");
      }
      return Math.round(((hours * 60 + minutes) * 60 + seconds) * 1e6);
    }
    Matcher seconds = SECONDS.matcher(t);
    if (seconds.matches()) {
      double value = Double.parseDouble(seconds.group(1));
      double scale = "ms".equals(seconds.group(2)) ? 1e3 : 1e6;
      return Math.round(value * scale);
    }
    throw new IllegalArgumentException(
        "'" + text + "' is not a time: give seconds (12.5, 800ms) or a clock time (1:02.5)");
  }

  /** Seconds with up to 6 decimals and no trailing zeros, for messages and sidecars. */
  public static String seconds(long micros) {
    return new java.math.BigDecimal(micros).movePointLeft(6).stripTrailingZeros().toPlainString();
  }

  /** What the sidecar records: the range asked for (null parts are open). */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("start_seconds", startMicros / 1e6);
    m.put("end_seconds", hasEnd() ? endMicros / 1e6 : null);
    m.put("max_frames", maxFrames != Long.MAX_VALUE ? maxFrames : null);
    return m;
  }

  @Override
  public String toString() {
    return "from "
        + seconds(startMicros)
        + " s"
        + (hasEnd() ? " to " + seconds(endMicros) + " s" : "")
        + (maxFrames != Long.MAX_VALUE ? ", at most " + maxFrames + " frames" : "");
  }
}
