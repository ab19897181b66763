package dev.doppel.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.cli.CliRunner;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `doppel swap --source` end to end on the samples, with the stand-in one-shot models. */
@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
class OneShotSwapTest {
  static final String SWAPPER = OneShotContractTest.SWAPPER.toString();
  static final String RECOGNIZER = OneShotContractTest.RECOGNIZER.toString();
  @TempDir Path dir;

  @Test
  void swapsOnlyTheFaceKeepsTimingAndRecordsTheSource() throws Exception {
    Path in = TestMedia.sample("hopper.mp4");
    Path pass = dir.resolve("pass.mkv");
    Path swap = dir.resolve("swap.mkv");
    Path source = TestMedia.sample("astronaut.png");
    assertEquals(
        0,
        CliRunner.run(
                "swap",
                in.toString(),
                "-o",
                pass.toString(),
                "--model",
                "models/pair96-hopper2astronaut.onnx",
                "--faces",
                "none",
                "--codec",
                "ffv1")
            .exitCode());
    CliRunner.Result r =
        CliRunner.run(
            "swap",
            in.toString(),
            "-o",
            swap.toString(),
            "--model",
            SWAPPER,
            "--recognizer",
            RECOGNIZER,
            "--source",
            source.toString(),
            "--codec",
            "ffv1");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(TestMedia.readPts(pass), TestMedia.readPts(swap));
    assertEquals(TestMedia.readPts(in).size(), TestMedia.readPts(swap).size());
    SwapCommandTest.assertOnlyTheFaceChanged(in, pass, swap, 8, 30.0);
    JsonNode settings = Json.MAPPER.readTree(Provenance.sidecarFor(swap).toFile()).get("settings");
    assertEquals(Provenance.sha256(source), settings.at("/source_photos/0/sha256").asText());
    assertEquals(
        Provenance.sha256(Path.of(RECOGNIZER)), settings.get("recognizer_sha256").asText());
    assertEquals("NONE", settings.at("/blend/colour").asText(), "one-shot: no colour transfer");
  }

  /** The source photo decides the new face: two sources, two different results. */
  @Test
  void theSourceMatters() throws Exception {
    Path in = TestMedia.sample("astronaut.mp4");
    Path a = dir.resolve("a.png");
    Path b = dir.resolve("b.png");
    for (Path[] run :
        new Path[][] {
          {a, TestMedia.sample("astronaut.png")}, {b, TestMedia.sample("grace_hopper.jpg")}
        }) {
      CliRunner.Result r =
          CliRunner.run(
              "swap",
              in.toString(),
              "-o",
              run[0].toString(),
              "--preview",
              "30",
              "--model",
              SWAPPER,
              "--recognizer",
              RECOGNIZER,
              "--source",
              run[1].toString());
      assertEquals(0, r.exitCode(), r.err());
    }
    try (Mat pa = org.bytedeco.opencv.global.opencv_imgcodecs.imread(a.toString());
        Mat pb = org.bytedeco.opencv.global.opencv_imgcodecs.imread(b.toString());
        Rect swappedPanel = new Rect(1280, 0, 1280, 720);
        Mat sa = pa.apply(swappedPanel);
        Mat sb = pb.apply(swappedPanel);
        Mat diff = new Mat()) {
      opencv_core.absdiff(sa, sb, diff);
      Scalar mean = opencv_core.mean(diff);
      double total = mean.get(0) + mean.get(1) + mean.get(2);
      assertTrue(total > 0.5, "mean difference between the two swaps: " + total);
    }
  }

  /** like:PHOTO swaps only the face that looks like the photo (the astronaut in duo.mp4). */
  @Test
  void likeSwapsOnlyTheLookalike() throws Exception {
    Path out = dir.resolve("like.mp4");
    CliRunner.Result r =
        CliRunner.run(
            "swap",
            TestMedia.sample("duo.mp4").toString(),
            "-o",
            out.toString(),
            "--model",
            SWAPPER,
            "--recognizer",
            RECOGNIZER,
            "--source",
            TestMedia.sample("grace_hopper.jpg").toString(),
            "--faces",
            "like:" + TestMedia.sample("astronaut.png"),
            "--like-threshold",
            "0.8");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode settings = Json.MAPPER.readTree(Provenance.sidecarFor(out).toFile()).get("settings");
    JsonNode similarity = settings.get("like_similarity_per_track");
    assertEquals(2, similarity.size(), similarity.toString());
    int astronautTrack = -1;
    for (var e : similarity.properties()) {
      if (e.getValue().asDouble() > 0.8) astronautTrack = Integer.parseInt(e.getKey());
      else assertTrue(e.getValue().asDouble() < 0.6, similarity.toString());
    }
    assertTrue(astronautTrack > 0, similarity.toString());
    JsonNode perFrame = settings.get("swapped_track_ids_per_frame");
    assertEquals(75, perFrame.size());
    for (JsonNode ids : perFrame) assertEquals("[" + astronautTrack + "]", ids.toString());
  }

  @Test
  void missingPiecesAreUsageErrors() throws Exception {
    Path out = dir.resolve("never.mp4");
    String in = TestMedia.sample("astronaut.mp4").toString();
    List<List<String>> bad =
        List.of(
            List.of("--model", SWAPPER, "--recognizer", RECOGNIZER),
            List.of("--model", SWAPPER, "--source", "samples/astronaut.png"),
            List.of(
                "--model",
                "models/pair96-astronaut2hopper.onnx",
                "--source",
                "samples/astronaut.png"),
            List.of(
                "--model",
                "models/pair96-astronaut2hopper.onnx",
                "--faces",
                "like:samples/astronaut.png"),
            List.of(
                "--model", SWAPPER, "--recognizer", SWAPPER, "--source", "samples/astronaut.png"));
    for (List<String> args : bad) {
      List<String> all = new java.util.ArrayList<>(List.of("swap", in, "-o", out.toString()));
      all.addAll(args);
      CliRunner.Result r = CliRunner.run(all.toArray(String[]::new));
      assertEquals(2, r.exitCode(), args + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    assertTrue(Files.notExists(out));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(), files.toList());
    }
  }
}
