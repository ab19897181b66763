package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe's 468-point face landmark model: a 192x192 RGB crop in [0,1], upright, about 1.5x the
 * face; outputs 468 x,y,z in crop pixels and a face-presence logit.
 *
 * <p>Not thread-safe: one model per thread. Close it to free the network.
 */
public final class FaceMeshModel implements AutoCloseable {
  static final int INPUT = 192;

  /** Landmarks in frame pixels and the probability that the crop holds a face. */
  public record Result(Landmarks landmarks, double presence) {}

  private final Net net = ModelFile.tflite("face_landmark.tflite");
  private final StringVector outputNames = net.getUnconnectedOutLayersNames();
  private final MatVector outputs = new MatVector();
  private final Mat crop = new Mat();
  private final float[] raw = new float[Landmarks.COUNT * 3];

  public Result run(Mat bgr, FaceRoi roi) {
    Affine toCrop = roi.toCrop(INPUT);
    try (Mat m = toCrop.toMat();
        Size size = new Size(INPUT, INPUT);
        Scalar zero = new Scalar(0.0)) {
      warpAffine(bgr, crop, m, size, INTER_LINEAR, BORDER_REPLICATE, zero);
    }
    try (Size size = new Size(INPUT, INPUT);
        Scalar mean = new Scalar(0.0);
        Mat blob = blobFromImage(crop, 1 / 255.0, size, mean, true, false, CV_32F)) {
      net.setInput(blob);
      net.forward(outputs, outputNames);
    }
    double logit;
    // MatVector.get returns a view of the element the vector owns (no copy, no deallocator):
    // closing the views only drops their Java headers; the vector keeps the data until reused
    try (Mat a = outputs.get(0);
        Mat b = outputs.get(1)) {
      boolean meshFirst = a.total() >= b.total();
      Mat mesh = meshFirst ? a : b;
      Mat flag = meshFirst ? b : a;
      try (FloatPointer f = new FloatPointer(flag.data());
          FloatPointer m = new FloatPointer(mesh.data())) {
        logit = f.get(0);
        m.get(raw);
      }
    }
    Affine back = toCrop.inverse();
    double zScale = 1 / toCrop.scale();
    float[] xyz = new float[raw.length];
    for (int i = 0; i < Landmarks.COUNT; i++) {
      // model coordinates are continuous (0 = crop edge); OpenCV pixel centres sit at +0.5
      Point2 p = back.apply(new Point2(raw[3 * i] - 0.5, raw[3 * i + 1] - 0.5));
      xyz[3 * i] = (float) p.x();
      xyz[3 * i + 1] = (float) p.y();
      xyz[3 * i + 2] = (float) (raw[3 * i + 2] * zScale);
    }
    return new Result(new Landmarks(xyz), 1 / (1 + Math.exp(-logit)));
  }

  @Override
  public void close() {
    outputs.close();
    crop.close();
    outputNames.close();
    net.close();
  }
}
