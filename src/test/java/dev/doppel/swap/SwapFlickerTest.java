package dev.doppel.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.cli.CliRunner;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the still-face segment the swapped face must not flicker: its mean frame-to-frame change
 * inside the face may exceed the input's (codec noise) by at most one 8-bit level.
 */
@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
class SwapFlickerTest {
  @TempDir Path dir;

  @Test
  void swappedFaceIsAsStillAsTheInput() throws Exception {
    JsonNode clip = Json.MAPPER.readTree(TestMedia.sample("clips.json").toFile()).get(0);
    assertEquals("astronaut.mp4", clip.get("file").asText());
    int from = clip.get("still_frames").get(0).asInt();
    int to = clip.get("still_frames").get(1).asInt();
    Path in = TestMedia.sample("astronaut.mp4");
    Path out = dir.resolve("swapped.mkv");
    CliRunner.Result r =
        CliRunner.run(
            "swap",
            in.toString(),
            "-o",
            out.toString(),
            "--model",
            SwapCommandTest.MODEL.toString(),
            "--codec",
            "ffv1");
    assertEquals(0, r.exitCode(), r.err());
    List<Mat> input = SwapCommandTest.frames(in, to + 1);
    List<Mat> output = SwapCommandTest.frames(out, to + 1);
    double flickerIn = 0;
    double flickerOut = 0;
    try (FaceTracker tracker = new FaceTracker(TrackerSettings.defaults())) {
      Mat region = null;
      for (int i = 0; i <= to; i++) {
        List<Face> faces = tracker.next(input.get(i), i / 25.0);
        if (i == from)
          region = SwapCommandTest.ovalMask(input.get(i), faces.get(0).maskPolygon(), 0);
      }
      for (int i = from + 1; i <= to; i++) {
        flickerIn += change(input.get(i - 1), input.get(i), region);
        flickerOut += change(output.get(i - 1), output.get(i), region);
      }
      region.close();
    }
    int n = to - from;
    System.out.printf(
        "still segment %d-%d: face change per frame %.3f input, %.3f swapped%n",
        from, to, flickerIn / n, flickerOut / n);
    assertTrue(
        flickerOut / n <= flickerIn / n + 1.0,
        "swapped " + flickerOut / n + " vs input " + flickerIn / n);
  }

  /** Mean absolute difference (8-bit levels, all channels) inside the mask. */
  static double change(Mat a, Mat b, Mat mask) {
    try (Mat diff = new Mat();
        Mat gray = new Mat()) {
      opencv_core.absdiff(a, b, diff);
      opencv_imgproc.cvtColor(diff, gray, opencv_imgproc.COLOR_BGR2GRAY);
      return opencv_core.mean(gray, mask).get(0);
    }
  }
}
