package dev.doppel.swap;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.doppel.DoppelException;
import java.io.IOException;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Runs a pair model (encoder + the target identity's decoder) on aligned crops through DJL's
 * ONNX Runtime engine. Loaded once; one predictor, used from one thread; close to free both.
 */
public final class PairSwapper implements Swapper {
  private final ModelInfo info;
  private final ZooModel<float[], float[][]> model;
  private final Predictor<float[], float[][]> predictor;
  // per-frame conversion buffers, reused: one swapper serves one thread
  private final float[] chw;
  private final float[] hwc;

  public PairSwapper(ModelInfo info) {
    if (!info.kind().equals("pair")) {
      throw DoppelException.usage("cannot load model: " + info.path() + ": kind '" + info.kind()
          + "' is not a pair model");
    }
    this.info = info;
    Criteria<float[], float[][]> criteria = Criteria.builder()
        .setTypes(float[].class, float[][].class)
        .optModelPath(info.path())
        .optEngine("OnnxRuntime")
        .optTranslator(new PairTranslator(info.size()))
        .build();
    try {
      this.model = criteria.loadModel();
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw DoppelException.processing("cannot load model: " + info.path() + ": "
          + e.getMessage());
    }
    this.predictor = model.newPredictor();
    this.chw = new float[3 * info.size() * info.size()];
    this.hwc = new float[3 * info.size() * info.size()];
  }

  @Override
  public ModelInfo info() {
    return info;
  }

  /** Renders a BGR 8-bit crop of the model's size; the caller closes the result. */
  @Override
  public SwapOutput swap(Mat crop) {
    int s = info.size();
    try (Size size = new Size(s, s); Scalar zero = new Scalar(0.0);
        Mat blob = blobFromImage(crop, 1 / 255.0, size, zero, true, false, CV_32F);
        FloatPointer data = new FloatPointer(blob.data())) {
      data.get(chw);
    }
    float[][] out = predict(chw);
    return new SwapOutput(planarRgbToBgr(out[0], s, hwc), planarToMat(out[1], s));
  }

  /** The raw graph: planar RGB in [0,1] in; planar RGB and mask out. */
  float[][] predict(float[] chw) {
    try {
      return predictor.predict(chw);
    } catch (TranslateException e) {
      throw DoppelException.processing("swap model failed: " + info.path() + ": "
          + e.getMessage(), e);
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
    model.close();
  }
}
