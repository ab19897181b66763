package dev.doppel.swap;

import java.util.List;

/** Vector arithmetic on face embeddings. */
public final class Embeddings {
  private Embeddings() {}

  /** v / |v| (a copy). */
  public static float[] normalise(float[] v) {
    double sum = 0;
    for (float x : v) sum += (double) x * x;
    double norm = Math.sqrt(sum);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / norm);
    return out;
  }

  /** Cosine similarity. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  /** The normalised mean of normalised embeddings: several photos of one person as one. */
  public static float[] average(List<float[]> embeddings) {
    float[] sum = new float[embeddings.get(0).length];
    for (float[] e : embeddings) {
      float[] n = normalise(e);
      for (int i = 0; i < sum.length; i++) sum[i] += n[i];
    }
    return normalise(sum);
  }
}
