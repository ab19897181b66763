package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.testing.SparkCluster;
import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dataset --spark} on Spark's local mode and on a standalone cluster of separate JVMs
 * (master, two workers, their executors), against the same dataset built by {@code -j 2}.
 */
@Tag("slow")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkTest {
  @TempDir static Path dir;
  Path spec;
  Path local;

  /** Three 12-frame clips of each sample face: six fakes from the pair model. */
  @BeforeAll
  void buildLocally() throws Exception {
    for (String face : List.of("astronaut", "hopper")) {
      for (int i = 0; i < 3; i++) {
        TestMedia.run(
            "ffmpeg",
            "-v",
            "error",
            "-ss",
            String.valueOf(i),
            "-i",
            TestMedia.sample(face + ".mp4").toString(),
            "-frames:v",
            "12",
            "-c:v",
            "libx264",
            "-an",
            dir.resolve(face + i + ".mp4").toString());
      }
    }
    spec = dir.resolve("spec.json");
    Files.writeString(
        spec,
        """
        {"name": "spark", "seed": 5,
         "identities": {"astronaut": ["astronaut0.mp4", "astronaut1.mp4", "astronaut2.mp4"],
                        "hopper": ["hopper0.mp4", "hopper1.mp4", "hopper2.mp4"]},
         "methods": [{"name": "DoppelPair96", "model": "%s", "faces": "largest"}],
         "compression": ["c0", "c23"],
         "perturbations": [{"kind": "gaussian_blur", "level": 1}],
         "splits": {"train": 1, "val": 0, "test": 0},
         "deepfakebench": {"frames": 8}}
        """
            .formatted(Path.of("models/pair96").toAbsolutePath()));
    local = dir.resolve("local");
    Cli r = Cli.run("dataset", spec.toString(), "-o", local.toString(), "-q", "-j", "2");
    assertEquals(0, r.exitCode(), r.err());
  }

  @Test
  void localModeGivesTheSameBytesOnAPathAndThroughHadoopsFileSystem() throws Exception {
    Path plain = dir.resolve("local-mode");
    Cli r =
        Cli.run("dataset", spec.toString(), "-o", plain.toString(), "-q", "--spark", "local[2]");
    assertEquals(0, r.exitCode(), r.err());
    assertSameDataset(plain);

    Path viaHadoop = dir.resolve("hadoop");
    r =
        Cli.run(
            "dataset",
            spec.toString(),
            "-o",
            viaHadoop.toUri().toString(),
            "-q",
            "--spark",
            "local[2]");
    assertEquals(0, r.exitCode(), r.err());
    assertSameDataset(viaHadoop);

    Cli again =
        Cli.run("dataset", spec.toString(), "-o", plain.toString(), "-q", "--spark", "local[2]");
    assertEquals(2, again.exitCode());
    assertTrue(again.errorLine().contains(plain + ": already exists"), again.err());
  }

  @Test
  void aStandaloneClusterBuildsTheSameDataset() throws Exception {
    SparkCluster cluster = sharedCluster();
    Path out = dir.resolve("from-cluster");
    Path log = dir.resolve("cluster/dataset-driver.log");
    Process driver = driver(cluster, log, out);
    assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "driver still running");
    assertEquals(0, driver.exitValue(), Files.readString(log) + cluster.logs());
    assertSameDataset(out);
    // both executors (one per worker) rendered clips
    for (int e = 0; e < 2; e++) {
      assertTrue(
          Files.readString(log).contains("(executor " + e + ")"),
          "executor " + e + " ran no task\n" + Files.readString(log));
    }
  }

  @Test
  void aWorkerKilledMidJobStillGivesTheWholeDataset() throws Exception {
    Path work = Files.createDirectories(dir.resolve("cluster-b"));
    try (SparkCluster cluster = SparkCluster.start(work, 2)) {
      Path out = dir.resolve("survivor");
      Path building = dir.resolve(".survivor.building");
      Process driver = driver(cluster, work.resolve("driver.log"), out);
      // kill -9 the first worker once clips are being stored, while it renders one
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      while (System.nanoTime() < end && stored(building) < 1 && driver.isAlive()) {
        Thread.sleep(100);
      }
      assertTrue(stored(building) >= 1, "no clip stored\n" + log(work) + cluster.logs());
      cluster.worker(0).destroyForcibly();
      assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "driver still running");
      assertEquals(0, driver.exitValue(), log(work) + cluster.logs());
      String driverLog = log(work);
      assertTrue(
          driverLog.contains("Lost executor") || driverLog.contains("lost"),
          "the driver never saw the executor go\n" + driverLog);
      assertSameDataset(out);
    }
  }

  @Test
  void aBatchOfSixJobsRunsOnTheClusterAndACorruptInputFailsAlone() throws Exception {
    Path batch = Files.createDirectories(dir.resolve("batch"));
    byte[] garbage = new byte[50_000];
    new java.util.Random(3).nextBytes(garbage);
    Files.write(batch.resolve("broken.mp4"), garbage);
    List<String> rows = new java.util.ArrayList<>(List.of("input,output,model,faces"));
    String model = Path.of("models/pair96").toAbsolutePath().toString();
    for (String clip : List.of("astronaut0", "astronaut1", "astronaut2", "hopper0", "hopper1")) {
      rows.add(dir.resolve(clip + ".mp4") + ",out/" + clip + ".mp4," + model + ",largest");
    }
    rows.add(3, "broken.mp4,out/broken.mp4," + model + ",largest");
    Path manifest = batch.resolve("jobs.csv");
    Files.writeString(manifest, String.join("\n", rows) + "\n");

    SparkCluster cluster = sharedCluster();
    Path log = dir.resolve("cluster/batch-driver.log");
    Process driver =
        ChildDoppel.start(
            batch,
            log,
            Map.of(),
            cluster.driverOptions(),
            List.of("batch", manifest.toString(), "-q", "--spark", cluster.masterUrl()));
    assertTrue(driver.waitFor(300, TimeUnit.SECONDS), "driver still running");
    String said = Files.readString(log);
    assertEquals(3, driver.exitValue(), said + cluster.logs());
    assertTrue(said.contains("5 done, 0 skipped (finished earlier), 1 failed"), said);
    com.fasterxml.jackson.databind.JsonNode report =
        dev.doppel.output.Json.MAPPER.readTree(batch.resolve("batch-report.json").toFile());
    assertEquals(6, report.get("jobs").size());
    for (com.fasterxml.jackson.databind.JsonNode job : report.get("jobs")) {
      Path out = Path.of(job.get("output").asText());
      if (out.getFileName().toString().equals("broken.mp4")) {
        assertEquals("failed", job.get("status").asText());
        assertTrue(job.get("error").asText().contains("broken.mp4"), job.toString());
        assertTrue(Files.notExists(out));
      } else {
        assertEquals("done", job.get("status").asText(), job.toString());
        int frames = TestMedia.readPts(Path.of(job.get("input").asText())).size();
        assertEquals(frames, job.get("frames").asLong(), job.toString());
        assertEquals(frames, TestMedia.readPts(out).size());
      }
    }
    try (Stream<Path> left = Files.list(batch.resolve("out"))) {
      List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(5, names.stream().filter(n -> n.endsWith(".mp4")).count(), names.toString());
      assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), "temporaries: " + names);
    }
  }

  /** A cluster of two workers that the tests which kill nothing share (it starts in ~15 s). */
  private SparkCluster shared;

  private SparkCluster sharedCluster() throws Exception {
    if (shared == null)
      shared = SparkCluster.start(Files.createDirectories(dir.resolve("cluster")), 2);
    return shared;
  }

  @AfterAll
  void stopSharedCluster() {
    if (shared != null) shared.close();
  }

  private Process driver(SparkCluster cluster, Path log, Path out) throws Exception {
    return ChildDoppel.start(
        dir,
        log,
        Map.of(),
        cluster.driverOptions(),
        List.of("dataset", spec.toString(), "-o", out.toString(), "--spark", cluster.masterUrl()));
  }

  private static String log(Path work) throws Exception {
    return Files.readString(work.resolve("driver.log"));
  }

  /** Fake videos stored so far in a building dataset. */
  private static long stored(Path building) throws Exception {
    Path fakes = building.resolve("manipulated_sequences");
    if (!Files.isDirectory(fakes)) return 0;
    try (Stream<Path> walk = Files.walk(fakes)) {
      return walk.filter(p -> p.toString().endsWith(".mp4")).count();
    }
  }

  private void assertSameDataset(Path built) throws Exception {
    assertEquals(
        Files.readString(local.resolve("checksums.json")),
        Files.readString(built.resolve("checksums.json")),
        built + ": not the bytes of the -j 2 build");
    for (String f : List.of("metadata.json", "dataset.json", "splits/train.json")) {
      assertEquals(Files.readString(local.resolve(f)), Files.readString(built.resolve(f)), f);
    }
    Cli v = Cli.run("dataset", "verify", built.toString());
    assertEquals(0, v.exitCode(), v.err());
    try (Stream<Path> walk = Files.walk(built)) {
      assertEquals(List.of(), walk.filter(p -> p.toString().contains(".doppel-part")).toList());
    }
  }
}
