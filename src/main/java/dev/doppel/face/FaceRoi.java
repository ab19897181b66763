package dev.doppel.face;

/**
 * A rotated square region of the frame that the landmark model looks at.
 *
 * @param angle radians the face is tilted clockwise in the image (eyes line vs horizontal)
 */
public record FaceRoi(Point2 center, double size, double angle) {
  /** MediaPipe enlarges the face box by this much so the whole mesh fits in the crop. */
  static final double MARGIN = 1.5;

  /** From a detection: the box's long side, tilted like the line between the eyes. */
  static FaceRoi fromDetection(Detection d) {
    Point2 rightEye = d.keypoints().get(0);
    Point2 leftEye = d.keypoints().get(1);
    double angle = Math.atan2(leftEye.y() - rightEye.y(), leftEye.x() - rightEye.x());
    double side = Math.max(d.box().width(), d.box().height()) * MARGIN;
    return new FaceRoi(d.box().center(), side, angle);
  }

  /** From a mesh: its bounds measured along the eye line, so the next crop follows the face. */
  static FaceRoi fromLandmarks(Landmarks mesh) {
    Point2 a = mesh.point(MeshTopology.RIGHT_EYE_OUTER);
    Point2 b = mesh.point(MeshTopology.LEFT_EYE_OUTER);
    double angle = Math.atan2(b.y() - a.y(), b.x() - a.x());
    double cos = Math.cos(-angle);
    double sin = Math.sin(-angle);
    double minU = Double.MAX_VALUE;
    double maxU = -Double.MAX_VALUE;
    double minV = Double.MAX_VALUE;
    double maxV = -Double.MAX_VALUE;
    for (int i = 0; i < mesh.size(); i++) {
      double u = mesh.x(i) * cos - mesh.y(i) * sin;
      double v = mesh.x(i) * sin + mesh.y(i) * cos;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    double cu = (minU + maxU) / 2;
    double cv = (minV + maxV) / 2;
    // back from the face-aligned frame to image coordinates: rotate by +angle
    Point2 center =
        new Point2(
            cu * Math.cos(angle) - cv * Math.sin(angle),
            cu * Math.sin(angle) + cv * Math.cos(angle));
    return new FaceRoi(center, Math.max(maxU - minU, maxV - minV) * MARGIN, angle);
  }

  /** Frame pixels -> crop pixels of a {@code cropSize} square, face upright in the crop. */
  Affine toCrop(int cropSize) {
    double k = cropSize / size;
    Affine rotateScale = Affine.similarity(k, -angle, 0, 0);
    Point2 moved = rotateScale.apply(center);
    double mid = (cropSize - 1) / 2.0;
    return new Affine(
        rotateScale.a(),
        rotateScale.b(),
        mid - moved.x(),
        rotateScale.d(),
        rotateScale.e(),
        mid - moved.y());
  }

  Box bounds() {
    return Box.fromCenter(center.x(), center.y(), size, size);
  }
}
