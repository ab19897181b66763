package dev.doppel.blend;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.face.Alignment;
import dev.doppel.face.AlignmentTemplate;
import dev.doppel.face.FivePoints;
import dev.doppel.face.Point2;
import dev.doppel.testing.TestMedia;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;

class FaceBlenderTest {
  private static final FivePoints FACE =
      new FivePoints(
          new Point2(300, 200),
          new Point2(360, 202),
          new Point2(331, 240),
          new Point2(305, 272),
          new Point2(356, 273));

  /** A circle of radius r around c as a 36-point polygon, standing in for the face oval. */
  private static List<Point2> circle(Point2 c, double r) {
    List<Point2> pts = new ArrayList<>();
    for (int i = 0; i < 36; i++) {
      double t = 2 * Math.PI * i / 36;
      pts.add(new Point2(c.x() + r * Math.cos(t), c.y() + r * Math.sin(t)));
    }
    return pts;
  }

  @Test
  void pasteChangesOnlyTheMaskedFaceAndHitsTheColourInside() {
    Alignment alignment = Alignment.of(FACE, AlignmentTemplate.FACE, 96);
    List<Point2> oval = circle(new Point2(331, 235), 60);
    BlendSettings settings =
        new BlendSettings(
            0.04, 0.06, BlendSettings.ColourTransfer.NONE, BlendSettings.Mode.FEATHER, false);
    try (Mat frame = TestMedia.syntheticFrame(640, 480, 5);
        Mat before = frame.clone();
        Mat face = new Mat(96, 96, CV_32FC3, new Scalar(0.2, 0.4, 0.8, 0));
        Mat modelMask = new Mat(96, 96, CV_32FC1, new Scalar(1.0));
        FaceBlender.Pasted pasted =
            new FaceBlender(settings).paste(frame, alignment, face, modelMask, oval, List.of())) {
      try (UByteIndexer a = before.createIndexer();
          UByteIndexer b = frame.createIndexer()) {
        int changedOutside = 0;
        for (int y = 0; y < 480; y++) {
          for (int x = 0; x < 640; x++) {
            boolean differs =
                a.get(y, x, 0) != b.get(y, x, 0)
                    || a.get(y, x, 1) != b.get(y, x, 1)
                    || a.get(y, x, 2) != b.get(y, x, 2);
            if (differs && Math.hypot(x - 331, y - 235) > 62) changedOutside++;
          }
        }
        assertEquals(0, changedOutside, "no pixel outside the oval changes");
        // well inside the eroded, feathered mask the face colour is reached exactly
        assertEquals(51, b.get(235, 331, 0), 1);
        assertEquals(102, b.get(235, 331, 1), 1);
        assertEquals(204, b.get(235, 331, 2), 1);
      }
      assertTrue(pasted.region().width() > 0 && pasted.region().width() < 640);
    }
  }

  @Test
  @SuppressWarnings("try") // the paste is held for its effect on the frame
  void keepMouthLeavesTheMouthOpeningAlone() {
    Alignment alignment = Alignment.of(FACE, AlignmentTemplate.FACE, 96);
    List<Point2> oval = circle(new Point2(331, 235), 60);
    List<Point2> mouth = circle(new Point2(331, 272), 14);
    BlendSettings settings =
        new BlendSettings(
            0.0, 0.02, BlendSettings.ColourTransfer.NONE, BlendSettings.Mode.FEATHER, true);
    try (Mat frame = TestMedia.syntheticFrame(640, 480, 5);
        Mat before = frame.clone();
        Mat face = new Mat(96, 96, CV_32FC3, new Scalar(0.2, 0.4, 0.8, 0));
        Mat modelMask = new Mat(96, 96, CV_32FC1, new Scalar(1.0));
        FaceBlender.Pasted pasted =
            new FaceBlender(settings).paste(frame, alignment, face, modelMask, oval, mouth)) {
      try (UByteIndexer a = before.createIndexer();
          UByteIndexer b = frame.createIndexer()) {
        for (int c = 0; c < 3; c++) {
          assertEquals(a.get(272, 331, c), b.get(272, 331, c), "mouth centre kept");
        }
        assertEquals(204, b.get(230, 331, 2), 1, "the rest of the face is replaced");
      }
    }
  }

  @Test
  void histogramMatchingTakesTheTargetsDistribution() {
    try (Mat face = TestMedia.syntheticFrame(64, 64, 1);
        Mat faceF = new Mat();
        Mat target = TestMedia.syntheticFrame(64, 64, 30);
        Mat alpha = new Mat(64, 64, CV_32FC1, new Scalar(1.0))) {
      face.convertTo(faceF, CV_32FC3, 1 / 255.0, 0);
      try (Mat out = HistogramMatch.inLab(faceF, target, alpha)) {
        Scalar got = opencv_core.mean(out);
        Scalar want = opencv_core.mean(target);
        for (int c = 0; c < 3; c++) {
          assertEquals(want.get(c) / 255.0, got.get(c), 0.03, "channel " + c + " mean");
        }
      }
    }
  }

  @Test
  void labTransferMovesTheFaceTowardsTheTargetColour() {
    try (Mat face = new Mat(64, 64, CV_32FC3, new Scalar(0.2, 0.3, 0.9, 0));
        Mat target = new Mat(64, 64, opencv_core.CV_8UC3, new Scalar(40, 120, 200, 0));
        Mat alpha = new Mat(64, 64, CV_32FC1, new Scalar(1.0));
        Mat out = FaceBlender.transferLab(face, target, alpha)) {
      Scalar mean = opencv_core.mean(out);
      assertEquals(40 / 255.0, mean.get(0), 0.02);
      assertEquals(120 / 255.0, mean.get(1), 0.02);
      assertEquals(200 / 255.0, mean.get(2), 0.02);
    }
  }
}
