package dev.doppel.video;

import dev.doppel.DoppelException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How to encode the output video: container, codec and rate control.
 *
 * @param container FFmpeg muxer name ("mp4", "webm", "matroska", "mov", "avi")
 * @param codec user-facing codec name: h264, h264rgb, h265, vp9, av1, ffv1, mpeg4
 * @param crf constant-rate factor (quality, lower is better); null when a bitrate is given
 * @param bitrate target bits per second; null to let the crf (or the codec default) decide
 */
public record EncodeSettings(String container, String codec, Integer crf, Long bitrate) {

  /** Picks the container from the output's extension and the default codec for it. */
  public static EncodeSettings forOutput(Path output, String codec, Integer crf, Long bitrate) {
    String container = containerFor(output);
    String chosen = codec != null ? codec.toLowerCase(Locale.ROOT) : defaultCodec(container);
    if (crf != null && bitrate != null) {
      throw DoppelException.usage("--crf and --bitrate exclude each other: give one");
    }
    if (crf != null && (crf < 0 || crf > 63)) {
      throw DoppelException.usage("--crf " + crf + ": must be between 0 and 63");
    }
    Codecs.encoderName(chosen); // fails early on an unknown or unavailable codec
    Codecs.checkContainer(chosen, container, output);
    return new EncodeSettings(container, chosen, crf, bitrate);
  }

  /** Whether this build can encode the codec (h264rgb, for one, needs the gpl profile). */
  public static boolean isAvailable(String codec) {
    return Codecs.available(codec);
  }

  /** FFmpeg's name of the pixel format the codec is written in (bgr0, bgr24, yuv420p). */
  public String pixelFormat() {
    return Codecs.pixelFormatName(Codecs.encoderName(codec));
  }

  static String containerFor(Path output) {
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    return switch (ext) {
      case "mp4", "m4v" -> "mp4";
      case "mov" -> "mov";
      case "mkv" -> "matroska";
      case "webm" -> "webm";
      case "avi" -> "avi";
      default ->
          throw DoppelException.usage(
              "cannot write video: "
                  + output
                  + ": unknown extension '"
                  + ext
                  + "' (use .mp4, .mov, .mkv, .webm or .avi)");
    };
  }

  static String defaultCodec(String container) {
    return switch (container) {
      case "webm" -> "vp9";
      case "avi" -> "mpeg4";
      default -> "h264";
    };
  }
}
