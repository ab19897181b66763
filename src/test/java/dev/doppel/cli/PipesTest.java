package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import dev.doppel.testing.TestMedia;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standard input and output, and Ctrl-C on a live input, with the CLI in a process of its own (its
 * standard streams are the pipes under test).
 */
@Tag("slow") // starts JVMs
class PipesTest {
  @TempDir static Path dir;
  static Path ts;

  @BeforeAll
  static void makeClip() throws Exception {
    assumeTrue(TestMedia.hasFfmpegTools(), "ffmpeg CLI not installed (.ci/run installs it)");
    ts = StreamInputsTest.beepingClip(dir.resolve("beep.ts"), "mpegts");
  }

  private static ProcessBuilder doppel(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.doppel.cli.Main"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  private static boolean writing(Path folder, String output) throws Exception {
    try (var files = Files.list(folder)) {
      return files.anyMatch(
          f -> {
            String n = f.getFileName().toString();
            return n.startsWith("." + output + ".") && n.contains(".part");
          });
    }
  }

  private static String model() {
    return Path.of("models/pair96").toAbsolutePath().toString();
  }

  @Test
  void standardInToStandardOut() throws Exception {
    Path out = dir.resolve("piped.mkv");
    Path err = dir.resolve("piped.err");
    Process p =
        doppel("swap", "-", "-o", "-", "--format", "mkv", "--faces", "none", "--model", model())
            .redirectInput(ts.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(err));
    assertTrue(
        Files.readString(err).contains("-: 75 frames, 0 faces swapped"), Files.readString(err));
    assertEquals(75, StreamInputsTest.frameCount(out));
    assertEquals(StreamInputsTest.BEEP, StreamInputsTest.beepAfterFirstFrame(out), 0.002);
    String tags =
        TestMedia.ffprobe(out, "-show_entries", "format_tags=DOPPEL_KIND", "-of", "default");
    assertTrue(tags.contains("pass-through"), "labelled in the stream: " + tags);
    try (var files = Files.list(dir)) {
      assertTrue(
          files.noneMatch(f -> f.getFileName().toString().startsWith("-")),
          "no file named after the standard output");
    }
  }

  @Test
  void ctrlCOnALiveInputFinishesTheOutputSoFar() throws Exception {
    // a JVM that starts with SIGINT ignored never sees Ctrl-C (HotSpot leaves an ignored SIGINT
    // alone), and children inherit it: so it is when the build runs as a background job of a
    // shell without job control, e.g. `(mvn verify &)`; run it in the foreground or `(set -m; ...)`
    assumeTrue(
        !sigintIgnored(),
        "SIGINT is ignored in this process (a background job without job control)");
    // 30 s of input fed at about real time: Ctrl-C after 3 s
    Path longTs = dir.resolve("long.ts");
    TestMedia.Result r =
        TestMedia.run(
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=160x120:r=25:d=30",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:d=30",
            "-c:v",
            "libx264",
            "-c:a",
            "aac",
            "-f",
            "mpegts",
            longTs.toString());
    assertEquals(0, r.exitCode(), r.out());
    byte[] data = Files.readAllBytes(longTs);
    Path out = dir.resolve("live.mp4");
    Path log = dir.resolve("live.log");
    Process p =
        doppel("swap", "-", "-o", out.toString(), "--faces", "none", "--model", model(), "-q")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Thread feeder =
        new Thread(
            () -> {
              try (OutputStream in = p.getOutputStream()) {
                int step = data.length / 300; // 300 pieces over 30 s
                for (int at = 0; at < data.length && p.isAlive(); at += step) {
                  in.write(data, at, Math.min(step, data.length - at));
                  in.flush();
                  Thread.sleep(100);
                }
              } catch (Exception e) {
                // the process ended and closed its end: that is the point
              }
            });
    feeder.start();
    // Ctrl-C once frames are being written (the hidden .live.mp4.*.part file exists): before
    // that, while models load, it stops the job like any other and leaves nothing
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !writing(dir, "live.mp4")) Thread.sleep(50);
    assertTrue(writing(dir, "live.mp4"), "started writing: " + Files.readString(log));
    Thread.sleep(1500);
    TestMedia.Result kill = TestMedia.run("kill", "-INT", String.valueOf(p.pid()));
    assertEquals(0, kill.exitCode(), kill.out());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "it stops after Ctrl-C");
    feeder.interrupt();
    String said = Files.readString(log);
    assertEquals(0, p.exitValue(), said);
    assertTrue(said.contains("stopped by Ctrl-C after"), said);
    long frames = StreamInputsTest.frameCount(out);
    assertTrue(frames > 10 && frames < 750, "part of the input: " + frames + " frames");
    assertTrue(said.contains(frames + " frames"), said);
    JsonNode sidecar = Json.MAPPER.readTree(dir.resolve("live.mp4.doppel.json").toFile());
    assertEquals(Provenance.sha256(out), sidecar.path("output").path("sha256").asText());
    String tags =
        TestMedia.ffprobe(out, "-show_entries", "format_tags=doppel_kind", "-of", "default");
    assertTrue(tags.contains("pass-through"), tags);
  }

  /** Whether this process was started with SIGINT ignored (Linux: bit 2 of SigIgn). */
  private static boolean sigintIgnored() throws java.io.IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) return false;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseLong(line.substring(7).strip(), 16) & 2L) != 0;
      }
    }
    return false;
  }
}
