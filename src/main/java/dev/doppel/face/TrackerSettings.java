package dev.doppel.face;

/**
 * How faces are found and followed.
 *
 * @param range which BlazeFace model finds new faces
 * @param detectEvery run the detector at least every this many frames (1 = every frame); between
 *     detections each face is tracked from its previous mesh, as MediaPipe does
 * @param minDetectionScore detector score needed to start a track
 * @param minPresence landmark model's face-presence probability needed to keep a track
 * @param maxFaces most faces tracked at once
 * @param smoothing whether landmarks go through the One Euro filter
 */
public record TrackerSettings(
    BlazeFaceDetector.Range range,
    int detectEvery,
    double minDetectionScore,
    double minPresence,
    int maxFaces,
    boolean smoothing)
    implements java.io.Serializable {

  public static TrackerSettings defaults() {
    return new TrackerSettings(BlazeFaceDetector.Range.FULL, 10, 0.5, 0.5, 8, true);
  }

  public TrackerSettings {
    if (detectEvery < 1) throw new IllegalArgumentException("detectEvery must be >= 1");
    if (maxFaces < 1) throw new IllegalArgumentException("maxFaces must be >= 1");
  }
}
