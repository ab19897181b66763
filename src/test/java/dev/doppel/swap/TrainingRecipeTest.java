package dev.doppel.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.face.AlignmentTemplate;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.Json;
import dev.doppel.output.Progress;
import dev.doppel.pipeline.ExtractJob;
import dev.doppel.pipeline.ExtractOptions;
import dev.doppel.testing.TestMedia;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training recipe end to end on the CPU: extract two tiny face sets with Doppel, train a few
 * steps with training/train.py, check the loss falls, and check that the exported ONNX graph run
 * through DJL's ONNX Runtime engine gives PyTorch's output.
 */
@Tag("slow") // whole clips through models or the CLI; the fast set leaves it out
class TrainingRecipeTest {
  @TempDir Path dir;

  static String python() {
    return TestMedia.python();
  }

  /** The first of $DOPPEL_PYTHON, python3, /usr/bin/python3 that can import these modules. */
  static String python(String modules) {
    List<String> candidates = new ArrayList<>();
    if (System.getenv("DOPPEL_PYTHON") != null) candidates.add(System.getenv("DOPPEL_PYTHON"));
    candidates.addAll(List.of("python3", "/usr/bin/python3"));
    for (String p : candidates) {
      try {
        if (TestMedia.run(p, "-c", "import " + modules).exitCode() == 0) return p;
      } catch (java.io.IOException ignored) {
        // not installed
      }
    }
    return null;
  }

  @Test
  void trainsAFewStepsOnCpuAndExportsAGraphThatOnnxRuntimeAgreesWith() throws Exception {
    String python = python();
    if (python == null) {
      System.out.println(
          "SKIPPED TrainingRecipeTest: no python3 with torch, onnx, numpy and "
              + "PIL (Debian: apt-get install python3-torch python3-onnx python3-pil; .ci/run does)");
    }
    assumeTrue(python != null, "no python3 with torch and onnx");
    TrackerSettings tracker = TrackerSettings.defaults();
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    ExtractJob.run(
        new ExtractOptions(
            List.of(TestMedia.sample("astronaut.mp4")),
            a,
            64,
            2,
            AlignmentTemplate.FACE,
            48,
            tracker,
            dev.doppel.video.TimeRange.ALL),
        Progress.NONE);
    ExtractJob.run(
        new ExtractOptions(
            List.of(TestMedia.sample("hopper.mp4")),
            b,
            64,
            2,
            AlignmentTemplate.FACE,
            48,
            tracker,
            dev.doppel.video.TimeRange.ALL),
        Progress.NONE);
    Path out = train(python, a, b, dir.resolve("run"));

    // held out by crop order per track (every 4th crop in tiny.json), never none; the figures
    // are measured on those crops, and a few steps already beat a blank grey face
    JsonNode quality =
        Json.MAPPER.readTree(out.resolve("eval.json").toFile()).path("heldout_reconstruction");
    for (var set : List.of(Map.entry("astronaut", a), Map.entry("hopper", b))) {
      JsonNode q = quality.path(set.getKey());
      assertEquals(expectedHeldOut(set.getValue(), 4), q.path("n").asInt(), q.toString());
      double grey = greyPsnr(python, set.getValue());
      System.out.printf(
          "held out %s: %d crops, PSNR %.2f dB (grey face %.2f dB), SSIM %.3f%n",
          set.getKey(),
          q.path("n").asInt(),
          q.path("psnr").asDouble(),
          grey,
          q.path("ssim").asDouble());
      assertTrue(
          q.path("psnr").asDouble() > grey + 1,
          set.getKey() + ": held-out PSNR " + q.path("psnr") + " dB vs " + grey + " dB for grey");
      assertTrue(q.path("ssim").asDouble() > 0 && q.path("ssim").asDouble() <= 1, q.toString());
    }

    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("loss.csv")).subList(1, 17)) {
      String[] f = line.split(",", -1);
      rows.add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
    }
    double first = (rows.get(0)[0] + rows.get(0)[1] + rows.get(1)[0] + rows.get(1)[1]) / 4;
    int n = rows.size();
    double last =
        (rows.get(n - 1)[0] + rows.get(n - 1)[1] + rows.get(n - 2)[0] + rows.get(n - 2)[1]) / 4;
    assertTrue(last < first * 0.8, "reconstruction loss falls: " + first + " -> " + last);

    Path onnx = out.resolve("tiny-test-astronaut2hopper.onnx");
    ModelInfo info = ModelInfo.read(onnx);
    assertEquals(ModelKind.PAIR, info.kind());
    assertEquals(32, info.size());
    assertEquals(AlignmentTemplate.FACE, info.template());
    assertEquals("astronaut", info.source());
    assertEquals("hopper", info.target());
    // the source identity's held-out figure travels in the graph (a yardstick for later checks)
    assertEquals(
        quality.path("astronaut").path("psnr").asDouble(),
        Double.parseDouble(info.metadata().get("doppel.source_heldout_psnr")),
        0.005);
    assertEquals(
        quality.path("hopper").path("psnr").asDouble(),
        Double.parseDouble(info.metadata().get("doppel.target_heldout_psnr")),
        0.005);
    assertEquals("astronaut,hopper", info.metadata().get("doppel.identities"));

    float[] ref = readFloats(out.resolve("tiny-test-astronaut2hopper.reference.bin"));
    int plane = 32 * 32;
    float[] input = java.util.Arrays.copyOfRange(ref, 0, 3 * plane);
    try (PairSwapper swapper = new PairSwapper(info, dev.doppel.swap.Device.CPU)) {
      float[][] got = swapper.predict(input);
      double diff = 0;
      for (int i = 0; i < 3 * plane; i++) {
        diff = Math.max(diff, Math.abs(got[0][i] - ref[3 * plane + i]));
      }
      for (int i = 0; i < plane; i++) {
        diff = Math.max(diff, Math.abs(got[1][i] - ref[6 * plane + i]));
      }
      assertTrue(diff < 1e-4, "ONNX Runtime vs PyTorch max abs diff " + diff);
    }
    try (Stream<Path> previews = Files.list(out)) {
      assertTrue(previews.anyMatch(p -> p.getFileName().toString().startsWith("preview-")));
    }

    // the same seed gives the same run: train again from scratch and compare the loss log
    Path again = train(python, a, b, dir.resolve("again"));
    assertEquals(lossColumns(out), lossColumns(again), "deterministic with a seed");
  }

  @Test
  void aFaceSetOfAnotherTemplateOrSmallerCropsIsRefused() throws Exception {
    String python = python();
    assumeTrue(python != null, "no python3 with torch and onnx");
    Path a = dir.resolve("a");
    ExtractJob.run(
        new ExtractOptions(
            List.of(TestMedia.sample("astronaut.mp4")),
            a,
            32,
            10,
            AlignmentTemplate.ARCFACE,
            48,
            TrackerSettings.defaults(),
            dev.doppel.video.TimeRange.ALL),
        Progress.NONE);
    TestMedia.Result r = trainRun(python, a, a, dir.resolve("arcface"));
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(
        r.out().contains("crops aligned to the ARCFACE template; the spec's model uses " + "FACE"),
        r.out());
  }

  /** Every {@code every}-th crop of each track in frame order; at least one. */
  private static int expectedHeldOut(Path faceset, int every) throws Exception {
    Map<String, Integer> perTrack = new java.util.HashMap<>();
    try (Stream<Path> files = Files.walk(faceset)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).toList()) {
        if (p.getFileName().toString().equals("faceset.json")) continue;
        JsonNode crop = Json.MAPPER.readTree(p.toFile());
        perTrack.merge(
            crop.path("source").asText() + "#" + crop.path("track").asInt(), 1, Integer::sum);
      }
    }
    int held = perTrack.values().stream().mapToInt(n -> n / every).sum();
    return Math.max(1, held);
  }

  /** PSNR inside the masks of a uniform mid-grey face against the set's crops, by metrics.py. */
  private static double greyPsnr(String python, Path faceset) throws Exception {
    TestMedia.Result r =
        TestMedia.run(
            python,
            "-c",
            """
            import sys; sys.path.insert(0, 'training')
            from faceset import load_faceset
            from metrics import masked_psnr_ssim
            import numpy as np
            x, m, _ = load_faceset([sys.argv[1]], 32, 'FACE', 4)['test']
            print(masked_psnr_ssim(np.full_like(x, 0.5), x, m)[0])
            """,
            faceset.toString());
    assertEquals(0, r.exitCode(), r.out());
    return Double.parseDouble(r.out().strip().lines().reduce((x, y) -> y).orElseThrow());
  }

  /** training/train.py with the tiny spec; fails the test if it exits non-zero. */
  /**
   * The shipped specs (cpu96, cpu128, gpu256 for GPUs) each train one step on the CPU on a few
   * crops of their own size and export graphs of that size: a spec that cannot build, train or
   * export fails here, not after hours on a rented GPU.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"cpu96, 96", "cpu128, 128", "gpu256, 256"})
  void theShippedSpecsTrainAStepOnTheCpuAndExport(String spec, int size) throws Exception {
    String python = python();
    assumeTrue(python != null, "no python3 with torch and onnx");
    List<Path> sets = new ArrayList<>();
    for (String clip : List.of("astronaut", "hopper")) {
      Path set = dir.resolve(clip);
      ExtractJob.run(
          new ExtractOptions(
              List.of(TestMedia.sample(clip + ".mp4")),
              set,
              size,
              12,
              AlignmentTemplate.FACE,
              48,
              TrackerSettings.defaults(),
              dev.doppel.video.TimeRange.ALL),
          Progress.NONE);
      sets.add(set);
    }
    Path out = dir.resolve("run");
    TestMedia.Result r =
        TestMedia.run(
            python,
            "training/train.py",
            "--spec",
            "training/specs/" + spec + ".json",
            "--identity",
            "astronaut",
            sets.get(0).toString(),
            "--identity",
            "hopper",
            sets.get(1).toString(),
            "--out",
            out.toString(),
            "--steps",
            "1",
            "--threads",
            "2");
    assertEquals(0, r.exitCode(), r.out());
    JsonNode eval = Json.MAPPER.readTree(out.resolve("eval.json").toFile());
    assertEquals(1, eval.path("steps").asInt(), eval.toString());
    String name =
        Json.MAPPER
            .readTree(Path.of("training/specs/" + spec + ".json").toFile())
            .path("name")
            .asText();
    for (String graph : List.of("astronaut2hopper", "hopper2astronaut")) {
      ModelInfo info = ModelInfo.read(out.resolve(name + "-" + graph + ".onnx"));
      assertEquals(size, info.size(), graph);
      assertEquals(ModelKind.PAIR, info.kind());
    }
  }

  private static Path train(String python, Path a, Path b, Path out) throws Exception {
    TestMedia.Result r = trainRun(python, a, b, out);
    assertEquals(0, r.exitCode(), r.out());
    return out;
  }

  private static TestMedia.Result trainRun(String python, Path a, Path b, Path out)
      throws Exception {
    return TestMedia.run(
        python,
        "training/train.py",
        "--spec",
        "training/specs/tiny.json",
        "--faceset-a",
        a.toString(),
        "--faceset-b",
        b.toString(),
        "--name-a",
        "astronaut",
        "--name-b",
        "hopper",
        "--out",
        out.toString(),
        "--threads",
        "2");
  }

  /** The loss log without its wall-clock column. */
  private static List<String> lossColumns(Path run) throws Exception {
    return Files.readAllLines(run.resolve("loss.csv")).stream()
        .map(l -> l.replaceFirst("^([^,]*),[^,]*,", "$1,"))
        .toList();
  }

  private static float[] readFloats(Path file) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }
}
