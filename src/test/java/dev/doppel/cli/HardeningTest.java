package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.testing.OnnxGraphs;
import dev.doppel.testing.TestMedia;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests for the bad-input and fault run of issue 12 (numbers refer to its items): each
 * case once crashed, ran on silently, or destroyed something, and must now be refused with one
 * line, the documented exit code and nothing half-written.
 */
class HardeningTest {
  @TempDir static Path shared;
  @TempDir Path dir;
  private static Path clip;

  @BeforeAll
  static void clip() {
    clip = TestMedia.trim(TestMedia.sample("hopper.mp4"), shared.resolve("hopper8.mp4"), 8);
  }

  static List<String> listing(Path folder) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  // 1. A model whose shapes are not what its metadata says is refused when it is loaded.

  private void assertModelRefused(OnnxGraphs graph, String problem) throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));
    Path model = graph.write(models.resolve("bad.onnx"));
    Path outDir = Files.createDirectories(dir.resolve("out"));
    Cli swap =
        Cli.run(
            "swap",
            clip.toString(),
            "-o",
            outDir.resolve("x.mp4").toString(),
            "--model",
            model.toString(),
            "-q");
    assertEquals(1, swap.exitCode(), swap.err());
    String line = swap.errorLine();
    assertTrue(line.contains("cannot load model: " + model), line);
    assertTrue(line.contains(problem), "says '" + problem + "': " + line);
    assertEquals(List.of(), listing(outDir), "nothing left at the output");
  }

  @Test
  void item01_maskWithThreeChannels() throws Exception {
    assertModelRefused(
        new OnnxGraphs()
            .pairMetadata("96")
            .input("x", 1, 3, 96, 96)
            .output("face", "x", 1, 3, 96, 96)
            .output("mask", "x", 1, 3, 96, 96),
        "this graph gives [face float[1, 3, 96, 96], mask float[1, 3, 96, 96]]");
  }

  @Test
  void item01_oneOutput() throws Exception {
    assertModelRefused(
        new OnnxGraphs()
            .pairMetadata("96")
            .input("x", 1, 3, 96, 96)
            .output("face", "x", 1, 3, 96, 96),
        "a pair model gives two float outputs");
  }

  @Test
  void item01_inputOfAnotherSize() throws Exception {
    assertModelRefused(
        new OnnxGraphs()
            .pairMetadata("96")
            .input("x", 1, 3, 64, 64)
            .output("face", "x", 1, 3, 64, 64)
            .output("mask", "x", 1, 1, 64, 64),
        "a pair model takes one float input 1x3x96x96");
  }

  @Test
  void item01_zeroNegativeAndHugeSizes() throws Exception {
    for (String size : List.of("0", "-96", "1000000")) {
      assertModelRefused(
          new OnnxGraphs()
              .pairMetadata(size)
              .input("x", 1, 3, 96, 96)
              .output("face", "x", 1, 3, 96, 96)
              .output("mask", "x", 1, 1, 96, 96),
          "doppel.size " + size + " is outside 16..1024");
    }
  }

  @Test
  void item01_unknownKindAndHugeOneShotInput() throws Exception {
    assertModelRefused(
        new OnnxGraphs()
            .meta("doppel.kind", "triple")
            .input("x", 1, 3, 96, 96)
            .output("face", "x", 1, 3, 96, 96),
        "doppel.kind 'triple' is not a kind");
    assertModelRefused(
        new OnnxGraphs()
            .input("target", 1, 3, 100000, 100000)
            .input("source", 1, 512)
            .output("out", "target", 1, 3, 100000, 100000),
        "larger than 1024 px");
  }

  // 2. One bad row fails alone: the other rows run and the report lists it.

  @Test
  void item02_aBrokenModelFailsItsRowOnly() throws Exception {
    Path broken =
        new OnnxGraphs()
            .pairMetadata("96")
            .input("x", 1, 3, 96, 96)
            .output("face", "x", 1, 3, 96, 96)
            .write(dir.resolve("broken.onnx"));
    Path pair = Path.of("models/pair96").toAbsolutePath();
    Path manifest =
        Files.writeString(
            dir.resolve("jobs.csv"),
            String.join(
                    "\n",
                    "input,output,model",
                    clip + ",out/one.mp4," + pair,
                    clip + ",out/two.mp4," + broken,
                    clip + ",out/three.mp4," + pair)
                + "\n");
    Cli batch = Cli.run("batch", manifest.toString(), "-q");
    assertEquals(3, batch.exitCode(), batch.out() + batch.err());
    assertTrue(batch.out().contains("2 done, 0 skipped (finished earlier), 1 failed"), batch.out());
    assertTrue(batch.out().contains("cannot load model: " + broken), batch.out());
    assertEquals(
        List.of("one.mp4", "one.mp4.doppel.json", "three.mp4", "three.mp4.doppel.json"),
        listing(dir.resolve("out")));
    String report = Files.readString(dir.resolve("batch-report.json"));
    assertTrue(report.contains("\"status\" : \"failed\""), report);
  }

  // 3. Frames too small for a face have no faces; bad split shares are a usage error.

  @Test
  void item03_tinyFramesHaveNoFaces() throws Exception {
    Path tiny16 =
        TestMedia.writeClip(
            dir.resolve("tiny16.mp4"), 16, 16, TestMedia.constantRate(6), 25, 25, null, null);
    Path tiny2 =
        TestMedia.writeClip(
            dir.resolve("tiny2.mkv"), 2, 2, TestMedia.constantRate(6), 25, 25, "ffv1", null);
    for (Path tiny : List.of(tiny16, tiny2)) {
      Path json = dir.resolve(tiny.getFileName() + ".jsonl");
      Cli faces = Cli.run("faces", tiny.toString(), "--json", json.toString(), "-q");
      assertEquals(0, faces.exitCode(), faces.err());
      assertEquals(6, Files.readAllLines(json).size());
      assertTrue(Files.readAllLines(json).stream().allMatch(l -> l.contains("\"faces\":[]")));
      Path out = dir.resolve("swapped-" + tiny.getFileName() + ".mkv");
      Cli swap =
          Cli.run(
              "swap",
              tiny.toString(),
              "-o",
              out.toString(),
              "--model",
              "models/pair96",
              "--codec",
              "ffv1",
              "-q");
      assertEquals(0, swap.exitCode(), swap.err());
      assertTrue(swap.out().contains("6 frames, 0 faces swapped"), swap.out());
      // OpenH264 (the LGPL build's H.264) takes nothing under 16x16; libx264 (-Pgpl) does
      if (tiny == tiny2 && !dev.doppel.video.EncodeSettings.isAvailable("h264rgb")) {
        Cli h264 =
            Cli.run(
                "swap",
                tiny.toString(),
                "-o",
                dir.resolve("h264.mp4").toString(),
                "--model",
                "models/pair96",
                "-q");
        assertEquals(1, h264.exitCode(), h264.err());
        assertTrue(
            h264.errorLine().contains("cannot encode frames smaller than 16x16"), h264.err());
      }
      Cli extract = Cli.run("extract", tiny.toString(), "-o", dir.resolve("set").toString());
      assertEquals(1, extract.exitCode(), extract.err());
      assertTrue(extract.errorLine().contains("found no face in " + tiny), extract.err());
    }
  }

  private Path spec(String body) throws Exception {
    Files.copy(clip, dir.resolve("a.mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("b.mp4"), 8);
    return Files.writeString(
        dir.resolve("spec.json"),
        body.replace("MODEL", Path.of("models/pair96").toAbsolutePath().toString()));
  }

  private static final String SPEC =
      """
      {"name": "t", "seed": 1,
       "identities": {"hopper": ["a.mp4"], "astronaut": ["b.mp4"]},
       "methods": [{"name": "P", "model": "MODEL", "faces": "largest"}],
       "compression": ["c23"], "splits": {"train": 1, "val": 0, "test": 0}}""";

  private void assertSpecRefused(String body, String problem) throws Exception {
    Cli r = Cli.run("dataset", spec(body).toString(), "-o", dir.resolve("ds").toString(), "-q");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.errorLine().contains(problem), "says '" + problem + "': " + r.err());
    assertTrue(Files.notExists(dir.resolve("ds")));
  }

  @Test
  void item03_splitSharesMustBeNonNegativeWithAPositiveSum() throws Exception {
    assertSpecRefused(
        SPEC.replace("\"train\": 1", "\"train\": 0"),
        "splits [0.0, 0.0, 0.0]: give train, val and test as shares >= 0");
    assertSpecRefused(SPEC.replace("\"train\": 1", "\"train\": -1"), "splits [-1.0");
  }

  // 4. An output is never an input, another output, or a special file.

  @Test
  void item04_outputsThatWouldDestroyInputsAreRefused() throws Exception {
    Path in = Files.copy(clip, dir.resolve("in.mp4"));
    byte[] before = Files.readAllBytes(in);
    Cli swap =
        Cli.run("swap", in.toString(), "-o", in.toString(), "--model", "models/pair96", "-q");
    assertEquals(2, swap.exitCode(), swap.err());
    assertTrue(swap.errorLine().contains("-o is the IN file"), swap.err());
    Path link = Files.createSymbolicLink(dir.resolve("link.mp4"), in);
    Cli viaLink =
        Cli.run("swap", in.toString(), "-o", link.toString(), "--model", "models/pair96", "-q");
    assertEquals(2, viaLink.exitCode(), viaLink.err());
    Cli json = Cli.run("faces", in.toString(), "--json", in.toString(), "-q");
    assertEquals(2, json.exitCode(), json.err());
    assertTrue(json.errorLine().contains("--json is the IN file"), json.err());
    Path x = dir.resolve("x.mp4");
    Cli both = Cli.run("faces", in.toString(), "-o", x.toString(), "--json", x.toString(), "-q");
    assertEquals(2, both.exitCode(), both.err());
    assertTrue(both.errorLine().contains("--json and -o name the same file"), both.err());
    Cli device = Cli.run("faces", in.toString(), "--json", "/dev/null", "-q");
    assertEquals(2, device.exitCode(), device.err());
    assertTrue(device.errorLine().contains("is a device or special file"), device.err());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(in)), "input untouched");
    assertEquals(List.of("in.mp4", "link.mp4"), listing(dir));
  }

  // 5. Batch cells are values: never argument files, never options.

  @Test
  void item05_batchCellsCannotInjectOptions() throws Exception {
    Path args = Files.writeString(dir.resolve("args.txt"), "all\n--no-label\n");
    Path pair = Path.of("models/pair96").toAbsolutePath();
    Path atFile =
        Files.writeString(
            dir.resolve("jobs.csv"),
            "input,output,model,faces\n" + clip + ",out/one.mp4," + pair + ",@" + args + "\n");
    Cli batch = Cli.run("batch", atFile.toString(), "-q");
    assertEquals(2, batch.exitCode(), batch.out() + batch.err());
    assertTrue(batch.err().contains(":2: --faces @" + args), batch.err());
    Path option =
        Files.writeString(
            dir.resolve("jobs2.csv"),
            "input,output,model,faces\n" + clip + ",out/two.mp4," + pair + ",--preview\n");
    Cli preview = Cli.run("batch", option.toString(), "-q");
    assertEquals(2, preview.exitCode(), preview.out() + preview.err());
    assertTrue(
        preview
            .err()
            .contains(":2: Expected parameter for option '--faces' but found " + "'--preview'"),
        preview.err());
    assertTrue(Files.notExists(dir.resolve("out")));
  }

  // 6. The sidecar is written before the video is renamed; a full disk says so.

  /** Mounts a small tmpfs (needs root; skipped with the reason otherwise). */
  private static Path mountTmpfs(Path at, String options) throws Exception {
    Files.createDirectories(at);
    TestMedia.Result r =
        TestMedia.run("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString());
    org.junit.jupiter.api.Assumptions.assumeTrue(
        r.exitCode() == 0, "cannot mount a tmpfs to fill (needs root): " + r.out().strip());
    return at;
  }

  private static void unmount(Path at) throws Exception {
    TestMedia.run("umount", at.toString());
  }

  @Test
  void item06_noInodeForTheSidecarLeavesNoVideo() throws Exception {
    // 3 inodes: the root, the lock and the video's temporary, none for the sidecar's; 2: the
    // root and one file (b3c526f, which takes no lock, left the video there without a sidecar)
    for (int inodes : new int[] {3, 2}) {
      Path full = mountTmpfs(dir.resolve("full"), "size=8m,nr_inodes=" + inodes);
      try {
        Cli swap =
            Cli.run(
                "swap",
                clip.toString(),
                "-o",
                full.resolve("out.mp4").toString(),
                "--model",
                "models/pair96",
                "-q");
        assertEquals(1, swap.exitCode(), inodes + " inodes: " + swap.err());
        assertTrue(swap.errorLine().contains("the disk is full"), swap.err());
        assertEquals(List.of(), listing(full), "no video without its sidecar");
      } finally {
        unmount(full);
      }
    }
  }

  @Test
  void item06_aFullDiskIsReportedAsFull() throws Exception {
    Path full = mountTmpfs(dir.resolve("full"), "size=16k");
    try {
      Cli swap =
          Cli.run(
              "swap",
              clip.toString(),
              "-o",
              full.resolve("out.mp4").toString(),
              "--model",
              "models/pair96",
              "-q");
      assertEquals(1, swap.exitCode(), swap.err());
      assertTrue(swap.errorLine().contains("the disk is full"), swap.err());
      assertEquals(List.of(), listing(full));
    } finally {
      unmount(full);
    }
  }

  // 7. Names from specs and manifests cannot reach outside their root.

  @Test
  void item07_aRealSetCannotEscapeTheDataset() throws Exception {
    assertSpecRefused(
        SPEC.replace("\"seed\": 1,", "\"seed\": 1, \"real_set\": \"../../../../x\","),
        "real_set '../../../../x'");
    assertEquals(List.of("a.mp4", "b.mp4", "spec.json"), listing(dir));
  }

  @Test
  void item07_aSymlinkInsideTheOutputRootDoesNotLeadOut() throws Exception {
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createSymbolicLink(root.resolve("link"), elsewhere);
    Path manifest =
        Files.writeString(
            root.resolve("jobs.csv"),
            "input,output,model\n"
                + clip
                + ",link/out.mp4,"
                + Path.of("models/pair96").toAbsolutePath()
                + "\n");
    Cli batch = Cli.run("batch", manifest.toString(), "-q");
    assertEquals(2, batch.exitCode(), batch.err());
    assertTrue(batch.err().contains("is outside the output root"), batch.err());
    assertEquals(List.of(), listing(elsewhere));
  }

  // 9. A truncated or corrupt input is an error, not a shorter output.

  @Test
  void item09_truncatedAndCorruptInputsFail() throws Exception {
    Path whole =
        TestMedia.writeClip(
            dir.resolve("whole.mkv"), 320, 240, TestMedia.constantRate(50), 25, 25, "ffv1", null);
    byte[] bytes = Files.readAllBytes(whole);
    Path cut =
        Files.write(dir.resolve("cut.mkv"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    // MP4 declares its frame count in the moov box, which stays intact at the end of the file
    Path mp4 =
        TestMedia.writeClip(
            dir.resolve("whole.mp4"), 320, 240, TestMedia.constantRate(50), 25, 25, "h264", null);
    byte[] damaged = Files.readAllBytes(mp4);
    // a run of zeros in the middle of the media data: those frames cannot be decoded at all
    java.util.Arrays.fill(damaged, damaged.length / 4, damaged.length / 2, (byte) 0);
    Path corrupt = Files.write(dir.resolve("corrupt.mp4"), damaged);
    Path out = Files.createDirectories(dir.resolve("out"));
    for (Path bad : List.of(cut, corrupt)) {
      Cli faces =
          Cli.run("faces", bad.toString(), "--json", out.resolve("f.jsonl").toString(), "-q");
      assertEquals(1, faces.exitCode(), faces.err());
      assertTrue(faces.errorLine().contains(bad + ": truncated"), faces.err());
      Cli swap =
          Cli.run(
              "swap",
              bad.toString(),
              "-o",
              out.resolve("s.mp4").toString(),
              "--model",
              "models/pair96",
              "-q");
      assertEquals(1, swap.exitCode(), swap.err());
      assertTrue(swap.errorLine().contains(bad + ": truncated"), swap.err());
      assertEquals(List.of(), listing(out));
    }
    Cli good =
        Cli.run("faces", whole.toString(), "--json", out.resolve("f.jsonl").toString(), "-q");
    assertEquals(0, good.exitCode(), good.err());
  }

  // 10. Sizes are checked before the work: huge YAML specs and frames.

  @Test
  void item10_hugeYamlSpecsAndFramesAreRefusedUpFront() throws Exception {
    Path yaml = dir.resolve("big.yaml");
    Files.writeString(yaml, "name: big\n# " + "x".repeat(3 << 20) + "\n");
    Cli spec = Cli.run("dataset", yaml.toString(), "-o", dir.resolve("ds").toString(), "-q");
    assertEquals(2, spec.exitCode(), spec.err());
    assertTrue(spec.errorLine().contains("is over the limit of 2097152 for YAML"), spec.err());
    Path wide =
        TestMedia.writeClip(
            dir.resolve("wide.mkv"), 8200, 64, TestMedia.constantRate(2), 25, 25, "ffv1", null);
    Cli faces =
        Cli.run("faces", wide.toString(), "--json", dir.resolve("w.jsonl").toString(), "-q");
    assertEquals(1, faces.exitCode(), faces.err());
    assertTrue(
        faces.errorLine().contains("frames of 8200x64 are larger than Doppel handles"),
        faces.err());
  }

  // 11. A killed run's temporaries are removed by the next run on that output.

  @Test
  void item11_staleTemporariesAreRemovedByTheNextRun() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve(".s.mp4.4242424242.part.mp4"), "left by kill -9");
    Files.writeString(out.resolve(".s.mp4.lock"), "");
    Cli swap =
        Cli.run(
            "swap",
            clip.toString(),
            "-o",
            out.resolve("s.mp4").toString(),
            "--model",
            "models/pair96",
            "-q");
    assertEquals(0, swap.exitCode(), swap.err());
    assertEquals(List.of("s.mp4", "s.mp4.doppel.json"), listing(out));
  }

  // 12. One run per output: the second fails at once.

  @Test
  @SuppressWarnings("try") // the locks are held, not called
  void item12_aSecondRunOnTheSameOutputFailsFast() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path manifest =
        Files.writeString(
            root.resolve("jobs.csv"),
            "input,output,model\n"
                + clip
                + ",out.mp4,"
                + Path.of("models/pair96").toAbsolutePath()
                + "\n");
    // another run's lock, held as Doppel holds it: an OS lock on the hidden lock file
    try (FileChannel held =
            FileChannel.open(
                root.resolve(".doppel-batch.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = held.lock()) {
      Cli batch = Cli.run("batch", manifest.toString(), "-q");
      assertEquals(2, batch.exitCode(), batch.err());
      assertTrue(batch.errorLine().contains("another Doppel run is writing it"), batch.err());
    }
    Files.delete(root.resolve(".doppel-batch.lock"));
    try (FileChannel held =
            FileChannel.open(
                root.resolve(".out.mp4.lock"),
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = held.lock()) {
      Cli swap =
          Cli.run(
              "swap",
              clip.toString(),
              "-o",
              root.resolve("out.mp4").toString(),
              "--model",
              "models/pair96",
              "-q");
      assertEquals(2, swap.exitCode(), swap.err());
      assertTrue(swap.errorLine().contains("another Doppel run is writing it"), swap.err());
    }
    Files.delete(root.resolve(".out.mp4.lock"));
    assertEquals(List.of("jobs.csv"), listing(root));
  }

  // 13. Specs are bound strictly: typos, wrong types and contradictions are errors.

  @Test
  void item13_specsAreCheckedStrictly() throws Exception {
    assertSpecRefused(SPEC.replace("\"seed\": 1", "\"seeed\": 1"), "unknown key 'seeed'");
    assertSpecRefused(
        SPEC.replace("\"seed\": 1", "\"seed\": \"seven\""),
        "seed: Cannot coerce String value (\"seven\")");
    assertSpecRefused(
        SPEC.replace("\"faces\": \"largest\"", "\"face\": \"largest\""),
        "unknown key 'face' at methods[0]");
    assertSpecRefused(
        SPEC.replace("\"astronaut\": [\"b.mp4\"]", "\"astronaut\": []"),
        "identity 'astronaut' has no clips");
    assertSpecRefused(
        SPEC.replace("\"astronaut\": [\"b.mp4\"]", "\"astronaut\": [\"a.mp4\"]"),
        "is listed under both 'hopper' and 'astronaut'");
  }

  @Test
  void item13_verifyCatchesOneVideoUnderTwoIdentities() throws Exception {
    Path specFile =
        spec(
            SPEC.replace(
                "\"astronaut\": [\"b.mp4\"]",
                "\"astronaut\": [\"b.mp4\"], \"hopper-too\": [\"a-copy.mp4\"]"));
    Files.copy(dir.resolve("a.mp4"), dir.resolve("a-copy.mp4"));
    Cli build = Cli.run("dataset", specFile.toString(), "-o", dir.resolve("ds").toString(), "-q");
    assertEquals(0, build.exitCode(), build.err());
    Cli verify = Cli.run("dataset", "verify", dir.resolve("ds").toString());
    assertEquals(1, verify.exitCode(), verify.out() + verify.err());
    assertTrue(
        (verify.out() + verify.err()).contains("are the same source video"),
        verify.out() + verify.err());
  }

  // 14. Usage errors are usage errors; long names, FIFOs, devices; a labelled preview.

  @Test
  void item14_badOptionValuesAreUsageErrors() throws Exception {
    String out = dir.resolve("o.mp4").toString();
    List<List<String>> cases =
        List.of(
            List.of(
                "swap", clip.toString(), "-o", out, "--model", "models/pair96", "--erode", "NaN"),
            List.of(
                "swap", clip.toString(), "-o", out, "--model", "models/pair96", "--feather", "NaN"),
            List.of(
                "swap",
                clip.toString(),
                "-o",
                dir.resolve("p.png").toString(),
                "--model",
                "models/pair96",
                "--preview",
                "-1"),
            List.of("bench", clip.toString(), "--frames", "-5"),
            List.of("bench", clip.toString(), "--threads", "0"),
            List.of(
                "swap",
                clip.toString(),
                "-o",
                out,
                "--model",
                "models/pair96",
                "--bitrate",
                "1e30"),
            List.of(
                "swap",
                clip.toString(),
                "-o",
                dir.resolve("o.webm").toString(),
                "--model",
                "models/pair96",
                "--codec",
                "h264"));
    for (List<String> args : cases) {
      Cli c = Cli.run(args.toArray(String[]::new));
      assertEquals(2, c.exitCode(), args + ": " + c.err());
      c.errorLine();
    }
    assertEquals(List.of(), listing(dir));
  }

  @Test
  void item14_aLegalLongNameIsWritable() throws Exception {
    Path out = dir.resolve("x".repeat(246) + ".mp4"); // 250 bytes
    Cli swap =
        Cli.run(
            "swap",
            clip.toString(),
            "-o",
            out.toString(),
            "--model",
            "models/pair96",
            "-q",
            "--no-label");
    assertEquals(0, swap.exitCode(), swap.err());
    assertTrue(Files.isRegularFile(out));
  }

  @Test
  void item14_fifosAndDevicesAreNotVideoFiles() throws Exception {
    Path fifo = dir.resolve("pipe.mp4");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        TestMedia.run("mkfifo", fifo.toString()).exitCode() == 0, "mkfifo is not available");
    for (String in : List.of(fifo.toString(), "/dev/zero")) {
      Cli faces = Cli.run("faces", in, "--json", dir.resolve("f.jsonl").toString(), "-q");
      assertEquals(2, faces.exitCode(), faces.err());
      assertTrue(faces.errorLine().contains(in + ": not a regular file"), faces.err());
    }
  }

  @Test
  void item14_thePreviewIsLabelled() throws Exception {
    Path png = dir.resolve("preview.png");
    Cli swap =
        Cli.run(
            "swap",
            clip.toString(),
            "-o",
            png.toString(),
            "--model",
            "models/pair96",
            "--preview",
            "3",
            "-q");
    assertEquals(0, swap.exitCode(), swap.err());
    String text = new String(Files.readAllBytes(png), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(text.contains("tEXtdoppel_synthetic\0true"), "PNG text chunk");
    assertTrue(text.contains("compositeWithTrainedAlgorithmicMedia"));
    String sidecar = Files.readString(dir.resolve("preview.png.doppel.json"));
    assertTrue(sidecar.contains("\"preview_frame\" : 3"), sidecar);
    assertTrue(sidecar.contains(dev.doppel.output.Provenance.sha256(png)), "hash of the PNG");
  }

  // 15. Odd sizes through 4:2:0 codecs are padded, and the user is told.

  @Test
  void item15_oddSizesAreReportedWhenPadded() throws Exception {
    Path odd =
        TestMedia.writeClip(
            dir.resolve("odd.mkv"), 641, 361, TestMedia.constantRate(4), 25, 25, "ffv1", null);
    Path out = dir.resolve("odd.mp4");
    Cli swap =
        Cli.run(
            "swap",
            odd.toString(),
            "-o",
            out.toString(),
            "--model",
            "models/pair96",
            "--faces",
            "none",
            "-q");
    assertEquals(0, swap.exitCode(), swap.err());
    assertTrue(
        swap.err().contains("note: " + out + ": stored as 642x362, not 641x361"), swap.err());
    Cli exact =
        Cli.run(
            "swap",
            odd.toString(),
            "-o",
            dir.resolve("odd2.mkv").toString(),
            "--model",
            "models/pair96",
            "--faces",
            "none",
            "--codec",
            "ffv1",
            "-q");
    assertEquals(0, exact.exitCode(), exact.err());
    assertEquals("", exact.err());
  }
}
