package dev.doppel.face;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON shapes Doppel writes for faces. Coordinates are frame pixels (OpenCV convention: the
 * top-left pixel's centre is 0,0) rounded to 1/100 px; angles are degrees.
 */
public final class FaceJson {
  private FaceJson() {}

  /** One line of {@code faces --json}. */
  public record FrameRecord(long frame, long pts, double time, List<FaceRecord> faces) {}

  public record FaceRecord(
      int track,
      double[] box,
      double score,
      boolean detected,
      @JsonProperty("five_points") double[][] fivePoints,
      Pose pose,
      double[][] landmarks,
      @JsonProperty("mask_polygon") double[][] maskPolygon) {}

  public record Pose(double yaw, double pitch, double roll) {}

  public static FrameRecord frame(long index, long pts, double seconds, List<Face> faces) {
    List<FaceRecord> out = new ArrayList<>(faces.size());
    for (Face f : faces) out.add(face(f, Affine.IDENTITY));
    return new FrameRecord(index, pts, Math.round(seconds * 1e6) / 1e6, out);
  }

  /** A face with every coordinate mapped through {@code to} (identity for frame pixels). */
  public static FaceRecord face(Face f, Affine to) {
    Box b = Box.bounding(map(f.landmarks().all(), to));
    return new FaceRecord(
        f.trackId(),
        new double[] {r2(b.x()), r2(b.y()), r2(b.width()), r2(b.height())},
        Math.round(f.score() * 1e4) / 1e4,
        f.detected(),
        points(map(f.fivePoints().asList(), to)),
        pose(f.pose()),
        landmarks(f.landmarks(), to),
        points(map(f.maskPolygon(), to)));
  }

  static Pose pose(HeadPose p) {
    return new Pose(r2(p.yaw()), r2(p.pitch()), r2(p.roll()));
  }

  private static List<Point2> map(List<Point2> points, Affine to) {
    List<Point2> out = new ArrayList<>(points.size());
    for (Point2 p : points) out.add(to.apply(p));
    return out;
  }

  public static double[][] points(List<Point2> points) {
    double[][] out = new double[points.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new double[] {r2(points.get(i).x()), r2(points.get(i).y())};
    }
    return out;
  }

  private static double[][] landmarks(Landmarks m, Affine to) {
    double[][] out = new double[m.size()][];
    double zScale = to.scale();
    for (int i = 0; i < m.size(); i++) {
      Point2 p = to.apply(m.point(i));
      out[i] = new double[] {r2(p.x()), r2(p.y()), r2(m.z(i) * zScale)};
    }
    return out;
  }

  /** Rounded to 1/100: sub-pixel enough, and keeps JSON Lines files small. */
  static double r2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
