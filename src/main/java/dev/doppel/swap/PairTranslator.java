package dev.doppel.swap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/**
 * DJL translator for a pair model: an aligned crop as planar RGB floats in [0,1] in, planar
 * RGB and mask floats out. Converting to and from OpenCV images happens outside, so the NDArrays
 * live only inside DJL's per-call scope.
 */
final class PairTranslator implements Translator<float[], float[][]> {
  private final int size;

  PairTranslator(int size) {
    this.size = size;
  }

  /** Inputs already carry their batch dimension of 1. */
  @Override
  public ai.djl.translate.Batchifier getBatchifier() {
    return null;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, float[] chw) {
    NDArray x = ctx.getNDManager().create(chw, new Shape(1, 3, size, size));
    x.setName("face");
    return new NDList(x);
  }

  @Override
  public float[][] processOutput(TranslatorContext ctx, NDList out) {
    NDArray rgb = out.get(0);
    NDArray mask = out.get(1);
    if (rgb.getShape().get(1) == 1) { // outputs came back in the other order
      NDArray t = rgb;
      rgb = mask;
      mask = t;
    }
    return new float[][] {rgb.toFloatArray(), mask.toFloatArray()};
  }
}
