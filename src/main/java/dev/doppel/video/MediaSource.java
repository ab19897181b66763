package dev.doppel.video;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where an input comes from, as the user named it: a file, a URL FFmpeg opens ({@code https://},
 * {@code rtsp://}, {@code file:} ...), standard input ({@code -}) or a capture device ({@code
 * /dev/video0}). A stream (anything but a file) is read once, video and audio from the same
 * demuxer.
 *
 * @param location what FFmpeg opens: the path, the URL, {@code pipe:0}, the device
 * @param file the file, for a file input; null otherwise
 * @param format the demuxer to force ({@code v4l2} for a device), or null to let FFmpeg probe
 */
public record MediaSource(String location, Kind kind, Path file, String format) {
  public enum Kind {
    FILE,
    URL,
    STDIN,
    DEVICE
  }

  private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://.*|file:.+");

  /** Protocols of live streams: no end of their own, so Ctrl-C ends them (see {@link #live}). */
  private static final Set<String> LIVE_PROTOCOLS =
      Set.of("rtsp", "rtsps", "rtmp", "rtmps", "rtp", "udp", "tcp", "srt", "rist", "mms", "mmsh");

  /** Reads a command-line argument. */
  public static MediaSource parse(String arg) {
    if (arg.equals("-")) return new MediaSource("pipe:0", Kind.STDIN, null, null);
    if (URL.matcher(arg).matches()) return new MediaSource(arg, Kind.URL, null, null);
    if (arg.startsWith("/dev/video")) return new MediaSource(arg, Kind.DEVICE, null, "v4l2");
    return file(Path.of(arg));
  }

  public static MediaSource file(Path file) {
    return new MediaSource(file.toString(), Kind.FILE, file, null);
  }

  public boolean isFile() {
    return kind == Kind.FILE;
  }

  /**
   * Whether the input is live: standard input, a device, or a streaming protocol. A live input runs
   * until it ends or Ctrl-C, which finishes the output written so far instead of discarding it. (An
   * http(s) URL is a file somewhere else, unless its stream has no duration: see {@link
   * VideoReader#live()}.)
   */
  public boolean live() {
    return switch (kind) {
      case STDIN, DEVICE -> true;
      case FILE -> false;
      case URL -> LIVE_PROTOCOLS.contains(protocol());
    };
  }

  private String protocol() {
    int colon = location.indexOf(':');
    return colon < 0 ? "" : location.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  /**
   * As the user wrote it, for messages and sidecars ("-" for standard input), with a URL's password
   * masked ({@code rtsp://cam:***@host/}).
   */
  @Override
  public String toString() {
    if (kind == Kind.STDIN) return "-";
    return kind == Kind.URL ? PASSWORD.matcher(location).replaceFirst("$1***@") : location;
  }

  private static final Pattern PASSWORD =
      Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*://[^/:@]*:)[^/@]*@");
}
