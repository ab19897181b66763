package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class AlignmentTest {
  private static final FivePoints FACE =
      new FivePoints(
          new Point2(612.3, 301.7),
          new Point2(688.9, 296.2),
          new Point2(655.1, 345.8),
          new Point2(620.4, 388.0),
          new Point2(684.6, 384.9));

  @Test
  void umeyamaRecoversAKnownSimilarity() {
    Affine truth = Affine.similarity(0.37, Math.toRadians(-12.5), 41.25, -17.5);
    List<Point2> from = FACE.asList();
    List<Point2> to = from.stream().map(truth::apply).toList();
    Affine found = Alignment.similarity(from, to);
    double[] a = truth.toArray();
    double[] b = found.toArray();
    for (int i = 0; i < 6; i++) assertEquals(a[i], b[i], 1e-9);
  }

  @Test
  void alignmentThenInverseReturnsThePoints() {
    for (int size : new int[] {112, 128, 256, 512}) {
      Alignment al = Alignment.of(FACE, AlignmentTemplate.FACE, size);
      for (Point2 p : FACE.asList()) {
        Point2 back = al.toFrame().apply(al.toCrop().apply(p));
        assertTrue(back.distance(p) < 0.5, "round trip within 0.5 px at size " + size);
        assertTrue(back.distance(p) < 1e-9, "and in fact exact");
      }
      // the five points land near the template (residual of a 4-dof fit to 5 points)
      List<Point2> template = AlignmentTemplate.FACE.at(size).asList();
      for (int i = 0; i < 5; i++) {
        double residual = al.toCrop().apply(FACE.asList().get(i)).distance(template.get(i));
        assertTrue(residual < 0.05 * size, "point " + i + " residual " + residual);
      }
    }
  }

  @Test
  void arcfaceTemplateAt112IsThePublishedOne() {
    FivePoints t = AlignmentTemplate.ARCFACE.at(112);
    assertEquals(38.2946, t.leftEye().x(), 1e-9);
    assertEquals(51.6963, t.leftEye().y(), 1e-9);
    assertEquals(70.7299, t.mouthRight().x(), 1e-9);
    assertEquals(92.2041, t.mouthRight().y(), 1e-9);
  }

  /**
   * Other sizes follow InsightFace's estimate_norm: multiples of 112 scale; others scale by S/128
   * and move right by 8·S/128. At 128 that is FaceFusion's published arcface_128_v2 template.
   */
  @Test
  void arcfaceTemplateAtOtherSizesFollowsInsightFace() {
    double[][] ff128 = {
      {46.2946, 51.6963},
      {81.5318, 51.5014},
      {64.0252, 71.7366},
      {49.5493, 92.3655},
      {78.7299, 92.2041}
    };
    List<Point2> at128 = AlignmentTemplate.ARCFACE.at(128).asList();
    List<Point2> at224 = AlignmentTemplate.ARCFACE.at(224).asList();
    List<Point2> at256 = AlignmentTemplate.ARCFACE.at(256).asList();
    List<Point2> at112 = AlignmentTemplate.ARCFACE.at(112).asList();
    for (int i = 0; i < 5; i++) {
      assertEquals(ff128[i][0], at128.get(i).x(), 1e-9);
      assertEquals(ff128[i][1], at128.get(i).y(), 1e-9);
      assertEquals(2 * at112.get(i).x(), at224.get(i).x(), 1e-9);
      assertEquals(2 * ff128[i][0], at256.get(i).x(), 1e-9);
      assertEquals(2 * ff128[i][1], at256.get(i).y(), 1e-9);
    }
  }

  /** Key points that are an exact similarity of the template land on it in the 128 crop. */
  @Test
  void arcfaceCropPutsTheKeyPointsOnTheTemplate() {
    List<Point2> template = AlignmentTemplate.ARCFACE.at(128).asList();
    double angle = Math.toRadians(12), scale = 2.3;
    Point2[] frame = new Point2[5];
    for (int i = 0; i < 5; i++) {
      Point2 t = template.get(i);
      frame[i] =
          new Point2(
              400 + scale * (Math.cos(angle) * t.x() - Math.sin(angle) * t.y()),
              150 + scale * (Math.sin(angle) * t.x() + Math.cos(angle) * t.y()));
    }
    Alignment al = Alignment.of(FivePoints.of(List.of(frame)), AlignmentTemplate.ARCFACE, 128);
    for (int i = 0; i < 5; i++) {
      assertTrue(al.toCrop().apply(frame[i]).distance(template.get(i)) < 1e-6, "point " + i);
    }
  }

  /**
   * Warping pixels with the alignment and mapping a feature back with the inverse is sub-pixel
   * exact: a blurred dot at a fractional position is found again within 0.1 px.
   */
  @Test
  void cropAndPasteBackAreSubPixelConsistent() {
    Point2 dot = new Point2(650.37, 340.81);
    try (Mat frame = gaussianDot(1280, 720, dot, 3.0)) {
      Alignment al = Alignment.of(FACE, AlignmentTemplate.FACE, 256);
      try (Mat crop = al.crop(frame)) {
        Point2 inCrop = centroid(crop);
        Point2 expected = al.toCrop().apply(dot);
        assertTrue(
            inCrop.distance(expected) < 0.1, "dot in crop at " + inCrop + ", expected " + expected);
        Point2 back = al.toFrame().apply(inCrop);
        assertTrue(back.distance(dot) < 0.1, "pasted back at " + back + ", was " + dot);
      }
    }
  }

  private static Mat gaussianDot(int w, int h, Point2 c, double sigma) {
    Mat m = new Mat(h, w, CV_32FC1);
    try (FloatIndexer idx = m.createIndexer()) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double d2 = Math.pow(x - c.x(), 2) + Math.pow(y - c.y(), 2);
          idx.put(y, x, (float) Math.exp(-d2 / (2 * sigma * sigma)));
        }
      }
    }
    return m;
  }

  private static Point2 centroid(Mat m) {
    double sx = 0;
    double sy = 0;
    double sum = 0;
    try (FloatIndexer idx = m.createIndexer()) {
      for (int y = 0; y < m.rows(); y++) {
        for (int x = 0; x < m.cols(); x++) {
          double v = idx.get(y, x);
          if (v < 1e-4) continue;
          sx += v * x;
          sy += v * y;
          sum += v;
        }
      }
    }
    return new Point2(sx / sum, sy / sum);
  }

  @Test
  void affineComposesAndInverts() {
    Affine a = Affine.similarity(2, 0.3, 5, -7);
    Affine b = new Affine(1.1, 0.2, 3, -0.1, 0.9, 4);
    Point2 p = new Point2(12.5, -3.25);
    assertEquals(a.apply(b.apply(p)).x(), a.after(b).apply(p).x(), 1e-12);
    assertEquals(a.apply(b.apply(p)).y(), a.after(b).apply(p).y(), 1e-12);
    Point2 q = b.inverse().apply(b.apply(p));
    assertEquals(p.x(), q.x(), 1e-12);
    assertEquals(p.y(), q.y(), 1e-12);
  }
}
