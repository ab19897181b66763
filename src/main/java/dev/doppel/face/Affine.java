package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;

import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A 2x3 affine map {@code [a b c; d e f]}: x' = a·x + b·y + c, y' = d·x + e·y + f, in OpenCV's
 * pixel-centre convention, so {@code warpAffine} with {@link #toMat()} moves pixels exactly as
 * {@link #apply} moves points.
 */
public record Affine(double a, double b, double c, double d, double e, double f) {
  public static final Affine IDENTITY = new Affine(1, 0, 0, 0, 1, 0);

  /** Rotation by {@code radians} and uniform {@code scale} about the origin, then translation. */
  public static Affine similarity(double scale, double radians, double tx, double ty) {
    double cos = scale * Math.cos(radians);
    double sin = scale * Math.sin(radians);
    return new Affine(cos, -sin, tx, sin, cos, ty);
  }

  public Point2 apply(Point2 p) {
    return new Point2(a * p.x() + b * p.y() + c, d * p.x() + e * p.y() + f);
  }

  /** This map after {@code first}: p -> this(first(p)). */
  public Affine after(Affine first) {
    return new Affine(
        a * first.a + b * first.d,
        a * first.b + b * first.e,
        a * first.c + b * first.f + c,
        d * first.a + e * first.d,
        d * first.b + e * first.e,
        d * first.c + e * first.f + f);
  }

  public Affine inverse() {
    double det = a * e - b * d;
    if (Math.abs(det) < 1e-12) throw new ArithmeticException("affine map is not invertible");
    double ia = e / det;
    double ib = -b / det;
    double id = -d / det;
    double ie = a / det;
    return new Affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f));
  }

  /** Uniform scale of a similarity transform. */
  public double scale() {
    return Math.sqrt(Math.abs(a * e - b * d));
  }

  /** A new 2x3 CV_64F matrix; the caller closes it. */
  public Mat toMat() {
    Mat m = new Mat(2, 3, CV_64F);
    try (DoubleIndexer idx = m.createIndexer()) {
      idx.put(0, 0, a, b, c);
      idx.put(1, 0, d, e, f);
    }
    return m;
  }

  public double[] toArray() {
    return new double[] {a, b, c, d, e, f};
  }
}
