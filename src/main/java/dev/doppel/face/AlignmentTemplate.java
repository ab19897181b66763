package dev.doppel.face;

import java.util.List;

/**
 * Where the five key points land in an aligned crop of S pixels.
 *
 * <ul>
 *   <li>{@link #ARCFACE}: InsightFace's 112-pixel ArcFace template, (38.2946, 51.6963), (73.5318,
 *       51.5014), (56.0252, 71.7366), (41.5493, 92.3655), (70.7299, 92.2041), divided by 112. A
 *       tight crop (brows to lower lip) that recognisers and one-shot swappers expect.
 *   <li>{@link #FACE}: Doppel's whole-face template for training crops: the ArcFace points scaled
 *       by 0.85 about the crop centre and raised by 0.04, so forehead, cheeks and chin are inside
 *       the crop with little background (eyes at 43% of the height, mouth corners at 73%, eye
 *       distance 27% of the side).
 * </ul>
 */
public enum AlignmentTemplate {
  ARCFACE(1.0, 0.0),
  FACE(0.85, -0.04);

  private static final double[][] ARCFACE_112 = {
    {38.2946, 51.6963},
    {73.5318, 51.5014},
    {56.0252, 71.7366},
    {41.5493, 92.3655},
    {70.7299, 92.2041}
  };

  private final double scale;
  private final double shiftY;

  AlignmentTemplate(double scale, double shiftY) {
    this.scale = scale;
    this.shiftY = shiftY;
  }

  /**
   * ArcFace's points shrunk about the crop centre by {@code 1 / margin}: a margin of 1.3 leaves the
   * face 30% more room on every side (DeepfakeBench's crops).
   */
  public static FivePoints arcFaceWithMargin(int size, double margin) {
    Point2[] p = new Point2[5];
    for (int i = 0; i < 5; i++) {
      double u = 0.5 + (ARCFACE_112[i][0] / 112 - 0.5) / margin;
      double v = 0.5 + (ARCFACE_112[i][1] / 112 - 0.5) / margin;
      p[i] = new Point2(u * size, v * size);
    }
    return FivePoints.of(List.of(p));
  }

  /** The template's five points for a square crop of {@code size} pixels. */
  public FivePoints at(int size) {
    Point2[] p = new Point2[5];
    if (this == ARCFACE) {
      boolean multipleOf112 = size % 112 == 0;
      double ratio = multipleOf112 ? size / 112.0 : size / 128.0;
      double shiftX = multipleOf112 ? 0 : 8 * ratio;
      for (int i = 0; i < 5; i++) {
        p[i] = new Point2(ARCFACE_112[i][0] * ratio + shiftX, ARCFACE_112[i][1] * ratio);
      }
      return FivePoints.of(List.of(p));
    }
    for (int i = 0; i < 5; i++) {
      double u = 0.5 + (ARCFACE_112[i][0] / 112 - 0.5) * scale;
      double v = 0.5 + (ARCFACE_112[i][1] / 112 - 0.5) * scale + shiftY;
      p[i] = new Point2(u * size, v * size);
    }
    return FivePoints.of(List.of(p));
  }
}
