package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.batch.Journal;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `doppel batch` on short real clips: validation, failures, resume after SIGKILL. */
@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
class BatchCommandTest {
  static final String MODEL = Path.of("models/pair96").toAbsolutePath().toString();
  @TempDir Path dir;

  private Path clip(String sample, String name, int frames) {
    return TestMedia.trim(TestMedia.sample(sample), dir.resolve(name), frames);
  }

  @Test
  void theWholeManifestIsCheckedBeforeAnyWork() throws Exception {
    clip("astronaut.mp4", "a.mp4", 5);
    Path manifest = dir.resolve("jobs.csv");
    Files.writeString(
        manifest,
        String.join(
                "\n",
                "input,output,model,faces,colour,speed",
                "a.mp4,out/a.mp4," + MODEL + ",,,",
                "missing.mp4,out/b.mp4," + MODEL + ",,,",
                "a.mp4,../outside.mp4," + MODEL + ",,,",
                "a.mp4,out/a.mp4," + MODEL + ",,,",
                "a.mp4,out/c.mp4," + MODEL + ",sideways,,",
                "a.mp4,out/d.mp4," + MODEL + ",,purple,",
                "a.mp4,out/e.mp4," + MODEL + ",,,fast",
                "a.mp4,out/f.mp4,models/nothing.onnx,,,")
            + "\n");
    Cli r = Cli.run("batch", manifest.toString(), "-q");
    assertEquals(2, r.exitCode(), r.err());
    String err = r.err();
    assertTrue(err.contains("jobs.csv:3: input") && err.contains("missing.mp4: no such file"), err);
    assertTrue(err.contains("jobs.csv:4: output") && err.contains("outside the output root"), err);
    assertTrue(err.contains("jobs.csv:5: output") && err.contains("also written by line 2"), err);
    assertTrue(err.contains("jobs.csv:6: --faces sideways"), err);
    assertTrue(err.contains("jobs.csv:7:") && err.contains("purple"), err);
    assertTrue(err.contains("jobs.csv:8:") && err.contains("--speed"), err);
    assertTrue(err.contains("jobs.csv:9: model"), err);
    assertTrue(err.strip().endsWith("7 problem(s) in 8 rows; nothing was run"), err);
    assertTrue(Files.notExists(dir.resolve("out")), "no output folder");
    assertTrue(Files.notExists(dir.resolve(Journal.FILE_NAME)), "no journal");
  }

  @Test
  void oneBadClipFailsAloneAndARerunSkipsTheRest() throws Exception {
    List<String> rows =
        new ArrayList<>(List.of("input,output,model,faces,codec,source,recognizer"));
    String[] samples = {"astronaut.mp4", "hopper.mp4", "duo.mp4", "astronaut.mp4", "hopper.mp4"};
    // job 1 is one-shot (stand-in inswapper + recogniser, the astronaut photo as source)
    String oneShot =
        Path.of("models/standin-inswapper_128.onnx").toAbsolutePath()
            + ",all,,"
            + TestMedia.sample("astronaut.png").toAbsolutePath()
            + ","
            + Path.of("models/standin-w600k_r50.onnx").toAbsolutePath();
    for (int i = 0; i < samples.length; i++) {
      clip(samples[i], "in" + i + ".mp4", 10);
      rows.add(
          "in"
              + i
              + ".mp4,out/job"
              + i
              + ".mp4,"
              + (i == 1
                  ? oneShot
                  : MODEL
                      + ","
                      + (i == 3 ? "largest" : "all")
                      + ","
                      + (i == 4 ? "vp9" : "")
                      + ",,"));
    }
    byte[] garbage = new byte[50_000];
    new java.util.Random(3).nextBytes(garbage);
    Files.write(dir.resolve("broken.mp4"), garbage);
    rows.add(3, "broken.mp4,out/broken.mp4," + MODEL + ",all,,,");
    Path manifest = dir.resolve("jobs.csv");
    Files.writeString(manifest, String.join("\n", rows) + "\n");

    Cli r = Cli.run("batch", manifest.toString(), "-j", "2", "-q");
    assertEquals(3, r.exitCode(), r.out() + r.err());
    JsonNode report = Json.MAPPER.readTree(dir.resolve("batch-report.json").toFile());
    Map<String, JsonNode> byOutput = new HashMap<>();
    report
        .get("jobs")
        .forEach(j -> byOutput.put(Path.of(j.get("output").asText()).getFileName().toString(), j));
    assertEquals(6, byOutput.size());
    JsonNode broken = byOutput.get("broken.mp4");
    assertEquals("failed", broken.get("status").asText());
    assertTrue(broken.get("error").asText().contains("broken.mp4"), broken.toString());
    assertTrue(Files.notExists(dir.resolve("out/broken.mp4")));
    for (int i = 0; i < samples.length; i++) {
      JsonNode job = byOutput.get("job" + i + ".mp4");
      assertEquals("done", job.get("status").asText(), job.toString());
      assertEquals(10, job.get("frames").asLong());
      assertEquals(10, TestMedia.readPts(dir.resolve("out/job" + i + ".mp4")).size());
    }
    assertTrue(byOutput.get("job2.mp4").get("faces_swapped").asLong() >= 19, "duo: two faces");
    assertEquals(10, byOutput.get("job1.mp4").get("faces_swapped").asLong(), "one-shot row");
    assertTrue(r.out().contains("5 done, 0 skipped (finished earlier), 1 failed"), r.out());

    Cli again = Cli.run("batch", manifest.toString(), "-j", "2", "-q");
    assertEquals(3, again.exitCode());
    assertTrue(again.out().contains("0 done, 5 skipped (finished earlier), 1 failed"), again.out());
    assertEquals(List.of(), leftovers(dir.resolve("out")));
  }

  /** A run killed with SIGKILL mid-job: the rerun finishes, and no finished job is redone. */
  @Test
  void aKilledRunResumesWithoutRedoingFinishedJobs() throws Exception {
    List<String> rows = new ArrayList<>(List.of("input,output,model"));
    for (int i = 0; i < 4; i++) {
      clip(i % 2 == 0 ? "astronaut.mp4" : "hopper.mp4", "in" + i + ".mp4", 40);
      rows.add("in" + i + ".mp4,out/job" + i + ".mp4," + MODEL);
    }
    Path manifest = dir.resolve("jobs.csv");
    Files.writeString(manifest, String.join("\n", rows) + "\n");
    Path journal = dir.resolve(Journal.FILE_NAME);

    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.doppel.cli.Main",
                "batch",
                manifest.toString(),
                "-q")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("killed.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline && p.isAlive()) {
      List<JsonNode> events = events(journal);
      boolean oneDone = events.stream().anyMatch(e -> e.get("event").asText().equals("done"));
      long starts = events.stream().filter(e -> e.get("event").asText().equals("start")).count();
      if (oneDone && starts >= 2) break;
      Thread.sleep(20);
    }
    assertTrue(
        p.isAlive(),
        "the batch ended before it could be killed: "
            + Files.readString(dir.resolve("killed.log")));
    p.destroyForcibly(); // SIGKILL
    p.waitFor(10, TimeUnit.SECONDS);
    List<JsonNode> before = events(journal);
    List<String> doneBefore =
        before.stream()
            .filter(e -> e.get("event").asText().equals("done"))
            .map(e -> e.get("job").asText())
            .toList();
    assertTrue(!doneBefore.isEmpty() && doneBefore.size() < 4, "killed mid-way: " + doneBefore);
    for (int i = 0; i < 4; i++) {
      Path out = dir.resolve("out/job" + i + ".mp4");
      if (Files.exists(out)) assertEquals(40, TestMedia.readPts(out).size(), "no partial " + out);
    }

    Cli r = Cli.run("batch", manifest.toString(), "-q");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains(doneBefore.size() + " skipped"), r.out());
    List<JsonNode> all = events(journal);
    Map<String, Integer> done = new HashMap<>();
    Map<String, Integer> starts = new HashMap<>();
    for (JsonNode e : all) {
      Map<String, Integer> counter =
          e.get("event").asText().equals("done")
              ? done
              : e.get("event").asText().equals("start") ? starts : null;
      if (counter != null) counter.merge(e.get("job").asText(), 1, Integer::sum);
    }
    assertEquals(4, done.size());
    done.forEach((job, n) -> assertEquals(1, n, "job " + job + " finished once"));
    for (String job : doneBefore) assertEquals(1, starts.get(job), "job " + job + " not redone");
    for (int i = 0; i < 4; i++) {
      assertEquals(40, TestMedia.readPts(dir.resolve("out/job" + i + ".mp4")).size());
    }
    assertEquals(List.of(), leftovers(dir.resolve("out")));
  }

  private static List<JsonNode> events(Path journal) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    if (!Files.exists(journal)) return out;
    for (String line : Files.readAllLines(journal)) {
      try {
        out.add(Json.MAPPER.readTree(line));
      } catch (Exception torn) {
        // the writer may be mid-line
      }
    }
    return out;
  }

  /** Hidden temporary files in a folder. */
  private static List<String> leftovers(Path folder) throws Exception {
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }
}
