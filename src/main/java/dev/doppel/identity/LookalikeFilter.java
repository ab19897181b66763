package dev.doppel.identity;

import dev.doppel.face.Face;
import dev.doppel.swap.Embeddings;
import dev.doppel.swap.FaceSelection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code --faces like:REF}: keeps the faces whose recogniser embedding is close to the reference
 * photo's. A recogniser is costly (ArcFace R50: tens of ms per face on a CPU), so each track is
 * judged on a few samples rather than every frame: its first frame and then every {@value
 * #SAMPLE_EVERY} frames until {@value #SAMPLES} samples are in; the decision uses the mean
 * similarity so far, and a track keeps its verdict after that.
 */
public final class LookalikeFilter {
  static final int SAMPLE_EVERY = 15;
  static final int SAMPLES = 5;

  private final float[] reference;
  private final double threshold;
  private final Recognizer recognizer;
  private final Map<Integer, Verdict> verdicts = new HashMap<>();
  private long frame;

  private static final class Verdict {
    double sum;
    int samples;
    long lastSample;

    double mean() {
      return sum / samples;
    }
  }

  public LookalikeFilter(FaceSelection.Like like, Recognizer recognizer) {
    this.reference =
        FacePhotos.identity(List.of(like.reference()), null, recognizer, "--faces like:");
    this.threshold = like.threshold();
    this.recognizer = recognizer;
  }

  public List<Face> pick(List<Face> faces, Mat frameImage) {
    frame++;
    return faces.stream().filter(f -> similarity(f, frameImage) >= threshold).toList();
  }

  /** The mean similarity of this track to the reference so far. */
  public double similarity(Face face, Mat frameImage) {
    Verdict v = verdicts.computeIfAbsent(face.trackId(), id -> new Verdict());
    if (v.samples == 0 || (v.samples < SAMPLES && frame - v.lastSample >= SAMPLE_EVERY)) {
      v.sum += Embeddings.cosine(reference, recognizer.embed(frameImage, face.fivePoints()));
      v.samples++;
      v.lastSample = frame;
    }
    return v.mean();
  }

  /** Track id to mean similarity, for the sidecar. */
  public Map<Integer, Double> similarities() {
    Map<Integer, Double> out = new HashMap<>();
    verdicts.forEach((id, v) -> out.put(id, Math.round(v.mean() * 1e4) / 1e4));
    return out;
  }
}
