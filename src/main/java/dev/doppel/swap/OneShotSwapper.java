package dev.doppel.swap;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;

import dev.doppel.DoppelException;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * An inswapper-style one-shot model with a fixed source identity. The contract, as InsightFace's
 * {@code model_zoo/inswapper.py} implements it (and FaceFusion's {@code face_swapper.py} agrees
 * except where noted):
 *
 * <ul>
 *   <li>{@code target}: 1x3x128x128, the face to replace aligned to the ArcFace template at 128
 *       (the 112 points shifted 8 px right), RGB in [0,1];
 *   <li>{@code source}: 1x512, normalise(e · emap) where e is the source's L2-normalised ArcFace
 *       embedding and {@code emap} (512x512) is the graph's last initializer. FaceFusion skips the
 *       final normalisation; Doppel follows InsightFace;
 *   <li>output: 1x3x128x128 RGB in [0,1]. The model has no mask: the whole crop is offered and
 *       Doppel's blender limits it to the face oval, eroded and feathered.
 * </ul>
 *
 * Inputs are matched by name when the graph uses {@code target}/{@code source}, else by kind (the
 * image-shaped one is the target), which covers InsightFace's positional use.
 */
public final class OneShotSwapper implements Swapper {
  private final ModelInfo info;
  private final OnnxPredictor predictor;
  private final OnnxFile.Tensor emap;
  private float[] latent;
  private final boolean imageFirst;
  private final float[] chw;
  private final float[] hwc;

  /**
   * @param sourceEmbedding the source face's ArcFace embedding (normalised here)
   */
  public OneShotSwapper(ModelInfo info, float[] sourceEmbedding, Device device) {
    if (info.kind() != ModelKind.ONESHOT) {
      throw DoppelException.usage(
          "cannot load model: "
              + info.path()
              + ": kind '"
              + info.kind()
              + "' is not a one-shot (inswapper-style) model");
    }
    this.info = info;
    this.emap = emap(info, sourceEmbedding.length);
    this.latent = latent(emap, sourceEmbedding);
    this.imageFirst = info.inputs().get(0).shape().length == 4;
    this.predictor = new OnnxPredictor(info, device);
    this.chw = new float[3 * info.size() * info.size()];
    this.hwc = new float[3 * info.size() * info.size()];
  }

  /** normalise(normalise(e) · emap), emap read from the model file. */
  static float[] latent(ModelInfo info, float[] embedding) {
    return latent(emap(info, embedding.length), embedding);
  }

  /** Swaps in another source face; the loaded model is kept (datasets reuse one per worker). */
  public void source(float[] sourceEmbedding) {
    this.latent = latent(emap, sourceEmbedding);
  }

  private static OnnxFile.Tensor emap(ModelInfo info, int embeddingLength) {
    OnnxFile.Tensor emap = OnnxFile.lastInitializer(info.path());
    if (emap.dims().length != 2 || emap.dims()[0] != embeddingLength || emap.dims()[1] != 512) {
      throw DoppelException.processing(
          "cannot load model: "
              + info.path()
              + ": its last "
              + "initializer ('"
              + emap.name()
              + "') is not a "
              + embeddingLength
              + "x512 emap");
    }
    return emap;
  }

  private static float[] latent(OnnxFile.Tensor emap, float[] embedding) {
    if (embedding.length != emap.dims()[0]) {
      throw new IllegalArgumentException(
          "embedding of " + embedding.length + " values, emap " + "expects " + emap.dims()[0]);
    }
    float[] e = Embeddings.normalise(embedding);
    float[] out = new float[512];
    float[] m = emap.values();
    for (int i = 0; i < e.length; i++) {
      float ei = e[i];
      int row = i * 512;
      for (int j = 0; j < 512; j++) out[j] += ei * m[row + j];
    }
    return Embeddings.normalise(out);
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  /** The latent fed as {@code source} (for tests and the sidecar). */
  public float[] latent() {
    return latent.clone();
  }

  @Override
  public SwapOutput swap(Mat crop) {
    int s = info.size();
    PairSwapper.planarRgb(crop, s, chw);
    float[][] out = imageFirst ? predictor.predict(chw, latent) : predictor.predict(latent, chw);
    Mat face = PairSwapper.planarRgbToBgr(out[0], s, hwc);
    try (Scalar one = new Scalar(1.0)) {
      return new SwapOutput(face, new Mat(s, s, CV_32FC1, one));
    }
  }

  @Override
  public void close() {
    predictor.close();
  }
}
