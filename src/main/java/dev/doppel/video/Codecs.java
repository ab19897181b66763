package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_get_pix_fmt_name;

import dev.doppel.DoppelException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps Doppel's codec names to the FFmpeg encoders this build has. The default (LGPL) FFmpeg build
 * has libopenh264 for H.264; the {@code gpl} Maven profile adds libx264 and libx265, which are
 * preferred when present because they offer true constant-rate-factor encoding.
 */
final class Codecs {
  private static final Map<String, List<String>> ENCODERS =
      Map.of(
          "h264", List.of("libx264", "libopenh264"),
          "h264rgb", List.of("libx264rgb"),
          "h265", List.of("libx265"),
          "vp9", List.of("libvpx-vp9"),
          "av1", List.of("libsvtav1", "libaom-av1"),
          "ffv1", List.of("ffv1"),
          "mpeg4", List.of("mpeg4"));

  private Codecs() {}

  static String encoderName(String codec) {
    List<String> candidates = ENCODERS.get(codec);
    if (candidates == null) {
      throw DoppelException.usage(
          "unknown codec '"
              + codec
              + "' (use one of "
              + String.join(", ", ENCODERS.keySet())
              + ")");
    }
    return firstPresent(candidates)
        .orElseThrow(
            () ->
                DoppelException.usage(
                    "codec '"
                        + codec
                        + "' needs "
                        + String.join(" or ", candidates)
                        + ", which this FFmpeg build lacks (build with -Pgpl for libx264/libx265)"));
  }

  /**
   * Refuses a codec the container cannot store (h264 in .webm), as FFmpeg's muxer would only say
   * "Invalid argument" after the work is done.
   */
  static void checkContainer(String codec, String container, java.nio.file.Path output) {
    org.bytedeco.ffmpeg.avcodec.AVCodec encoder = avcodec_find_encoder_by_name(encoderName(codec));
    org.bytedeco.ffmpeg.avformat.AVOutputFormat format =
        org.bytedeco.ffmpeg.global.avformat.av_guess_format(container, null, null);
    if (encoder == null || format == null) return;
    int ok =
        org.bytedeco.ffmpeg.global.avformat.avformat_query_codec(
            format, encoder.id(), org.bytedeco.ffmpeg.global.avcodec.FF_COMPLIANCE_NORMAL);
    if (ok == 0) {
      throw DoppelException.usage(
          "cannot write video: "
              + output
              + ": a ."
              + extensionOf(output)
              + " file cannot hold "
              + codec
              + " video (choose another --codec or extension)");
    }
  }

  private static String extensionOf(java.nio.file.Path output) {
    String name = output.getFileName().toString();
    return name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
  }

  /** Whether this FFmpeg build has an encoder for the codec. */
  static boolean available(String codec) {
    return firstPresent(ENCODERS.getOrDefault(codec, List.of())).isPresent();
  }

  private static Optional<String> firstPresent(List<String> encoders) {
    return encoders.stream().filter(name -> avcodec_find_encoder_by_name(name) != null).findFirst();
  }

  /** The smallest frame side the encoder takes (OpenH264 refuses frames under 16x16). */
  static int minimumSide(String encoder) {
    return encoder.equals("libopenh264") ? 16 : 1;
  }

  /** Whether the encoder needs even frame dimensions (4:2:0 chroma with no odd-size support). */
  static boolean needsEvenSize(String encoder) {
    return switch (encoder) {
      case "ffv1", "libx264rgb", "libvpx-vp9", "libaom-av1" -> false;
      default -> true;
    };
  }

  /**
   * The pixel format frames are encoded in: RGB without chroma subsampling for the codecs that
   * datasets use losslessly (FFV1, x264's RGB variant), else 4:2:0.
   */
  static int pixelFormat(String encoder) {
    return switch (encoder) {
      case "ffv1" -> AV_PIX_FMT_BGR0;
      case "libx264rgb" -> AV_PIX_FMT_BGR24;
      default -> AV_PIX_FMT_YUV420P;
    };
  }

  /** FFmpeg's name of {@link #pixelFormat}. */
  static String pixelFormatName(String encoder) {
    return av_get_pix_fmt_name(pixelFormat(encoder)).getString();
  }
}
