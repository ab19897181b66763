package dev.doppel.face;

/** A point in image pixels; (0,0) is the centre of the top-left pixel, as in OpenCV. */
public record Point2(double x, double y) {
  public double distance(Point2 o) {
    return Math.hypot(x - o.x, y - o.y);
  }

  public static Point2 mean(Point2... points) {
    double sx = 0;
    double sy = 0;
    for (Point2 p : points) {
      sx += p.x;
      sy += p.y;
    }
    return new Point2(sx / points.length, sy / points.length);
  }
}
