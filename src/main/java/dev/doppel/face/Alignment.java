package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REFLECT101;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * A face aligned to a template: the similarity transform from frame to crop, and its inverse for
 * pasting results back.
 *
 * @param toCrop frame pixels -> crop pixels
 * @param size crop side in pixels
 */
public record Alignment(Affine toCrop, int size) {

  public static Alignment of(FivePoints face, AlignmentTemplate template, int size) {
    return new Alignment(similarity(face.asList(), template.at(size).asList()), size);
  }

  public Affine toFrame() {
    return toCrop.inverse();
  }

  /** Warps the face out of {@code frame} into a new {@code size}² image the caller closes. */
  public Mat crop(Mat frame) {
    Mat out = new Mat();
    try (Mat m = toCrop.toMat();
        Size s = new Size(size, size);
        Scalar zero = new Scalar(0.0)) {
      warpAffine(frame, out, m, s, INTER_LINEAR, BORDER_REFLECT101, zero);
    }
    return out;
  }

  /**
   * Least-squares similarity (rotation, uniform scale, translation; no reflection) taking {@code
   * from} onto {@code to}: Umeyama's method, which in 2-D has this closed form.
   */
  public static Affine similarity(List<Point2> from, List<Point2> to) {
    int n = from.size();
    Point2 mf = Point2.mean(from.toArray(Point2[]::new));
    Point2 mt = Point2.mean(to.toArray(Point2[]::new));
    double norm = 0;
    double sa = 0;
    double sb = 0;
    for (int i = 0; i < n; i++) {
      double x = from.get(i).x() - mf.x();
      double y = from.get(i).y() - mf.y();
      double u = to.get(i).x() - mt.x();
      double v = to.get(i).y() - mt.y();
      norm += x * x + y * y;
      sa += x * u + y * v;
      sb += x * v - y * u;
    }
    if (norm == 0) throw new ArithmeticException("alignment points coincide");
    double a = sa / norm; // scale·cos
    double b = sb / norm; // scale·sin
    return new Affine(
        a, -b, mt.x() - (a * mf.x() - b * mf.y()), b, a, mt.y() - (b * mf.x() + a * mf.y()));
  }
}
