package dev.doppel.watermark;

import dev.doppel.face.BlazeFaceDetector;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.TrackerSettings;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.nio.file.Path;
import java.util.List;

/** Looks for the watermark in a video or image file: its faces tracked, each frame read. */
public final class WatermarkScan {
  private WatermarkScan() {}

  /** Frames read at most: the mark is in every altered frame, so a long video's start decides. */
  public static final int MAX_FRAMES = 1500;

  /**
   * The tracker both the embedder (on swapped frames) and the detector run: raw landmarks (the
   * smoothing filter's state would differ between the two), full-range detector every 10 frames.
   */
  static final TrackerSettings SETTINGS =
      new TrackerSettings(BlazeFaceDetector.Range.FULL, 10, 0.5, 0.5, 8, false);

  public static WatermarkDetector.Result scan(Path file) {
    return scan(file, MAX_FRAMES);
  }

  public static WatermarkDetector.Result scan(Path file, int maxFrames) {
    return scan(file, maxFrames, null);
  }

  /**
   * As {@link #scan(Path, int)}, the chip agreement measured against {@code sent}. Faces are found
   * on the BGR frames and the mark read from the same frames' decoded luma (a second decode of the
   * file): a brightened copy clips red in much of a light face well before its luma clips, and a
   * reading from clipped BGR lost the mark there (a +10 % brightness copy of the Hopper sample: 5
   * of 8 payloads recovered from BGR, 8 of 8 from the Y plane).
   */
  public static WatermarkDetector.Result scan(Path file, int maxFrames, Payload sent) {
    WatermarkDetector detector = new WatermarkDetector();
    try (VideoReader reader = VideoReader.open(file);
        VideoReader luma = VideoReader.openLuma(file);
        FaceTracker tracker = new FaceTracker(SETTINGS)) {
      for (int n = 0; n < maxFrames; n++) {
        try (VideoFrame f = reader.next();
            VideoFrame y = f == null ? null : luma.next()) {
          if (f == null) break;
          List<Face> faces = tracker.next(f.image(), f.micros() / 1e6);
          detector.read(y != null ? y.image() : f.image(), faces);
        }
      }
    }
    return detector.result(sent);
  }
}
