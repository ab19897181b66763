package dev.doppel.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.testing.TestMedia;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.util.Random;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** DeeperForensics distortions on a real 720p sample frame. */
class PerturbationTest {
  static Mat frame;

  @BeforeAll
  static void readFrame() {
    try (VideoReader r = VideoReader.open(TestMedia.sample("hopper.mp4"));
        VideoFrame f = r.next()) {
      frame = f.image().clone();
    }
  }

  private static Mat apply(Perturbation p, int level, long seed) {
    Mat m = frame.clone();
    p.apply(m, level, new Random(seed));
    return m;
  }

  /** Mean absolute difference of the chroma channels from neutral (YCrCb, 8-bit). */
  private static double chroma(Mat bgr) {
    try (Mat ycc = new Mat();
        Mat diff = new Mat();
        Scalar neutral = new Scalar(0, 128, 128, 0)) {
      opencv_imgproc.cvtColor(bgr, ycc, opencv_imgproc.COLOR_BGR2YCrCb);
      opencv_core.absdiff(ycc, new Mat(ycc.rows(), ycc.cols(), ycc.type(), neutral), diff);
      Scalar s = opencv_core.mean(diff);
      return (s.get(1) + s.get(2)) / 2;
    }
  }

  @Test
  void saturationScalesChromaAndLevelFiveIsGrey() {
    double before = chroma(frame);
    try (Mat l1 = apply(Perturbation.COLOR_SATURATION, 1, 1);
        Mat l5 = apply(Perturbation.COLOR_SATURATION, 5, 1)) {
      assertEquals(0.4 * before, chroma(l1), 0.05 * before + 0.5);
      assertTrue(chroma(l5) < 0.6, "grey: " + chroma(l5));
      assertEquals(luma(frame), luma(l5), 1.0, "luma stays");
    }
  }

  @Test
  void contrastMultipliesEveryChannel() {
    try (Mat m = apply(Perturbation.COLOR_CONTRAST, 5, 1)) {
      for (int c = 0; c < 3; c++) {
        assertEquals(0.35 * opencv_core.mean(frame).get(c), opencv_core.mean(m).get(c), 0.6);
      }
    }
  }

  @Test
  void blocksAreGreyEightByEightAndSeeded() {
    try (Mat a = apply(Perturbation.BLOCK_WISE, 1, 7);
        Mat b = apply(Perturbation.BLOCK_WISE, 1, 7);
        Mat c = apply(Perturbation.BLOCK_WISE, 1, 8);
        Mat diff = new Mat();
        Mat g = new Mat()) {
      opencv_core.absdiff(a, b, diff);
      opencv_imgproc.cvtColor(diff, g, opencv_imgproc.COLOR_BGR2GRAY);
      assertEquals(0, opencv_core.countNonZero(g), "same seed, same blocks");
      opencv_core.absdiff(a, c, diff);
      opencv_imgproc.cvtColor(diff, g, opencv_imgproc.COLOR_BGR2GRAY);
      assertTrue(opencv_core.countNonZero(g) > 0, "another seed, other blocks");
      // 720 // 256 = 2, times 16: at most 32 blocks of 64 pixels set to 128 (overlaps allowed)
      opencv_core.absdiff(frame, a, diff);
      opencv_imgproc.cvtColor(diff, g, opencv_imgproc.COLOR_BGR2GRAY);
      int changed = opencv_core.countNonZero(g);
      assertTrue(changed > 0 && changed <= 32 * 64, "changed " + changed);
      try (UByteIndexer ix = a.createIndexer();
          UByteIndexer ox = frame.createIndexer()) {
        for (int y = 0; y < a.rows(); y++) {
          for (int x = 0; x < a.cols(); x++) {
            if (ix.get(y, x, 0) != ox.get(y, x, 0)) assertEquals(128, ix.get(y, x, 0));
          }
        }
      }
    }
  }

  @Test
  void noiseHasTheExpectedStrengthAndBlurAndPixelationRemoveDetail() {
    try (Mat n = apply(Perturbation.GAUSSIAN_NOISE, 3, 1);
        Mat diff = new Mat();
        Mat f1 = new Mat();
        Mat f2 = new Mat()) {
      frame.convertTo(f1, opencv_core.CV_32FC3);
      n.convertTo(f2, opencv_core.CV_32FC3);
      opencv_core.subtract(f2, f1, diff);
      Mat mean = new Mat();
      Mat sd = new Mat();
      opencv_core.meanStdDev(diff, mean, sd);
      // variance 0.005 in [0,1] YCbCr: about 18 levels per channel after conversion to BGR
      double s =
          sd.createIndexer() instanceof org.bytedeco.javacpp.indexer.DoubleIndexer d ? d.get(1) : 0;
      assertTrue(s > 14 && s < 40, "noise sd " + s);
    }
    double sharp = detail(frame);
    try (Mat blur = apply(Perturbation.GAUSSIAN_BLUR, 1, 1);
        Mat blur5 = apply(Perturbation.GAUSSIAN_BLUR, 5, 1);
        Mat pix = apply(Perturbation.PIXELATION, 5, 1)) {
      assertTrue(detail(blur) < sharp && detail(blur5) < detail(blur), "blur grows with level");
      assertTrue(detail(pix) < sharp, "pixelation removes detail");
    }
  }

  private static double luma(Mat bgr) {
    try (Mat g = new Mat()) {
      opencv_imgproc.cvtColor(bgr, g, opencv_imgproc.COLOR_BGR2GRAY);
      return opencv_core.mean(g).get(0);
    }
  }

  /** Mean absolute Laplacian: fine detail. */
  private static double detail(Mat bgr) {
    try (Mat g = new Mat();
        Mat lap = new Mat();
        Mat abs = new Mat()) {
      opencv_imgproc.cvtColor(bgr, g, opencv_imgproc.COLOR_BGR2GRAY);
      opencv_imgproc.Laplacian(g, lap, opencv_core.CV_16S);
      opencv_core.convertScaleAbs(lap, abs);
      return opencv_core.mean(abs).get(0);
    }
  }
}
