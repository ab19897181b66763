package dev.doppel.identity;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;

import dev.doppel.DoppelException;
import dev.doppel.face.Alignment;
import dev.doppel.face.AlignmentTemplate;
import dev.doppel.face.FivePoints;
import dev.doppel.swap.Device;
import dev.doppel.swap.Embeddings;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.ModelKind;
import dev.doppel.swap.OnnxFile;
import dev.doppel.swap.OnnxPredictor;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * An ArcFace-style recogniser ({@code w600k_r50.onnx}): the face aligned to the 112-pixel ArcFace
 * template, RGB, (x − 127.5) / 127.5, NCHW; a 512-d embedding out, used L2-normalised.
 *
 * <p>Graphs exported from MXNet have that normalisation built in and want raw 0..255 values.
 * InsightFace ({@code model_zoo/arcface_onnx.py}) tells them apart by the names of the graph's
 * first eight nodes: one starting with {@code Sub} or {@code _minus} and one with {@code Mul} or
 * {@code _mul}; Doppel applies the same rule. (FaceFusion ships a re-export and always normalises:
 * {@code crop / 127.5 - 1}, RGB.)
 */
public final class Recognizer implements AutoCloseable {
  private final ModelInfo info;
  private final boolean rawInput;
  private final OnnxPredictor predictor;
  private final float[] chw = new float[3 * 112 * 112];

  /** On the CPU: the recogniser runs once per source photo or sampled frame. */
  public Recognizer(Path path) {
    this(path, Device.CPU);
  }

  public Recognizer(Path path, Device device) {
    ModelInfo info = ModelInfo.read(path);
    if (info.kind() != ModelKind.RECOGNIZER) {
      throw DoppelException.usage(
          "cannot load recognizer: "
              + path
              + ": it is a "
              + info.kind()
              + " model, not an ArcFace-style recogniser (input Nx3x112x112, output Nx512)");
    }
    this.info = info;
    this.rawInput = normalisesInside(path);
    this.predictor = new OnnxPredictor(info, device);
  }

  /** InsightFace's rule: Sub/_minus and Mul/_mul among the first eight node names. */
  public static boolean normalisesInside(Path path) {
    List<String> names = OnnxFile.firstNodeNames(path, 8);
    boolean sub = names.stream().anyMatch(n -> n.startsWith("Sub") || n.startsWith("_minus"));
    boolean mul = names.stream().anyMatch(n -> n.startsWith("Mul") || n.startsWith("_mul"));
    return sub && mul;
  }

  public ModelInfo info() {
    return info;
  }

  /** Whether the graph takes raw 0..255 values (MXNet export) rather than normalised ones. */
  public boolean rawInput() {
    return rawInput;
  }

  /** The L2-normalised embedding of the face with these key points in a BGR frame. */
  public float[] embed(Mat frame, FivePoints points) {
    Alignment alignment = Alignment.of(points, AlignmentTemplate.ARCFACE, 112);
    try (Mat crop = alignment.crop(frame)) {
      return embedCrop(crop);
    }
  }

  /** The L2-normalised embedding of an already aligned 112x112 BGR crop. */
  public float[] embedCrop(Mat crop) {
    double scale = rawInput ? 1.0 : 1 / 127.5;
    double mean = rawInput ? 0.0 : 127.5;
    try (Size size = new Size(112, 112);
        Scalar m = new Scalar(mean, mean, mean, 0);
        Mat blob = blobFromImage(crop, scale, size, m, true, false, CV_32F);
        FloatPointer data = new FloatPointer(blob.data())) {
      data.get(chw);
    }
    return Embeddings.normalise(predictor.predict(chw)[0]);
  }

  @Override
  public void close() {
    predictor.close();
  }
}
