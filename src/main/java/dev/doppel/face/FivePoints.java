package dev.doppel.face;

import java.util.List;

/**
 * The five key points alignment uses, in the order InsightFace/ArcFace use: the eye on the image's
 * left (the subject's right eye), the eye on the image's right, nose tip, mouth corner on the
 * image's left, mouth corner on the image's right.
 */
public record FivePoints(
    Point2 leftEye, Point2 rightEye, Point2 nose, Point2 mouthLeft, Point2 mouthRight) {
  public List<Point2> asList() {
    return List.of(leftEye, rightEye, nose, mouthLeft, mouthRight);
  }

  public static FivePoints of(List<Point2> p) {
    return new FivePoints(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4));
  }
}
