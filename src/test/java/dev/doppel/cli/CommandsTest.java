package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.face.AlignmentTemplate;
import dev.doppel.face.FivePoints;
import dev.doppel.face.Point2;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
class CommandsTest {
  @TempDir Path dir;

  @Test
  void facesWritesAnnotatedVideoJsonAndLabel() throws Exception {
    Path in = TestMedia.sample("duo.mp4");
    Path video = dir.resolve("duo-faces.mp4");
    Path json = dir.resolve("duo.jsonl");
    Cli c = Cli.run("faces", in.toString(), "-o", video.toString(), "--json", json.toString());
    assertEquals(0, c.exitCode(), c.err());
    assertTrue(c.out().contains("75 frames, 75 with faces, 2 tracks"), c.out());

    assertEquals(TestMedia.readPts(in), TestMedia.readPts(video), "same frames and timestamps");
    try (VideoReader r = VideoReader.open(video)) {
      assertEquals("aac", r.info().audioCodec(), "audio carried over");
    }
    List<String> lines = Files.readAllLines(json);
    assertEquals(75, lines.size());
    for (String line : lines) {
      JsonNode frame = Json.MAPPER.readTree(line);
      assertEquals(2, frame.get("faces").size());
      JsonNode face = frame.get("faces").get(0);
      assertEquals(468, face.get("landmarks").size());
      assertEquals(5, face.get("five_points").size());
      assertEquals(36, face.get("mask_polygon").size());
      assertTrue(face.get("pose").has("yaw"));
    }
    JsonNode sidecar = Json.MAPPER.readTree(Provenance.sidecarFor(video).toFile());
    assertEquals(Provenance.sha256(video), sidecar.at("/output/sha256").asText());
    assertEquals(Provenance.sha256(in), sidecar.at("/input/sha256").asText());
    // the independent check by FFmpeg's own tools comes last: without them the test
    // is reported as skipped (aborted), having made every other check
    assumeTrue(TestMedia.hasFfmpegTools(), "ffmpeg CLI not installed (.ci/run installs it)");
    String tags = TestMedia.ffprobe(video, "-show_entries", "format_tags", "-of", "flat");
    assertTrue(tags.contains("doppel_kind=\"annotation\""), tags);
  }

  @Test
  void jsonLinesGoToStandardOutputWithoutOutputs() throws Exception {
    Cli c = Cli.run("faces", TestMedia.sample("hopper.mp4").toString());
    assertEquals(0, c.exitCode(), c.err());
    List<String> lines = c.out().lines().toList();
    assertEquals(120, lines.size());
    assertEquals(119, Json.MAPPER.readTree(lines.get(119)).get("frame").asInt());
  }

  @Test
  void noLabelMeansNoSidecar() throws Exception {
    Path video = dir.resolve("plain.mkv");
    Cli c =
        Cli.run(
            "faces",
            TestMedia.sample("hopper.mp4").toString(),
            "-o",
            video.toString(),
            "--no-label",
            "--detect-every",
            "30");
    assertEquals(0, c.exitCode(), c.err());
    assertTrue(Files.exists(video));
    assertTrue(Files.notExists(Provenance.sidecarFor(video)));
  }

  @Test
  void extractWritesAlignedCropsMasksAndMetadataPerTrack() throws Exception {
    Path set = dir.resolve("faceset");
    Cli c =
        Cli.run(
            "extract",
            TestMedia.sample("duo.mp4").toString(),
            TestMedia.sample("hopper.mp4").toString(),
            "-o",
            set.toString(),
            "--size",
            "128",
            "--every",
            "15");
    assertEquals(0, c.exitCode(), c.err());
    List<Path> tracks;
    try (var list = Files.list(set)) {
      tracks = list.filter(Files::isDirectory).sorted().toList();
    }
    assertEquals(
        List.of("duo_track01", "duo_track02", "hopper_track01"),
        tracks.stream().map(p -> p.getFileName().toString()).toList());
    FivePoints template = AlignmentTemplate.FACE.at(128);
    for (Path track : tracks) {
      List<Path> crops = new ArrayList<>();
      try (var list = Files.list(track)) {
        list.filter(p -> p.toString().endsWith(".json")).sorted().forEach(crops::add);
      }
      assertEquals(
          track.getFileName().toString().startsWith("duo") ? 5 : 8,
          crops.size(),
          track + ": every 15th frame");
      for (Path meta : crops) {
        JsonNode j = Json.MAPPER.readTree(meta.toFile());
        assertEquals(0, j.get("frame").asInt() % 15);
        try (Mat crop = opencv_imgcodecs.imread(track.resolve(j.get("image").asText()).toString());
            Mat mask =
                opencv_imgcodecs.imread(
                    track.resolve(j.get("mask").asText()).toString(),
                    opencv_imgcodecs.IMREAD_GRAYSCALE)) {
          assertEquals(128, crop.cols());
          assertEquals(128, crop.rows());
          double cover = opencv_core.countNonZero(mask) / (128.0 * 128.0);
          assertTrue(cover > 0.3 && cover < 0.85, "face oval covers " + cover + " of the crop");
        }
        JsonNode five = j.at("/face/five_points");
        for (int i = 0; i < 5; i++) {
          Point2 p = new Point2(five.get(i).get(0).asDouble(), five.get(i).get(1).asDouble());
          assertTrue(
              p.distance(template.asList().get(i)) < 8,
              meta + ": point " + i + " at " + p + " near the template");
        }
        assertEquals(6, j.get("to_frame").size());
      }
    }
    JsonNode index = Json.MAPPER.readTree(set.resolve("faceset.json").toFile());
    assertEquals(
        Provenance.sha256(TestMedia.sample("duo.mp4")), index.at("/sources/0/sha256").asText());
    assertEquals("FACE", index.get("template").asText());
  }

  @Test
  void extractRefusesANonEmptyTarget() throws Exception {
    Path set = Files.createDirectories(dir.resolve("taken"));
    Files.writeString(set.resolve("keep.txt"), "mine");
    Cli c = Cli.run("extract", TestMedia.sample("hopper.mp4").toString(), "-o", set.toString());
    assertEquals(2, c.exitCode());
    assertTrue(c.errorLine().contains("not an empty folder"), c.err());
    assertEquals("mine", Files.readString(set.resolve("keep.txt")));
  }

  @Test
  void versionAndHelp() {
    Cli v = Cli.run("--version");
    assertEquals(0, v.exitCode());
    assertTrue(v.out().startsWith("Doppel "), v.out());
    for (String cmd : List.of("faces", "extract", "bench")) {
      Cli h = Cli.run(cmd, "--help");
      assertEquals(0, h.exitCode(), cmd);
      assertTrue(h.out().contains("Usage: doppel " + cmd), h.out());
    }
    Cli top = Cli.run("--help");
    assertTrue(top.out().contains("Exit codes:"), top.out());
  }

  @Test
  void realProcessExitCodes() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    TestMedia.Result missing =
        TestMedia.run(
            java, "-cp", cp, "dev.doppel.cli.Main", "faces", dir.resolve("gone.mp4").toString());
    assertEquals(2, missing.exitCode(), missing.out());
    assertTrue(missing.out().strip().startsWith("doppel: cannot read video: "), missing.out());
    TestMedia.Result ok = TestMedia.run(java, "-cp", cp, "dev.doppel.cli.Main", "--version");
    assertEquals(0, ok.exitCode(), ok.out());
  }
}
