package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.fillPoly;

import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Fills a face polygon (a mask outline in frame pixels) into a mask, through a transform. */
public final class PolygonFill {
  private PolygonFill() {}

  /** Fills {@code polygon}, mapped by {@code to}, into {@code mask} with {@code value}. */
  public static void fill(Mat mask, List<Point2> polygon, Affine to, double value) {
    try (Point pts = new Point(polygon.size());
        IntPointer count = new IntPointer(1).put(polygon.size());
        Scalar v = new Scalar(value)) {
      for (int i = 0; i < polygon.size(); i++) {
        Point2 p = to.apply(polygon.get(i));
        pts.position(i).x((int) Math.round(p.x())).y((int) Math.round(p.y()));
      }
      pts.position(0);
      fillPoly(mask, pts, count, 1, v, LINE_AA, 0, null);
    }
  }
}
