package dev.doppel.face;

/** An axis-aligned rectangle in image pixels. */
public record Box(double x, double y, double width, double height) {
  public static Box fromCenter(double cx, double cy, double w, double h) {
    return new Box(cx - w / 2, cy - h / 2, w, h);
  }

  public static Box bounding(Iterable<Point2> points) {
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (Point2 p : points) {
      minX = Math.min(minX, p.x());
      minY = Math.min(minY, p.y());
      maxX = Math.max(maxX, p.x());
      maxY = Math.max(maxY, p.y());
    }
    return new Box(minX, minY, maxX - minX, maxY - minY);
  }

  public Point2 center() {
    return new Point2(x + width / 2, y + height / 2);
  }

  public double area() {
    return Math.max(0, width) * Math.max(0, height);
  }

  public double iou(Box o) {
    double ix = Math.max(0, Math.min(x + width, o.x + o.width) - Math.max(x, o.x));
    double iy = Math.max(0, Math.min(y + height, o.y + o.height) - Math.max(y, o.y));
    double inter = ix * iy;
    double union = area() + o.area() - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
