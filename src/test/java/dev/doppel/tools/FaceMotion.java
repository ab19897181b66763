package dev.doppel.tools;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.remap;

import dev.doppel.face.Box;
import dev.doppel.face.Landmarks;
import dev.doppel.face.MeshTopology;
import dev.doppel.face.Point2;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Animates a still portrait by moving its mesh points (mouth opening, blinks, a slight turn) and
 * warping the image with a smooth displacement field: each moved point pulls the pixels around it
 * with a Gaussian falloff. Used only to make the sample clips.
 */
final class FaceMotion {
  /** One frame's expression: each value 0 (rest) to 1 (full); turn is -1..1. */
  record Expression(double mouthOpen, double blink, double turn) {
    static final Expression REST = new Expression(0, 0, 0);
  }

  private record Control(Point2 at, double dx, double dy, double sigma) {}

  private final Landmarks mesh;
  private final Box face;

  FaceMotion(Landmarks mesh) {
    this.mesh = mesh;
    this.face = mesh.bounds();
  }

  /** The portrait with the expression applied; the caller closes the result. */
  Mat apply(Mat portrait, Expression e) {
    List<Control> controls = controls(e);
    Mat mapX = new Mat(portrait.rows(), portrait.cols(), CV_32FC1);
    Mat mapY = new Mat(portrait.rows(), portrait.cols(), CV_32FC1);
    int x0 = (int) Math.max(0, face.x() - 0.3 * face.width());
    int x1 = (int) Math.min(portrait.cols(), face.x() + 1.3 * face.width());
    int y0 = (int) Math.max(0, face.y() - 0.3 * face.height());
    int y1 = (int) Math.min(portrait.rows(), face.y() + 1.3 * face.height());
    try (FloatIndexer mx = mapX.createIndexer();
        FloatIndexer my = mapY.createIndexer()) {
      for (int y = 0; y < portrait.rows(); y++) {
        for (int x = 0; x < portrait.cols(); x++) {
          double dx = 0;
          double dy = 0;
          if (x >= x0 && x < x1 && y >= y0 && y < y1 && !controls.isEmpty()) {
            double wsum = 0;
            for (Control c : controls) {
              double ddx = x - c.at.x();
              double ddy = y - c.at.y();
              double w = Math.exp(-(ddx * ddx + ddy * ddy) / (2 * c.sigma * c.sigma));
              dx += w * c.dx;
              dy += w * c.dy;
              wsum += w;
            }
            if (wsum > 1) {
              dx /= wsum;
              dy /= wsum;
            }
          }
          // backward map: the pixel shown at x came from x - displacement
          mx.put(y, x, (float) (x - dx));
          my.put(y, x, (float) (y - dy));
        }
      }
    }
    Mat out = new Mat();
    try (Scalar zero = new Scalar(0.0)) {
      remap(portrait, out, mapX, mapY, INTER_LINEAR, opencv_core.BORDER_REFLECT101, zero);
    }
    mapX.close();
    mapY.close();
    return out;
  }

  private List<Control> controls(Expression e) {
    double h = face.height();
    double w = face.width();
    List<Control> c = new ArrayList<>();
    if (e.mouthOpen() > 0) {
      int[] lowerLip = {
        14, 87, 178, 88, 95, 317, 402, 318, 324, 17, 84, 181, 91, 146, 314, 405, 321, 375
      };
      int[] chin = {152, 148, 176, 149, 150, 377, 400, 378, 379, 199, 175, 171, 396};
      for (int i : lowerLip) c.add(control(i, 0, 0.14 * h * e.mouthOpen(), 0.045 * h));
      for (int i : chin) c.add(control(i, 0, 0.10 * h * e.mouthOpen(), 0.08 * h));
      c.add(control(MeshTopology.MOUTH_RIGHT_CORNER, 0, 0.02 * h * e.mouthOpen(), 0.03 * h));
      c.add(control(MeshTopology.MOUTH_LEFT_CORNER, 0, 0.02 * h * e.mouthOpen(), 0.03 * h));
      // anchor the upper lip and nose so the opening stays below them
      for (int i : new int[] {13, 0, 37, 267, 2}) c.add(control(i, 0, 0, 0.03 * h));
    }
    if (e.blink() > 0) {
      addBlink(
          c,
          MeshTopology.RIGHT_UPPER_LID,
          new int[] {7, 163, 144, 145, 153, 154, 155},
          e.blink(),
          h);
      addBlink(
          c,
          MeshTopology.LEFT_UPPER_LID,
          new int[] {249, 390, 373, 374, 380, 381, 382},
          e.blink(),
          h);
    }
    if (e.turn() != 0) {
      int[] central = {1, 4, 5, 195, 197, 6, 168, 0, 13, 14, 17, 61, 291, 2, 98, 327};
      for (int i : central) c.add(control(i, 0.05 * w * e.turn(), 0, 0.12 * h));
    }
    return c;
  }

  private void addBlink(List<Control> c, int[] upper, int[] lower, double amount, double h) {
    for (int k = 0; k < upper.length; k++) {
      double gap = mesh.y(lower[k]) - mesh.y(upper[k]);
      c.add(control(upper[k], 0, Math.max(0, gap) * amount, 0.02 * h));
    }
    for (int i : lower) c.add(control(i, 0, 0, 0.006 * h));
  }

  private Control control(int index, double dx, double dy, double sigma) {
    return new Control(mesh.point(index), dx, dy, sigma);
  }
}
