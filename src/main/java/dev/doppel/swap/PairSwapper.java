package dev.doppel.swap;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;

import dev.doppel.DoppelException;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Runs a pair model (encoder + the target identity's decoder) on aligned crops through DJL's ONNX
 * Runtime engine. Loaded once; one predictor, used from one thread; close to free it.
 */
public final class PairSwapper implements Swapper {
  private final ModelInfo info;
  private final OnnxPredictor predictor;
  // per-frame conversion buffers, reused: one swapper serves one thread
  private final float[] chw;
  private final float[] hwc;

  public PairSwapper(ModelInfo info, Device device) {
    if (info.kind() != ModelKind.PAIR) {
      throw DoppelException.usage(
          "cannot load model: " + info.path() + ": kind '" + info.kind() + "' is not a pair model");
    }
    this.info = info;
    this.predictor = new OnnxPredictor(info, device);
    this.chw = new float[3 * info.size() * info.size()];
    this.hwc = new float[3 * info.size() * info.size()];
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  @Override
  public SwapOutput swap(Mat crop) {
    int s = info.size();
    planarRgb(crop, s, chw);
    float[][] out = predict(chw);
    return new SwapOutput(planarRgbToBgr(out[0], s, hwc), planarToMat(out[1], s));
  }

  /** The raw graph: planar RGB in [0,1] in; planar RGB and mask out (in that order). */
  float[][] predict(float[] chw) {
    float[][] out = predictor.predict(chw);
    int plane = info.size() * info.size();
    // ModelInfo checked the declared shapes; this checks what the graph actually returned,
    // since the Mats below are filled from these arrays
    if (out.length != 2
        || out[0].length + out[1].length != 4 * plane
        || Math.min(out[0].length, out[1].length) != plane) {
      throw DoppelException.processing(
          "model failed: "
              + info.path()
              + ": it returned "
              + out.length
              + " outputs of "
              + java.util.Arrays.stream(out).map(o -> o.length + "").toList()
              + " values; expected "
              + 3 * plane
              + " and "
              + plane);
    }
    return out[0].length < out[1].length ? new float[][] {out[1], out[0]} : out;
  }

  /** A BGR 8-bit crop as planar RGB floats in [0,1] (resized to s when it is not), into chw. */
  static void planarRgb(Mat crop, int s, float[] chw) {
    try (Size size = new Size(s, s);
        Scalar zero = new Scalar(0.0);
        Mat blob = blobFromImage(crop, 1 / 255.0, size, zero, true, false, CV_32F);
        FloatPointer data = new FloatPointer(blob.data())) {
      data.get(chw);
    }
  }

  static Mat planarRgbToBgr(float[] chw, int s, float[] hwc) {
    Mat m = new Mat(s, s, CV_32FC3);
    int plane = s * s;
    for (int i = 0; i < plane; i++) {
      hwc[3 * i] = chw[2 * plane + i];
      hwc[3 * i + 1] = chw[plane + i];
      hwc[3 * i + 2] = chw[i];
    }
    try (FloatPointer p = new FloatPointer(m.data())) {
      p.put(hwc);
    }
    return m;
  }

  static Mat planarToMat(float[] plane, int s) {
    Mat m = new Mat(s, s, CV_32FC1);
    try (FloatPointer p = new FloatPointer(m.data())) {
      p.put(plane);
    }
    return m;
  }

  @Override
  public void close() {
    predictor.close();
  }
}
