package dev.doppel.video;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegLogCallback;

/**
 * FFmpeg's own log. Quiet by default: every failure reaches the user as Doppel's one-line message
 * instead. {@code -v} on the command line turns FFmpeg's warnings back on.
 */
public final class FFmpegLog {
  private static boolean configured;

  private FFmpegLog() {}

  public static synchronized void configure(boolean verbose) {
    configured = true;
    if (verbose) {
      FFmpegLogCallback.set();
      avutil.av_log_set_level(avutil.AV_LOG_WARNING);
    } else {
      avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    }
  }

  /** Quiet unless someone chose otherwise already. */
  static synchronized void ensureConfigured() {
    if (!configured) configure(false);
  }
}
