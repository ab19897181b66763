package dev.doppel.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.Json;
import dev.doppel.swap.ModelResolver;
import dev.doppel.swap.PairSwapper;
import dev.doppel.swap.Swapper;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.CompressionRoundTrip;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real/fake/mask rendering pass on a real clip. */
@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
public class ClipRendererTest {
  @TempDir Path dir;

  /**
   * Lossless real and fake differ exactly where the mask says Doppel wrote (IoU of the mask with
   * the changed pixels, per frame), the mask is binary and frame-exact, and the annotations have a
   * line per frame.
   */
  @Test
  void maskMatchesWhatChangedFrameByFrame() throws Exception {
    Path in = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 20);
    Path real = dir.resolve("real.mkv");
    Path fake = dir.resolve("fake.mkv");
    Path mask = dir.resolve("mask.mkv");
    Path notes = dir.resolve("fake.jsonl");
    ClipRenderer.Result r;
    try (PairSwapper swapper =
        new PairSwapper(
            ModelResolver.resolve(Path.of("models/pair96"), "a2b"), dev.doppel.swap.Device.CPU)) {
      r = renderLossless(in, swapper, real, fake, mask, notes, List.of(), 1);
    }
    assertEquals(20, r.frames());
    assertEquals(20, r.manipulated());
    assertEquals(1, r.manipulatedSegments().size());
    assertEquals(19, r.manipulatedSegments().get(0)[1]);
    assertEquals(TestMedia.readPts(fake), TestMedia.readPts(mask));
    assertEquals(TestMedia.readPts(real), TestMedia.readPts(fake));
    double worst = 1;
    try (VideoReader a = VideoReader.open(real);
        VideoReader b = VideoReader.open(fake);
        VideoReader m = VideoReader.open(mask)) {
      for (int i = 0; i < 20; i++) {
        try (VideoFrame fa = a.next();
            VideoFrame fb = b.next();
            VideoFrame fm = m.next();
            Mat diff = new Mat();
            Mat gray = new Mat();
            Mat changed = new Mat();
            Mat maskGray = new Mat();
            Mat inter = new Mat();
            Mat union = new Mat();
            Mat nonBinary = new Mat()) {
          opencv_core.absdiff(fa.image(), fb.image(), diff);
          opencv_imgproc.cvtColor(diff, gray, opencv_imgproc.COLOR_BGR2GRAY);
          opencv_imgproc.threshold(gray, changed, 0, 255, opencv_imgproc.THRESH_BINARY);
          opencv_imgproc.cvtColor(fm.image(), maskGray, opencv_imgproc.COLOR_BGR2GRAY);
          opencv_core.inRange(
              maskGray,
              new Mat(1, 1, opencv_core.CV_8U, new Scalar(1.0)),
              new Mat(1, 1, opencv_core.CV_8U, new Scalar(254.0)),
              nonBinary);
          assertEquals(0, opencv_core.countNonZero(nonBinary), "mask is binary");
          opencv_core.bitwise_and(changed, maskGray, inter);
          opencv_core.bitwise_or(changed, maskGray, union);
          double iou = opencv_core.countNonZero(inter) / (double) opencv_core.countNonZero(union);
          worst = Math.min(worst, iou);
          // nothing changes outside the mask
          try (Mat outside = new Mat();
              Mat inv = new Mat()) {
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
    JsonNode first = Json.MAPPER.readTree(lines.get(0));
    assertTrue(first.at("/faces/0/swapped").asBoolean());
    assertTrue(first.at("/faces/0/mask_area").asLong() > 1000);
    assertEquals(5, first.at("/faces/0/face/five_points").size());
  }

  /**
   * Video compression (DeeperForensics level 5, crf 40) after a blur reaches real and fake alike:
   * each equals, byte for byte, the same clip rendered without it and then passed through the H.264
   * round trip; every frame and timestamp survives the encoder's delay.
   */
  @Test
  void videoCompressionReachesRealAndFakeAlike() throws Exception {
    Path in = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 12);
    ClipRenderer.Step blur = new ClipRenderer.Step(Perturbation.GAUSSIAN_BLUR, 1);
    Path[] plain = render(in, "plain", List.of(blur));
    Path[] compressed =
        render(in, "vc", List.of(blur, new ClipRenderer.Step(Perturbation.VIDEO_COMPRESSION, 5)));
    for (int k = 0; k < 2; k++) { // real, fake
      assertEquals(TestMedia.readPts(plain[k]), TestMedia.readPts(compressed[k]));
      try (VideoReader before = VideoReader.open(plain[k]);
          VideoReader after = VideoReader.open(compressed[k]);
          CompressionRoundTrip h264 =
              new CompressionRoundTrip(1280, 720, before.info().frameRate(), 40)) {
        List<Mat> expected = new java.util.ArrayList<>();
        for (VideoFrame f = before.next(); f != null; f = before.next()) {
          try (VideoFrame frame = f) {
            expected.addAll(h264.push(frame.image()));
          }
        }
        expected.addAll(h264.flush());
        assertEquals(12, expected.size());
        for (int i = 0; i < 12; i++) {
          try (Mat want = expected.get(i);
              VideoFrame got = after.next();
              Mat diff = new Mat()) {
            opencv_core.absdiff(want, got.image(), diff);
            assertEquals(
                0,
                opencv_core.countNonZero(diff.reshape(1, 0)),
                (k == 0 ? "real" : "fake") + " frame " + i);
          }
        }
      }
    }
  }

  /** Renders lossless real, fake and mask of {@code in} with these perturbations. */
  private Path[] render(Path in, String name, List<ClipRenderer.Step> steps) {
    Path real = dir.resolve(name + "-real.mkv");
    Path fake = dir.resolve(name + "-fake.mkv");
    Path mask = dir.resolve(name + "-mask.mkv");
    try (PairSwapper swapper =
        new PairSwapper(
            ModelResolver.resolve(Path.of("models/pair96"), "a2b"), dev.doppel.swap.Device.CPU)) {
      ClipRenderer.Result r = renderLossless(in, swapper, real, fake, mask, null, steps, 1);
      assertEquals(12, r.frames());
    }
    return new Path[] {real, fake, mask};
  }

  /**
   * Renders every face of {@code in} with {@code swapper}: the real, the fake and the mask in FFV1
   * (lossless), annotations to {@code notes} when not null.
   */
  public static ClipRenderer.Result renderLossless(
      Path in,
      Swapper swapper,
      Path real,
      Path fake,
      Path mask,
      Path notes,
      List<ClipRenderer.Step> steps,
      long seed) {
    EncodeSettings lossless = EncodeSettings.forOutput(real, "ffv1", null, null);
    return ClipRenderer.render(
        in,
        TrackerSettings.defaults(),
        new ClipRenderer.Reals(List.of(new ClipRenderer.Output(real, lossless, Map.of())), null),
        new ClipRenderer.Fake(
            swapper,
            new FaceBlender(BlendSettings.defaults()),
            faces -> faces,
            List.of(new ClipRenderer.Output(fake, lossless, Map.of())),
            new ClipRenderer.Output(mask, lossless, Map.of()),
            notes),
        steps,
        seed);
  }
}
