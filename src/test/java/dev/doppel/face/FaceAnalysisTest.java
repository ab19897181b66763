package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.testing.TestMedia;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.junit.jupiter.api.Test;

class FaceAnalysisTest {
  static Face analyse(Mat image) {
    TrackerSettings s = new TrackerSettings(BlazeFaceDetector.Range.FULL, 1, 0.5, 0.5, 4, false);
    try (FaceTracker t = new FaceTracker(s)) {
      List<Face> faces = t.next(image, 0);
      assertEquals(1, faces.size());
      return faces.get(0);
    }
  }

  @Test
  void anchorsMatchMediaPipe() {
    assertEquals(896, SsdAnchors.shortRange().length);
    assertEquals(2304, SsdAnchors.fullRange().length);
    assertEquals(0.5 / 16, SsdAnchors.shortRange()[0][0], 1e-12);
    assertEquals(0.5 / 8, SsdAnchors.shortRange()[512][0], 1e-12);
  }

  @Test
  void bothDetectorsFindTheAstronautWithEyesWhereTheyAre() {
    // eye centres located by hand on samples/astronaut.png (512x512)
    Point2 leftEye = new Point2(203, 101);
    Point2 rightEye = new Point2(246, 104);
    try (Mat img = imread(TestMedia.sample("astronaut.png").toString())) {
      for (BlazeFaceDetector.Range range : BlazeFaceDetector.Range.values()) {
        try (BlazeFaceDetector d = new BlazeFaceDetector(range, 0.5)) {
          List<Detection> found = d.detect(img);
          assertEquals(1, found.size(), range + " finds one face");
          assertTrue(found.get(0).score() > 0.8);
          assertTrue(found.get(0).keypoints().get(0).distance(leftEye) < 8, range + " eye");
          assertTrue(found.get(0).keypoints().get(1).distance(rightEye) < 8, range + " eye");
        }
      }
      FivePoints five = analyse(img).fivePoints();
      assertTrue(five.leftEye().distance(leftEye) < 4, "mesh eye " + five.leftEye());
      assertTrue(five.rightEye().distance(rightEye) < 4, "mesh eye " + five.rightEye());
    }
  }

  @Test
  void rollFollowsAnImageRotation() {
    try (Mat img = imread(TestMedia.sample("grace_hopper.jpg").toString())) {
      Face upright = analyse(img);
      Point2 c = upright.box().center();
      try (Mat turned = new Mat();
          Size size = new Size(img.cols(), img.rows());
          Scalar zero = new Scalar(0.0)) {
        // rotate 15 degrees clockwise (y down) about the face centre
        Affine rot = Affine.similarity(1, Math.toRadians(15), 0, 0);
        Point2 moved = rot.apply(c);
        Affine about =
            new Affine(rot.a(), rot.b(), c.x() - moved.x(), rot.d(), rot.e(), c.y() - moved.y());
        try (Mat am = about.toMat()) {
          warpAffine(img, turned, am, size, 1, opencv_core.BORDER_REPLICATE, zero);
        }
        Face tilted = analyse(turned);
        assertEquals(
            15,
            tilted.pose().roll() - upright.pose().roll(),
            2.5,
            "roll " + upright.pose().roll() + " -> " + tilted.pose().roll());
        assertTrue(
            Math.abs(upright.pose().yaw()) < 20 && Math.abs(upright.pose().pitch()) < 25,
            "a frontal portrait: " + upright.pose());
      }
    }
  }

  @Test
  void noFaceInASyntheticFrame() {
    TrackerSettings s = TrackerSettings.defaults();
    try (FaceTracker t = new FaceTracker(s);
        Mat frame = TestMedia.syntheticFrame(640, 360, 3)) {
      for (int i = 0; i < 5; i++) assertEquals(List.of(), t.next(frame, i / 25.0));
    }
  }

  /**
   * Every native object of the analysis is closed deterministically: with the garbage collector
   * kept out of it (no System.gc, and far too little Java garbage to trigger one), the native
   * allocations JavaCPP counts and the process's physical memory stay flat.
   */
  @Test
  void nativeMemoryStaysFlatOverManyFrames() {
    try (Mat img = imread(TestMedia.sample("astronaut.png").toString());
        FaceTracker t =
            new FaceTracker(
                new TrackerSettings(BlazeFaceDetector.Range.FULL, 2, 0.5, 0.5, 4, true))) {
      for (int i = 0; i < 100; i++) t.next(img, i / 25.0);
      long before = Pointer.totalBytes();
      long physicalBefore = Pointer.physicalBytes();
      for (int i = 100; i < 600; i++) t.next(img, i / 25.0);
      long after = Pointer.totalBytes();
      long physicalAfter = Pointer.physicalBytes();
      System.out.printf(
          "500 frames: JavaCPP bytes %+d, physical %+.1f MiB%n",
          after - before, (physicalAfter - physicalBefore) / 1048576.0);
      assertTrue(after - before < 1_000_000, "JavaCPP-tracked memory grew " + (after - before));
      assertTrue(
          physicalAfter - physicalBefore < 64L << 20,
          "physical memory grew " + (physicalAfter - physicalBefore) + " bytes");
    }
  }
}
