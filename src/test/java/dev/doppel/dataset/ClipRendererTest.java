package dev.doppel.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.TrackerSettings;
import dev.doppel.pipeline.FaceJson;
import dev.doppel.swap.ModelResolver;
import dev.doppel.swap.PairSwapper;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real/fake/mask rendering pass on a real clip. */
class ClipRendererTest {
  @TempDir Path dir;

  /**
   * Lossless real and fake differ exactly where the mask says Doppel wrote (IoU of the mask
   * with the changed pixels, per frame), the mask is binary and frame-exact, and the
   * annotations have a line per frame.
   */
  @Test
  void maskMatchesWhatChangedFrameByFrame() throws Exception {
    Path in = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 20);
    Path real = dir.resolve("real.mkv");
    Path fake = dir.resolve("fake.mkv");
    Path mask = dir.resolve("mask.mkv");
    Path notes = dir.resolve("fake.jsonl");
    EncodeSettings lossless = EncodeSettings.forOutput(real, "ffv1", null, null);
    ClipRenderer.Result r;
    try (PairSwapper swapper = new PairSwapper(ModelResolver.resolve(Path.of("models/pair96"),
        "a2b"))) {
      r = ClipRenderer.render(in, TrackerSettings.defaults(), swapper,
          new FaceBlender(BlendSettings.defaults()), faces -> faces,
          List.of(new ClipRenderer.Output(real, lossless, Map.of())),
          List.of(new ClipRenderer.Output(fake, lossless, Map.of())),
          new ClipRenderer.Output(mask, lossless, Map.of()), notes, List.of(), 1);
    }
    assertEquals(20, r.frames());
    assertEquals(20, r.manipulated());
    assertEquals(1, r.manipulatedSegments().size());
    assertEquals(19, r.manipulatedSegments().get(0)[1]);
    assertEquals(TestMedia.readPts(fake), TestMedia.readPts(mask));
    assertEquals(TestMedia.readPts(real), TestMedia.readPts(fake));
    double worst = 1;
    try (VideoReader a = VideoReader.open(real); VideoReader b = VideoReader.open(fake);
        VideoReader m = VideoReader.open(mask)) {
      for (int i = 0; i < 20; i++) {
        try (VideoFrame fa = a.next(); VideoFrame fb = b.next(); VideoFrame fm = m.next();
            Mat diff = new Mat(); Mat gray = new Mat(); Mat changed = new Mat();
            Mat maskGray = new Mat(); Mat inter = new Mat(); Mat union = new Mat();
            Mat nonBinary = new Mat()) {
          opencv_core.absdiff(fa.image(), fb.image(), diff);
          opencv_imgproc.cvtColor(diff, gray, opencv_imgproc.COLOR_BGR2GRAY);
          opencv_imgproc.threshold(gray, changed, 0, 255, opencv_imgproc.THRESH_BINARY);
          opencv_imgproc.cvtColor(fm.image(), maskGray, opencv_imgproc.COLOR_BGR2GRAY);
          opencv_core.inRange(maskGray, new Mat(1, 1, opencv_core.CV_8U, new Scalar(1.0)),
              new Mat(1, 1, opencv_core.CV_8U, new Scalar(254.0)), nonBinary);
          assertEquals(0, opencv_core.countNonZero(nonBinary), "mask is binary");
          opencv_core.bitwise_and(changed, maskGray, inter);
          opencv_core.bitwise_or(changed, maskGray, union);
          double iou = opencv_core.countNonZero(inter) / (double) opencv_core.countNonZero(union);
          worst = Math.min(worst, iou);
          // nothing changes outside the mask
          try (Mat outside = new Mat(); Mat inv = new Mat()) {
            opencv_core.bitwise_not(maskGray, inv);
            opencv_core.bitwise_and(changed, inv, outside);
            assertEquals(0, opencv_core.countNonZero(outside), "frame " + i);
          }
        }
      }
    }
    System.out.printf("mask vs changed pixels: worst per-frame IoU %.4f%n", worst);
    assertTrue(worst >= 0.9, "IoU " + worst);
    List<String> lines = Files.readAllLines(notes);
    assertEquals(20, lines.size());
    JsonNode first = FaceJson.MAPPER.readTree(lines.get(0));
    assertTrue(first.at("/faces/0/swapped").asBoolean());
    assertTrue(first.at("/faces/0/mask_area").asLong() > 1000);
    assertEquals(5, first.at("/faces/0/face/five_points").size());
  }

  /**
   * Video compression (DeeperForensics level 5, crf 40) after a blur: real and fake both go
   * through it, every frame and timestamp survives the encoder's delay, the real is the blurred
   * input at H.264-crf-40 quality, and outside the mask the fake still matches the real up to
   * codec noise.
   */
  @Test
  void videoCompressionReachesRealAndFakeAlike() throws Exception {
    Path in = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 12);
    Path real = dir.resolve("real.mkv");
    Path fake = dir.resolve("fake.mkv");
    Path mask = dir.resolve("mask.mkv");
    EncodeSettings lossless = EncodeSettings.forOutput(real, "ffv1", null, null);
    List<ClipRenderer.Step> steps = List.of(
        new ClipRenderer.Step(Perturbation.GAUSSIAN_BLUR, 1),
        new ClipRenderer.Step(Perturbation.VIDEO_COMPRESSION, 5));
    ClipRenderer.Result r;
    try (PairSwapper swapper = new PairSwapper(ModelResolver.resolve(Path.of("models/pair96"),
        "a2b"))) {
      r = ClipRenderer.render(in, TrackerSettings.defaults(), swapper,
          new FaceBlender(BlendSettings.defaults()), faces -> faces,
          List.of(new ClipRenderer.Output(real, lossless, Map.of())),
          List.of(new ClipRenderer.Output(fake, lossless, Map.of())),
          new ClipRenderer.Output(mask, lossless, Map.of()), null, steps, 1);
    }
    assertEquals(12, r.frames());
    assertEquals(12, TestMedia.readPts(real).size());
    assertEquals(TestMedia.readPts(real), TestMedia.readPts(fake));
    assertEquals(TestMedia.readPts(real), TestMedia.readPts(mask));
    try (VideoReader original = VideoReader.open(in); VideoReader a = VideoReader.open(real);
        VideoReader b = VideoReader.open(fake); VideoReader m = VideoReader.open(mask)) {
      for (int i = 0; i < 12; i++) {
        try (VideoFrame fo = original.next(); VideoFrame fa = a.next(); VideoFrame fb = b.next();
            VideoFrame fm = m.next(); Mat blurred = fo.image().clone(); Mat maskGray = new Mat();
            Mat outside = new Mat(); Mat diff = new Mat()) {
          Perturbation.GAUSSIAN_BLUR.apply(blurred, 1, new java.util.Random(0));
          double psnr = opencv_core.PSNR(blurred, fa.image());
          assertTrue(psnr > 25 && psnr < 45, "frame " + i + ": real vs blurred input " + psnr);
          opencv_imgproc.cvtColor(fm.image(), maskGray, opencv_imgproc.COLOR_BGR2GRAY);
          try (Mat kernel = opencv_imgproc.getStructuringElement(opencv_imgproc.MORPH_RECT,
              new org.bytedeco.opencv.opencv_core.Size(33, 33))) {
            opencv_imgproc.dilate(maskGray, maskGray, kernel);
          }
          opencv_core.bitwise_not(maskGray, outside);
          opencv_core.absdiff(fa.image(), fb.image(), diff);
          Scalar fakeVsReal = opencv_core.mean(diff, outside);
          opencv_core.absdiff(fa.image(), blurred, diff);
          Scalar codecError = opencv_core.mean(diff, outside);
          double meanOutside = (fakeVsReal.get(0) + fakeVsReal.get(1) + fakeVsReal.get(2)) / 3;
          double codec = (codecError.get(0) + codecError.get(1) + codecError.get(2)) / 3;
          System.out.printf("frame %d: outside the mask fake vs real %.2f, real vs input %.2f%n",
              i, meanOutside, codec);
          // compressed alike: outside the mask they differ far less than either differs from
          // the uncompressed frame (compressing only one of them would make these equal)
          assertTrue(meanOutside < 0.6 * codec, "frame " + i + ": outside the mask "
              + meanOutside + ", codec error " + codec);
          assertTrue(opencv_core.countNonZero(maskGray) > 1000, "frame " + i + " has a mask");
        }
      }
    }
  }
}
