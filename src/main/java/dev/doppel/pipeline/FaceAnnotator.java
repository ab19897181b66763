package dev.doppel.pipeline;

import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_AA;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.polylines;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import dev.doppel.face.Box;
import dev.doppel.face.Face;
import dev.doppel.face.MeshTopology;
import dev.doppel.face.Point2;
import java.util.List;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Draws what the tracker found onto a frame: box, mesh, outlines, key points and track id. */
final class FaceAnnotator {
  private static final Scalar[] TRACK_COLOURS = {
    new Scalar(80, 220, 80, 0), new Scalar(60, 160, 255, 0), new Scalar(255, 120, 60, 0),
    new Scalar(200, 80, 220, 0), new Scalar(40, 220, 220, 0), new Scalar(220, 220, 60, 0)
  };
  private static final Scalar WHITE = new Scalar(255, 255, 255, 0);
  private static final Scalar RED = new Scalar(40, 40, 230, 0);

  private FaceAnnotator() {}

  static void draw(Mat frame, List<Face> faces) {
    int thick = Math.max(1, frame.rows() / 360);
    for (Face f : faces) {
      Scalar colour = TRACK_COLOURS[Math.floorMod(f.trackId() - 1, TRACK_COLOURS.length)];
      for (Point2 p : f.landmarks().all()) {
        try (Point q = point(p)) {
          circle(frame, q, 1, colour, -1, LINE_AA, 0);
        }
      }
      outline(frame, f, MeshTopology.FACE_OVAL, colour, thick);
      outline(frame, f, MeshTopology.RIGHT_EYE, colour, thick);
      outline(frame, f, MeshTopology.LEFT_EYE, colour, thick);
      outline(frame, f, MeshTopology.LIPS_OUTER, colour, thick);
      for (Point2 p : f.fivePoints().asList()) {
        try (Point q = point(p)) {
          circle(frame, q, 2 + thick, RED, -1, LINE_AA, 0);
        }
      }
      Box b = f.box();
      try (Point tl = point(new Point2(b.x(), b.y()));
          Point br = point(new Point2(b.x() + b.width(), b.y() + b.height()));
          Point label = point(new Point2(b.x(), b.y() - 6 * thick))) {
        rectangle(frame, tl, br, colour, thick, LINE_AA, 0);
        String text = String.format("#%d %.2f yaw %.0f", f.trackId(), f.score(), f.pose().yaw());
        putText(
            frame, text, label, FONT_HERSHEY_SIMPLEX, 0.5 * thick, WHITE, thick, LINE_AA, false);
      }
    }
  }

  private static void outline(Mat frame, Face f, int[] indices, Scalar colour, int thick) {
    int[] xy = new int[indices.length * 2];
    for (int i = 0; i < indices.length; i++) {
      Point2 p = f.landmarks().point(indices[i]);
      xy[2 * i] = (int) Math.round(p.x());
      xy[2 * i + 1] = (int) Math.round(p.y());
    }
    try (Point pts = new Point(indices.length);
        IntPointer count = new IntPointer(1).put(indices.length)) {
      for (int i = 0; i < indices.length; i++) pts.position(i).x(xy[2 * i]).y(xy[2 * i + 1]);
      pts.position(0);
      polylines(frame, pts, count, 1, true, colour, thick, LINE_AA, 0);
    }
  }

  private static Point point(Point2 p) {
    return new Point((int) Math.round(p.x()), (int) Math.round(p.y()));
  }
}
