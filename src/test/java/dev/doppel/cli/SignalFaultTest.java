package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.testing.TestMedia;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's fault run, kept: {@code swap}, {@code batch} and {@code dataset} in their own JVMs,
 * sent SIGTERM at random moments (seeded, so a failure can be replayed). Each run must end without
 * a crash (no exit 134/139, no hs_err file in its working folder), leave no temporary file or
 * folder, and the same command run again must succeed. 14 moments (6 swaps, 4 batches, 4 datasets;
 * 20 until the whole verify passed 15 minutes on 2 cores): each run costs ~10 s.
 */
@Tag("slow")
class SignalFaultTest {
  private static final int SIGTERM_EXIT = 143;
  @TempDir static Path shared;
  private static Path clip;
  private static Path otherClip;

  @BeforeAll
  static void clips() {
    clip = TestMedia.trim(TestMedia.sample("hopper.mp4"), shared.resolve("hopper.mp4"), 40);
    otherClip = TestMedia.trim(TestMedia.sample("astronaut.mp4"), shared.resolve("astro.mp4"), 40);
  }

  /** Starts the CLI in a new JVM, working in {@code folder}. */
  private static Process start(Path folder, String... args) throws Exception {
    return ChildDoppel.start(folder, folder.resolve("console.log"), Map.of(), List.of(args));
  }

  /** What a stopped run may leave: its finished outputs, the batch journal, our own log. */
  private static List<String> leftovers(Path folder) throws Exception {
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.map(p -> folder.relativize(p).toString())
          .filter(
              n ->
                  n.contains("hs_err")
                      || List.of(n.split(File.separator)).stream()
                          .anyMatch(
                              part -> part.startsWith(".") && !part.equals(".doppel-batch.jsonl")))
          .toList();
    }
  }

  private static void signalAndCheck(String what, Path folder, long delayMillis, String... args)
      throws Exception {
    Process p = start(folder, args);
    Thread.sleep(delayMillis);
    p.destroy(); // SIGTERM
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), what + ": did not stop");
    String log = Files.readString(folder.resolve("console.log"));
    int code = p.exitValue();
    System.out.printf("%s: SIGTERM after %d ms -> exit %d%n", what, delayMillis, code);
    assertTrue(code == SIGTERM_EXIT || code == 0, what + ": exit " + code + "\n" + log);
    assertEquals(List.of(), leftovers(folder), what + ": left behind\n" + log);
  }

  @Test
  void sigtermAtRandomMomentsLeavesNothingAndTheRerunSucceeds() throws Exception {
    Random random = new Random(12);
    Path pair = Path.of("models/pair96").toAbsolutePath();
    for (int run = 0; run < 6; run++) {
      Path folder = Files.createDirectories(shared.resolve("swap" + run));
      String[] args = {"swap", clip.toString(), "-o", "out.mp4", "--model", pair.toString(), "-q"};
      signalAndCheck("swap #" + run, folder, 300 + random.nextInt(4500), args);
      Cli again = Cli.run(withFolder(args, folder));
      assertEquals(0, again.exitCode(), again.err());
    }
    for (int run = 0; run < 4; run++) {
      Path folder = Files.createDirectories(shared.resolve("batch" + run));
      Files.writeString(
          folder.resolve("jobs.csv"),
          "input,output,model\n"
              + clip
              + ",out/a.mp4,"
              + pair
              + "\n"
              + otherClip
              + ",out/b.mp4,"
              + pair
              + "\n"
              + clip
              + ",out/c.mp4,"
              + pair
              + "\n");
      signalAndCheck(
          "batch #" + run, folder, 300 + random.nextInt(7000), "batch", "jobs.csv", "-q");
      Cli again = Cli.run("batch", folder.resolve("jobs.csv").toString(), "-q");
      assertEquals(0, again.exitCode(), again.out() + again.err());
      for (String f : List.of("a.mp4", "b.mp4", "c.mp4")) {
        assertTrue(Files.isRegularFile(folder.resolve("out").resolve(f)), f);
      }
    }
    for (int run = 0; run < 4; run++) {
      Path folder = Files.createDirectories(shared.resolve("dataset" + run));
      Files.writeString(
          folder.resolve("spec.json"),
          """
          {"name": "t", "seed": 3,
           "identities": {"hopper": ["%s"], "astronaut": ["%s"]},
           "methods": [{"name": "P", "model": "%s", "faces": "largest"}],
           "compression": ["c0", "c23"], "splits": {"train": 1, "val": 0, "test": 0}}
          """
              .formatted(clip, otherClip, pair));
      signalAndCheck(
          "dataset #" + run,
          folder,
          300 + random.nextInt(9000),
          "dataset",
          "spec.json",
          "-o",
          "ds",
          "-q");
      if (Files.exists(folder.resolve("ds"))) continue; // it finished before the signal
      Cli again =
          Cli.run(
              "dataset",
              folder.resolve("spec.json").toString(),
              "-o",
              folder.resolve("ds").toString(),
              "-q");
      assertEquals(0, again.exitCode(), again.err());
      Cli verify = Cli.run("dataset", "verify", folder.resolve("ds").toString());
      assertEquals(0, verify.exitCode(), verify.out() + verify.err());
    }
  }

  /** The same arguments with the output made absolute (the in-process rerun has another cwd). */
  private static String[] withFolder(String[] args, Path folder) {
    String[] out = args.clone();
    for (int i = 0; i < out.length - 1; i++) {
      if (out[i].equals("-o")) out[i + 1] = folder.resolve(out[i + 1]).toString();
    }
    return out;
  }
}
