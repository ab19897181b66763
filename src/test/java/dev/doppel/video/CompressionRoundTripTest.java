package dev.doppel.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.testing.TestMedia;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-memory H.264 round trip behind the video-compression perturbation, on real frames. */
class CompressionRoundTripTest {
  static final List<Mat> frames = new ArrayList<>();

  /** 24 frames of the hopper sample, cropped to an odd size (the encoder pads to even). */
  @BeforeAll
  static void readFrames() {
    try (VideoReader r = VideoReader.open(TestMedia.sample("hopper.mp4"));
        Rect odd = new Rect(100, 50, 481, 361)) {
      for (int i = 0; i < 24; i++) {
        try (VideoFrame f = r.next();
            Mat crop = f.image().apply(odd)) {
          frames.add(crop.clone());
        }
      }
    }
  }

  @AfterAll
  static void free() {
    frames.forEach(Mat::close);
  }

  private static List<Mat> roundTrip(int crf) {
    List<Mat> out = new ArrayList<>();
    try (CompressionRoundTrip c = new CompressionRoundTrip(481, 361, 25, crf)) {
      for (Mat f : frames) out.addAll(c.push(f));
      out.addAll(c.flush());
    }
    return out;
  }

  private static double meanPsnr(List<Mat> out) {
    double sum = 0;
    for (int i = 0; i < frames.size(); i++) sum += opencv_core.PSNR(frames.get(i), out.get(i));
    return sum / frames.size();
  }

  private static byte[] bytes(Mat m) {
    byte[] b = new byte[(int) (m.total() * m.channels())];
    m.data().get(b);
    return b;
  }

  @Test
  void everyFrameComesBackAtItsSizeAndHigherCrfCostsMoreQuality() {
    List<Mat> mild = roundTrip(30);
    List<Mat> strong = roundTrip(40);
    List<Mat> again = roundTrip(40);
    try {
      assertEquals(frames.size(), mild.size());
      assertEquals(frames.size(), strong.size());
      for (Mat m : strong) {
        assertEquals(481, m.cols());
        assertEquals(361, m.rows());
        assertEquals(opencv_core.CV_8UC3, m.type());
      }
      double p30 = meanPsnr(mild);
      double p40 = meanPsnr(strong);
      System.out.printf("H.264 round trip: crf 30 %.2f dB, crf 40 %.2f dB%n", p30, p40);
      assertTrue(p40 > 22, "crf 40 still shows the picture: " + p40);
      assertTrue(p30 < 50, "crf 30 is lossy: " + p30);
      assertTrue(p30 > p40 + 1.5, "crf 30 " + p30 + " vs crf 40 " + p40);
      // frame order kept: each output is closest to its own input
      assertTrue(
          opencv_core.PSNR(frames.get(0), strong.get(0))
              > opencv_core.PSNR(frames.get(23), strong.get(0)));
      for (int i = 0; i < strong.size(); i++) {
        assertArrayEquals(bytes(strong.get(i)), bytes(again.get(i)), "deterministic, frame " + i);
      }
    } finally {
      mild.forEach(Mat::close);
      strong.forEach(Mat::close);
      again.forEach(Mat::close);
    }
  }
}
