package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doppel train} as a user runs it, in its own JVM: killed with SIGKILL between two
 * checkpoints, its Python child exits too, and the same command run again resumes from the last
 * checkpoint and installs a model that {@code doppel swap} uses.
 */
@Tag("slow") // trains a tiny model twice over
class TrainCommandTest {
  @TempDir Path dir;

  @Test
  void aKilledTrainingResumesAndItsModelSwaps() throws Exception {
    String python = TestMedia.python();
    assumeTrue(
        python != null, "no python3 with torch, onnx, numpy and PIL (.ci/run installs them)");
    Path prefix = dir.resolve("ah");
    List<String> args =
        List.of(
            "train",
            "--identity",
            "astronaut=" + TestMedia.sample("astronaut.mp4"),
            "--identity",
            "hopper=" + TestMedia.sample("hopper.mp4"),
            "-o",
            prefix.toString(),
            "--spec",
            "tiny",
            "--steps",
            "400",
            "--every",
            "2",
            "--threads",
            "2");
    Path run = dir.resolve("ah.train/run");
    Process first = start(python, "first.log", args);
    // wait for a checkpoint (every 40 steps in tiny.json) and a logged step after it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    long loggedStep = -1;
    while (System.nanoTime() < deadline && first.isAlive()) {
      if (Files.exists(run.resolve("checkpoint.pt")) && Files.exists(run.resolve("loss.csv"))) {
        loggedStep = lastLoggedStep(run.resolve("loss.csv"));
        if (loggedStep >= 50 && loggedStep % 40 != 0) break;
      }
      Thread.sleep(50);
    }
    assertTrue(first.isAlive(), "still training when killed: " + log("first.log"));
    List<ProcessHandle> children = first.descendants().toList();
    assertFalse(children.isEmpty(), "doppel train runs Python as a child");
    first.destroyForcibly(); // SIGKILL: no shutdown hook runs
    first.waitFor(30, TimeUnit.SECONDS);
    long checkpointStep = 40 * (loggedStep / 40);
    for (ProcessHandle child : children) {
      child.onExit().get(20, TimeUnit.SECONDS); // the orphan notices and exits
      assertFalse(child.isAlive(), "Python outlived a killed doppel train");
    }
    assertFalse(Files.exists(prefix.resolveSibling("ah-astronaut2hopper.onnx")));

    // the rerun in this JVM (its coverage counts); it finds the same Python
    Cli second = Cli.run(args.toArray(String[]::new));
    assertEquals(0, second.exitCode(), second.err());
    String trainLog = Files.readString(dir.resolve("ah.train/train.log"));
    Matcher resumed = Pattern.compile("resumed at step (\\d+)").matcher(trainLog);
    assertTrue(resumed.find(), trainLog);
    long resumedAt = Long.parseLong(resumed.group(1));
    assertTrue(
        resumedAt >= 40 && resumedAt % 40 == 0 && resumedAt <= checkpointStep + 40,
        "resumed at the last checkpoint: " + resumedAt + ", killed after step " + loggedStep);

    // the loss log counts each step once: rows a killed run wrote after its checkpoint are gone
    List<Long> steps = new ArrayList<>();
    List<String> rows = Files.readAllLines(run.resolve("loss.csv"));
    for (String line : rows.subList(1, rows.size())) {
      steps.add(Long.parseLong(line.split(",", -1)[0]));
    }
    for (int i = 1; i < steps.size(); i++) {
      assertTrue(steps.get(i) > steps.get(i - 1), "loss.csv steps increase: " + steps);
    }
    assertEquals(400L, steps.get(steps.size() - 1));

    Path a2b = dir.resolve("ah-astronaut2hopper.onnx");
    assertTrue(Files.isRegularFile(dir.resolve("ah-hopper2astronaut.onnx")));
    String card = Files.readString(dir.resolve("ah.md"));
    assertTrue(card.contains(Provenance.sha256(TestMedia.sample("astronaut.mp4"))), card);
    assertTrue(card.contains("| steps | 400 (resumed) |"), card);
    JsonNode manifest = Json.MAPPER.readTree(dir.resolve("manifest.json").toFile());
    boolean listed = false;
    for (JsonNode f : manifest.path("files")) {
      if (f.path("file").asText().equals(a2b.getFileName().toString())) {
        assertEquals(Provenance.sha256(a2b), f.path("sha256").asText());
        listed = true;
      }
    }
    assertTrue(listed, manifest.toString());

    Path out = dir.resolve("swapped.mp4");
    Cli swap =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.mp4").toString(),
            "-o",
            out.toString(),
            "--model",
            prefix.toString(),
            "--direction",
            "a2b",
            "-q");
    assertEquals(0, swap.exitCode(), swap.err());
    assertTrue(swap.out().contains("125 frames, 125 faces swapped"), swap.out());

    // the identity guard: the a2b graph reads the astronaut; through the partner graph (the
    // astronaut's decoder) her face reconstructs far better than Hopper's
    Path other = dir.resolve("hopper-as-hopper.mp4");
    Cli stranger =
        Cli.run(
            "swap",
            TestMedia.sample("hopper.mp4").toString(),
            "-o",
            other.toString(),
            "--model",
            prefix.toString(),
            "--direction",
            "a2b",
            "-q");
    assertEquals(0, stranger.exitCode(), stranger.err());
    double own = guardPsnr(out);
    double notHer = guardPsnr(other);
    System.out.printf(
        "identity guard (tiny model): astronaut %.2f dB, Hopper %.2f dB; %s%n",
        own, notHer, stranger.err().strip());
    assertTrue(own > notHer + 2, "astronaut " + own + " dB vs Hopper " + notHer + " dB");
    assertTrue(stranger.out().contains("120 frames, 0 faces swapped"), stranger.out());
    assertTrue(
        stranger.errorLine().contains("track 1 (from frame 0) is not astronaut"), stranger.err());
    Cli forced =
        Cli.run(
            "swap",
            TestMedia.sample("hopper.mp4").toString(),
            "-o",
            dir.resolve("forced.mp4").toString(),
            "--model",
            prefix.toString(),
            "--direction",
            "a2b",
            "--faces",
            "all",
            "-q");
    assertEquals(0, forced.exitCode(), forced.err());
    assertTrue(forced.out().contains("120 frames, 120 faces swapped"), forced.out());
    assertEquals("", forced.err().strip());

    // a batch row without a faces column is guarded too, and its report keeps the note
    Path batchCsv = dir.resolve("rows.csv");
    Files.writeString(
        batchCsv,
        "input,output,model,direction\n"
            + TestMedia.sample("hopper.mp4")
            + ",out/h.mp4,"
            + prefix
            + ",a2b\n");
    Cli batch = Cli.run("batch", batchCsv.toString(), "-q");
    assertEquals(0, batch.exitCode(), batch.err());
    JsonNode job =
        Json.MAPPER.readTree(dir.resolve("batch-report.json").toFile()).path("jobs").path(0);
    assertEquals(0, job.path("faces_swapped").asInt(), job.toString());
    assertTrue(job.path("notes").path(0).asText().contains("is not astronaut"), job.toString());
  }

  @Test
  void threeIdentitiesMakeOneModelThatSwapsAnyIntoAnyOther() throws Exception {
    String python = TestMedia.python();
    assumeTrue(
        python != null, "no python3 with torch, onnx, numpy and PIL (.ci/run installs them)");
    Path prefix = dir.resolve("trio");
    Cli train =
        Cli.run(
            "train",
            "--identity",
            "astronaut=" + TestMedia.sample("astronaut.mp4"),
            "--identity",
            "hopper=" + TestMedia.sample("hopper.mp4"),
            "--identity",
            "duo=" + TestMedia.sample("duo.mp4"),
            "-o",
            prefix.toString(),
            "--spec",
            "tiny",
            "--steps",
            "200",
            "--every",
            "2",
            "--threads",
            "2",
            "-q");
    assertEquals(0, train.exitCode(), train.err());
    for (String name : List.of("astronaut", "hopper", "duo")) {
      assertTrue(Files.isRegularFile(dir.resolve("trio-to-" + name + ".onnx")), name);
    }
    String card = Files.readString(dir.resolve("trio.md"));
    assertTrue(card.contains("model of 3 identities, astronaut, hopper, duo"), card);
    for (String row : List.of("astronaut -> duo (swap)", "duo -> hopper (swap)")) {
      assertTrue(card.contains(row), row + " in\n" + card);
    }
    JsonNode manifest = Json.MAPPER.readTree(dir.resolve("manifest.json").toFile());
    assertEquals(4, manifest.path("files").size(), "three graphs and the card: " + manifest);

    Cli which =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.mp4").toString(),
            "-o",
            dir.resolve("x.mp4").toString(),
            "--model",
            prefix.toString());
    assertEquals(2, which.exitCode());
    assertEquals(
        "doppel: "
            + prefix
            + " holds 3 identities (astronaut, hopper, duo): choose the one to swap in with --to"
            + " NAME",
        which.errorLine());
    Cli nobody =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.mp4").toString(),
            "-o",
            dir.resolve("x.mp4").toString(),
            "--model",
            prefix.toString(),
            "--to",
            "bob");
    assertEquals(2, nobody.exitCode());
    assertTrue(nobody.errorLine().contains("has no graph into bob"), nobody.err());

    // the astronaut into duo's first identity: the guard judges her against every identity but
    // the target, and she reconstructs as herself
    Path out = dir.resolve("astronaut-as-duo.mp4");
    Cli swap =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.mp4").toString(),
            "-o",
            out.toString(),
            "--model",
            prefix.toString(),
            "--to",
            "duo",
            "-q");
    assertEquals(0, swap.exitCode(), swap.err());
    assertTrue(swap.out().contains("125 frames, 125 faces swapped"), swap.out());
    JsonNode guard =
        Json.MAPPER
            .readTree(Provenance.sidecarFor(out).toFile())
            .path("settings")
            .path("identity_guard");
    List<String> judged = new ArrayList<>();
    guard.path("identities").forEach(j -> judged.add(j.path("identity").asText()));
    assertEquals(List.of("astronaut", "hopper"), judged, guard.toString());
    assertEquals("astronaut", guard.path("closest_identity_per_track").path("1").asText());

    // one training gives a dataset every (target, source) pair of its identities
    for (String name : List.of("astronaut", "hopper", "duo")) {
      TestMedia.trim(TestMedia.sample(name + ".mp4"), dir.resolve("d-" + name + ".mp4"), 8);
    }
    Path spec = dir.resolve("trio.json");
    Files.writeString(
        spec,
        """
        {"name": "trio", "seed": 5,
         "identities": {"astronaut": ["d-astronaut.mp4"], "hopper": ["d-hopper.mp4"],
                        "duo": ["d-duo.mp4"]},
         "methods": [{"name": "Trio", "model": "%s", "faces": "largest"}],
         "compression": ["c23"],
         "splits": {"train": 1, "val": 0, "test": 0}}
        """
            .formatted(prefix));
    Cli dataset = Cli.run("dataset", spec.toString(), "-o", dir.resolve("ds").toString(), "-q");
    assertEquals(0, dataset.exitCode(), dataset.err());
    List<String> pairs = new ArrayList<>();
    for (JsonNode fake :
        Json.MAPPER.readTree(dir.resolve("ds/dataset.json").toFile()).path("fakes")) {
      pairs.add(fake.at("/target/identity").asText() + ">" + fake.at("/source/identity").asText());
    }
    java.util.Collections.sort(pairs);
    assertEquals(
        List.of(
            "astronaut>duo",
            "astronaut>hopper",
            "duo>astronaut",
            "duo>hopper",
            "hopper>astronaut",
            "hopper>duo"),
        pairs);
    Cli verify = Cli.run("dataset", "verify", dir.resolve("ds").toString());
    assertEquals(0, verify.exitCode(), verify.err());
  }

  /** The reconstruction PSNR the identity guard measured for the output's first track. */
  private static double guardPsnr(Path output) throws Exception {
    JsonNode sidecar = Json.MAPPER.readTree(Provenance.sidecarFor(output).toFile());
    JsonNode guard = sidecar.path("settings").path("identity_guard");
    assertFalse(guard.isMissingNode(), sidecar.toString());
    return guard.path("psnr_per_track").path("1").asDouble();
  }

  @Test
  void badInputsAreOneLineAndLeaveNothing() throws Exception {
    Path prefix = dir.resolve("m");
    String hopper = "b=" + TestMedia.sample("hopper.mp4");
    Cli missing =
        Cli.run(
            "train",
            "--identity",
            "a=" + dir.resolve("none.mp4"),
            "--identity",
            hopper,
            "-o",
            prefix.toString());
    assertEquals(2, missing.exitCode());
    assertEquals(
        "doppel: --identity a=" + dir.resolve("none.mp4") + ": no such file or folder",
        missing.errorLine());
    Files.createDirectories(dir.resolve("empty"));
    Cli empty =
        Cli.run(
            "train",
            "--identity",
            "a=" + dir.resolve("empty"),
            "--identity",
            hopper,
            "-o",
            prefix.toString());
    assertEquals(2, empty.exitCode());
    assertTrue(empty.errorLine().contains("no video clips in this folder"), empty.err());
    Cli spec =
        Cli.run(
            "train",
            "--identity",
            "a=" + TestMedia.sample("astronaut.mp4"),
            "--identity",
            hopper,
            "-o",
            prefix.toString(),
            "--spec",
            "nope");
    assertEquals(
        "doppel: --spec nope: no such file, nor a shipped spec (cpu96, cpu128, gpu256, tiny)",
        spec.errorLine());
    Cli one = Cli.run("train", "--identity", hopper, "-o", prefix.toString());
    assertTrue(one.errorLine().contains("give two or more --identity NAME=CLIPS"), one.err());
    assertFalse(Files.exists(dir.resolve("m.train")), "no work folder left");
  }

  @Test
  void aPythonWithoutTorchIsNamedWithWhatToInstall() throws Exception {
    Process p =
        start(
            "/bin/false",
            "nopython.log",
            List.of(
                "train",
                "--identity",
                "a=" + TestMedia.sample("astronaut.mp4"),
                "--identity",
                "b=" + TestMedia.sample("hopper.mp4"),
                "-o",
                dir.resolve("x").toString()));
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    String err = log("nopython.log").strip();
    assertEquals(
        "doppel: DOPPEL_PYTHON=/bin/false cannot import torch, numpy, PIL, onnx: install them "
            + "there (pip install torch numpy pillow onnx) or unset it",
        err);
    assertFalse(Files.exists(dir.resolve("x.train")), "nothing written");
  }

  private Process start(String python, String log, List<String> args) throws Exception {
    return ChildDoppel.start(dir, dir.resolve(log), Map.of("DOPPEL_PYTHON", python), args);
  }

  private String log(String name) throws Exception {
    return Files.readString(dir.resolve(name));
  }

  private static long lastLoggedStep(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    if (lines.size() < 2) return -1;
    String last = lines.get(lines.size() - 1);
    try {
      return Long.parseLong(last.split(",", -1)[0]);
    } catch (NumberFormatException e) {
      return -1; // a row being written
    }
  }
}
