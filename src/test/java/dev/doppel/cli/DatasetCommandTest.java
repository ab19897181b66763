package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.output.Json;
import dev.doppel.provenance.c2pa.ContentCredentials;
import dev.doppel.provenance.c2pa.Verification;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.EncodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `doppel dataset` on (trimmed) samples and `dataset verify` on good and damaged datasets. */
@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
class DatasetCommandTest {
  @TempDir Path dir;
  Path spec;

  @BeforeEach
  void writeSpec() throws Exception {
    // with its AAC audio: Matroska (c0) then starts the video late by the audio's priming,
    // which verify must tell from a real timing error
    TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("astronaut.mp4"), 15, true);
    TestMedia.trim(TestMedia.sample("hopper.mp4"), dir.resolve("hopper.mp4"), 15);
    spec = dir.resolve("spec.json");
    Files.writeString(
        spec,
        """
        {"name": "samples", "seed": 7,
         "identities": {"astronaut": ["astronaut.mp4"], "hopper": ["hopper.mp4"]},
         "methods": [{"name": "DoppelPair96", "model": "%s", "faces": "largest"}],
         "compression": ["c0", "c23"],
         "perturbations": [{"kind": "gaussian_blur", "level": 1},
                           {"kind": "video_compression", "level": 1}],
         "splits": {"train": 1, "val": 0, "test": 0}}
        """
            .formatted(Path.of("models/pair96").toAbsolutePath()));
    Files.writeString(
        dir.resolve("spec.yaml"),
        """
        name: samples-yaml
        seed: 11
        identities:
          astronaut: [astronaut.mp4]
          hopper: [hopper.mp4]
        methods:
          - {name: DoppelPair96, model: "%s", faces: largest}
        compression: [c23]
        random_perturbations: {min: 2, max: 4}
        splits: {train: 1, val: 0, test: 0}
        """
            .formatted(Path.of("models/pair96").toAbsolutePath()));
  }

  private Path build(String name) {
    Path out = dir.resolve(name);
    Cli r = Cli.run("dataset", spec.toString(), "-o", out.toString(), "-q");
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  @Test
  void aDatasetFromTheSamplesIsCompleteDeterministicAndVerifies() throws Exception {
    Path a = build("a");
    String c0 = EncodeSettings.isAvailable("h264rgb") ? ".mp4" : ".mkv"; // -Pgpl: libx264rgb
    for (String f :
        List.of(
            "original_sequences/doppel/c0/videos/astronaut-00" + c0,
            "original_sequences/doppel/c23/videos/hopper-00.mp4",
            "manipulated_sequences/DoppelPair96/c23/videos/astronaut-00_hopper.mp4",
            "manipulated_sequences/DoppelPair96/c0/videos/hopper-00_astronaut" + c0,
            "manipulated_sequences/DoppelPair96/masks/videos/astronaut-00_hopper.mkv",
            "annotations/DoppelPair96/hopper-00_astronaut.jsonl",
            "annotations/original/doppel/astronaut-00.jsonl",
            "splits/train.json",
            "splits/test.json",
            "metadata.json",
            "dataset.json")) {
      assertTrue(Files.isRegularFile(a.resolve(f)), f);
    }
    JsonNode meta = Json.MAPPER.readTree(a.resolve("metadata.json").toFile());
    JsonNode fake =
        meta.get("manipulated_sequences/DoppelPair96/c23/videos/astronaut-00_hopper.mp4");
    assertEquals("FAKE", fake.get("label").asText());
    assertEquals(
        "original_sequences/doppel/c23/videos/astronaut-00.mp4", fake.get("original").asText());
    assertEquals(
        "REAL",
        meta.get("original_sequences/doppel/c23/videos/astronaut-00.mp4").get("label").asText());
    JsonNode train = Json.MAPPER.readTree(a.resolve("splits/train.json").toFile());
    assertEquals(2, train.size());
    JsonNode dataset = Json.MAPPER.readTree(a.resolve("dataset.json").toFile());
    JsonNode steps = dataset.at("/fakes/0/perturbations");
    assertEquals("VIDEO_COMPRESSION", steps.get(1).get("kind").asText());
    assertEquals(30, steps.get(1).get("parameter").asInt(), "level 1 = crf 30");
    assertTrue(dataset.get("video_compression_encoder").asText().contains("264"));
    Cli ok = Cli.run("dataset", "verify", a.toString());
    assertEquals(0, ok.exitCode(), ok.err());

    // rebuilt on 2 workers: the same metadata, and the same videos (encoders are deterministic)
    Path b = dir.resolve("b");
    Cli two = Cli.run("dataset", spec.toString(), "-o", b.toString(), "-q", "-j", "2");
    assertEquals(0, two.exitCode(), two.err());
    for (String f :
        List.of("metadata.json", "dataset.json", "splits/train.json", "checksums.json")) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
    }
    Cli exists = Cli.run("dataset", spec.toString(), "-o", a.toString(), "-q");
    assertEquals(2, exists.exitCode());

    // fakes carry Content Credentials (signed reproducibly: the checksums above match), reals none
    Verification signed =
        ContentCredentials.verify(
            a.resolve("manipulated_sequences/DoppelPair96/c23/videos/astronaut-00_hopper.mp4"),
            List.of());
    assertTrue(signed.valid(), signed.toString());
    assertEquals("development certificate (untrusted)", signed.trust());
    assertFalse(
        ContentCredentials.verify(
                a.resolve("original_sequences/doppel/c23/videos/astronaut-00.mp4"), List.of())
            .present());

    // the independent check by FFmpeg's own tools comes last: without them the test
    // is reported as skipped (aborted), having made every other check
    assumeTrue(TestMedia.hasFfmpegTools(), "ffmpeg CLI not installed (.ci/run installs it)");
    String tags =
        TestMedia.ffprobe(
            a.resolve("manipulated_sequences/DoppelPair96/c23/videos/astronaut-00_hopper.mp4"),
            "-show_entries",
            "format_tags",
            "-of",
            "flat");
    assertTrue(tags.contains("compositeWithTrainedAlgorithmicMedia"), tags);
    String real =
        TestMedia.ffprobe(
            a.resolve("original_sequences/doppel/c23/videos/astronaut-00.mp4"),
            "-show_entries",
            "format_tags",
            "-of",
            "flat");
    assertTrue(!real.contains("SYNTHETIC"), real);
  }

  /** A YAML spec with random perturbation mixes (2 to 4 kinds, recorded in order). */
  @Test
  void verifyFindsADeletedFileAMaskWithAMissingFrameAndALeak() throws Exception {
    spec = dir.resolve("spec.yaml");
    Path a = build("a");
    JsonNode built = Json.MAPPER.readTree(a.resolve("dataset.json").toFile());
    for (JsonNode fake : built.get("fakes")) {
      int n = fake.get("perturbations").size();
      assertTrue(n >= 2 && n <= 4, fake.get("perturbations").toString());
      assertEquals(
          fake.get("perturbations"),
          built.at("/real_perturbations/" + fake.at("/target/clip").asText()),
          "real and fake perturbed alike");
    }
    assertEquals(0, Cli.run("dataset", "verify", a.toString()).exitCode());
    String mask = "manipulated_sequences/DoppelPair96/masks/videos/astronaut-00_hopper.mkv";
    Path short14 = dir.resolve("short.mkv");
    TestMedia.trim(a.resolve(mask), short14, 14);
    Files.copy(short14, a.resolve(mask), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.delete(a.resolve("original_sequences/doppel/c23/videos/hopper-00.mp4"));
    // (c23 only in the YAML spec: the mask check compares with the c23 fake)
    ObjectNode dataset = (ObjectNode) Json.MAPPER.readTree(a.resolve("dataset.json").toFile());
    ((ObjectNode) dataset.get("identity_splits")).put("hopper", "test");
    Files.writeString(a.resolve("dataset.json"), Json.MAPPER.writeValueAsString(dataset));
    Cli r = Cli.run("dataset", "verify", a.toString());
    assertEquals(1, r.exitCode());
    String err = r.err();
    assertTrue(err.contains("hopper-00.mp4: missing"), err);
    assertTrue(err.contains(mask + ": 14 frames"), err);
    assertTrue(err.contains("identity leak"), err);
    assertTrue(err.contains("dataset.json: size or SHA-256 differs"), err);
  }

  /**
   * A one-shot method (the stand-in inswapper/ArcFace pair): each clip gets the other identity,
   * embedded from frames of that identity's clip; the dataset verifies.
   */
  @Test
  void aOneShotMethodPlacesTheOtherIdentityOnEveryClip() throws Exception {
    spec = dir.resolve("oneshot.json");
    Files.writeString(
        spec,
        """
        {"name": "oneshot", "seed": 3,
         "identities": {"astronaut": ["astronaut.mp4"], "hopper": ["hopper.mp4"]},
         "methods": [{"name": "StandinOneShot", "model": "%s", "recognizer": "%s"}],
         "compression": ["c23"],
         "splits": {"train": 1, "val": 0, "test": 0}}
        """
            .formatted(
                Path.of("models/standin-inswapper_128.onnx").toAbsolutePath(),
                Path.of("models/standin-w600k_r50.onnx").toAbsolutePath()));
    Path a = build("a");
    JsonNode built = Json.MAPPER.readTree(a.resolve("dataset.json").toFile());
    JsonNode fakes = built.get("fakes");
    assertEquals(2, fakes.size());
    for (JsonNode fake : fakes) {
      assertEquals("oneshot", fake.at("/method/kind").asText());
      String target = fake.at("/target/identity").asText();
      String source = fake.at("/source/identity").asText();
      assertTrue(!target.equals(source), fake.toString());
      assertEquals(fake.at("/target/clip").asText() + "_" + source, fake.get("name").asText());
      JsonNode frames = fake.at("/source/embedding_from/" + source + "-00");
      assertTrue(frames.size() >= 5, "source embedded from several frames: " + frames);
      assertTrue(fake.at("/frames/manipulated").asLong() >= 14, fake.toString());
      assertTrue(Files.isRegularFile(a.resolve(fake.get("mask").asText())));
    }
    Cli ok = Cli.run("dataset", "verify", a.toString());
    assertEquals(0, ok.exitCode(), ok.err());
  }

  @Test
  void badMethodsAreReportedTogetherBeforeAnyWork() throws Exception {
    spec = dir.resolve("norec.json");
    Files.writeString(
        spec,
        """
        {"identities": {"astronaut": ["astronaut.mp4"], "hopper": ["hopper.mp4"]},
         "methods": [{"name": "X", "model": "%s"},
                     {"name": "Y", "model": "%s", "faces": "like:someone.png"},
                     {"name": "Z", "model": "models/nothing-here"}]}
        """
            .formatted(
                Path.of("models/standin-inswapper_128.onnx").toAbsolutePath(),
                Path.of("models/pair96").toAbsolutePath()));
    Cli r = Cli.run("dataset", spec.toString(), "-o", dir.resolve("x").toString(), "-q");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("X is a one-shot model and needs a \"recognizer\""), r.err());
    assertTrue(r.err().contains("method Y: faces 'like:someone.png'"), r.err());
    assertTrue(r.err().contains("method Z: model"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertTrue(!Files.exists(dir.resolve("x")));
  }

  /**
   * verify --mask-iou: on lossless fakes (blur only), each mask agrees with where the c0 fake
   * differs from the c0 real (IoU >= 0.9 on every frame); a stricter bar than the feathered edge
   * allows is reported as a problem.
   */
  @Test
  void maskIouAgainstTheLosslessDifference() throws Exception {
    spec = dir.resolve("c0.json");
    Files.writeString(
        spec,
        """
        {"name": "c0", "seed": 5,
         "identities": {"astronaut": ["astronaut.mp4"], "hopper": ["hopper.mp4"]},
         "methods": [{"name": "DoppelPair96", "model": "%s"}],
         "compression": ["c0"],
         "perturbations": [{"kind": "gaussian_noise", "level": 1}],
         "splits": {"train": 1, "val": 0, "test": 0}}
        """
            .formatted(Path.of("models/pair96").toAbsolutePath()));
    Path a = build("a");
    Cli ok = Cli.run("dataset", "verify", a.toString(), "--mask-iou");
    assertEquals(0, ok.exitCode(), ok.err());
    List<String> lines = ok.out().lines().filter(l -> l.contains("mask IoU min")).toList();
    assertEquals(2, lines.size(), ok.out());
    for (String l : lines) {
      double min = Double.parseDouble(l.replaceAll(".*mask IoU min ([0-9.]+).*", "$1"));
      assertTrue(min >= 0.9 && min < 1, l);
    }
    Cli strict = Cli.run("dataset", "verify", a.toString(), "--mask-iou", "0.9999");
    assertEquals(1, strict.exitCode());
    assertTrue(strict.err().contains("is below 0.9999"), strict.err());
  }
}
