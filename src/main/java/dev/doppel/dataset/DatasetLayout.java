package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.video.EncodeSettings;
import java.nio.file.Path;

/**
 * Where each file of a dataset goes (the FaceForensics++ layout) and how each compression level is
 * encoded. The builder writes by it and the verifier reads by it.
 *
 * @param realSet the folder under original_sequences (FF++: youtube)
 */
record DatasetLayout(String realSet) {
  static final String CHECKSUMS = "checksums.json";
  static final String METADATA = "metadata.json";
  static final String DATASET = "dataset.json";
  static final String DESCRIPTION =
      "FaceForensics++ (original_sequences/<set>/<c>/videos, "
          + "manipulated_sequences/<Method>/<c>/videos, manipulated_sequences/<Method>/masks/"
          + "videos)";

  private static final boolean LOSSLESS_H264 = EncodeSettings.isAvailable("h264rgb");

  /**
   * Encoding of a compression level (FF++ names). c0 is FF++'s libx264rgb at CRF 0 where the build
   * has it (-Pgpl), else lossless FFV1 in Matroska; c23/c40 are H.264 at that CRF (the LGPL build's
   * OpenH264 bounds its quantiser instead; see README).
   */
  static EncodeSettings encoding(String level, Path file) {
    return switch (level) {
      case "c0" ->
          LOSSLESS_H264
              ? EncodeSettings.forOutput(file, "h264rgb", 0, null)
              : EncodeSettings.forOutput(file, "ffv1", null, null);
      case "c23" -> EncodeSettings.forOutput(file, "h264", 23, null);
      case "c40" -> EncodeSettings.forOutput(file, "h264", 40, null);
      default -> throw DoppelException.usage("compression " + level + ": use c0, c23 or c40");
    };
  }

  static String extension(String level) {
    return level.equals("c0") && !LOSSLESS_H264 ? ".mkv" : ".mp4";
  }

  String real(String level, String clip) {
    return "original_sequences/" + realSet + "/" + level + "/videos/" + clip + extension(level);
  }

  String realAnnotations(String clip) {
    return "annotations/original/" + realSet + "/" + clip + ".jsonl";
  }

  static String fake(String method, String level, String name) {
    return "manipulated_sequences/" + method + "/" + level + "/videos/" + name + extension(level);
  }

  static String mask(String method, String name) {
    return "manipulated_sequences/" + method + "/masks/videos/" + name + ".mkv";
  }

  static String fakeAnnotations(String method, String name) {
    return "annotations/" + method + "/" + name + ".jsonl";
  }

  /** The FF++ pair list of a split. */
  static String splitList(String split) {
    return "splits/" + split + ".json";
  }
}
