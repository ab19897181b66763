package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DeepfakeBench export read back by a Python script that follows DeepfakeBench's loader
 * (src/test/python/deepfakebench_reader.py): every path, label, frame count and array shape.
 */
@Tag("slow")
class DeepfakeBenchExportTest {
  @TempDir Path dir;

  @Test
  void deepfakeBenchsLoaderConventionsReadTheExport() throws Exception {
    // 50 and 60 frames: 32 evenly spaced crops of each
    TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("astronaut.mp4"), 50);
    TestMedia.trim(TestMedia.sample("hopper.mp4"), dir.resolve("hopper.mp4"), 60);
    Path spec = dir.resolve("spec.json");
    Files.writeString(
        spec,
        """
        {"name": "dfb", "seed": 3,
         "identities": {"astronaut": ["astronaut.mp4"], "hopper": ["hopper.mp4"]},
         "methods": [{"name": "DoppelPair96", "model": "%s", "faces": "largest"}],
         "compression": ["c23", "c40"],
         "splits": {"train": 1, "val": 0, "test": 0},
         "deepfakebench": {}}
        """
            .formatted(Path.of("models/pair96").toAbsolutePath()));
    Path out = dir.resolve("dfb");
    Cli r = Cli.run("dataset", spec.toString(), "-o", out.toString(), "-q");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(0, Cli.run("dataset", "verify", out.toString()).exitCode());

    // DeepfakeBench runs in its own folder with the dataset under datasets/NAME
    Path bench = Files.createDirectories(dir.resolve("DeepfakeBench/datasets"));
    Files.createSymbolicLink(bench.resolve("dfb"), out);
    TestMedia.Result read =
        TestMedia.runIn(
            bench.getParent(),
            TestMedia.python(),
            Path.of("src/test/python/deepfakebench_reader.py").toAbsolutePath().toString(),
            "datasets/dfb/deepfakebench",
            "Doppel-dfb-c23",
            "Doppel-dfb-c40");
    assertEquals(0, read.exitCode(), read.out());
    JsonNode report = Json.MAPPER.readTree(read.out());
    for (String level : List.of("c23", "c40")) {
      JsonNode labels = report.get("Doppel-dfb-" + level);
      JsonNode reals = labels.get("Doppel_real").get("train");
      JsonNode fakes = labels.get("Doppel_fake").get("train");
      assertEquals(32, reals.get("astronaut-00").asInt(), reals.toString());
      assertEquals(32, reals.get("hopper-00").asInt(), reals.toString());
      assertEquals(32, fakes.get("DoppelPair96_astronaut-00_hopper").asInt(), fakes.toString());
      assertEquals(32, fakes.get("DoppelPair96_hopper-00_astronaut").asInt(), fakes.toString());
      assertEquals(0, labels.get("Doppel_real").get("test").size());
    }
    // dataset.json records the export's settings
    JsonNode dataset = Json.MAPPER.readTree(out.resolve("dataset.json").toFile());
    assertEquals("datasets/dfb", dataset.get("deepfakebench").get("path_prefix").asText());
    assertEquals(32, dataset.get("deepfakebench").get("frames").asInt());
  }

  @Test
  void aNameThatTheLoaderWouldRewriteIsRefused() throws Exception {
    Path spec = dir.resolve("spec.json");
    Files.writeString(
        spec,
        """
        {"name": "myframes",
         "identities": {"a": ["%s"], "b": ["%s"]},
         "methods": [{"model": "%s"}],
         "deepfakebench": {"frames": 8}}
        """
            .formatted(
                TestMedia.sample("astronaut.mp4"),
                TestMedia.sample("hopper.mp4"),
                Path.of("models/pair96").toAbsolutePath()));
    Cli r = Cli.run("dataset", spec.toString(), "-o", dir.resolve("x").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.errorLine().contains("'myframes' contains 'frames'"), r.err());
    assertTrue(Files.notExists(dir.resolve("x")));
  }
}
