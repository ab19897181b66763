package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets one line naming the file and the problem, the documented exit code,
 * and nothing at the output path.
 */
class BadInputTest {
  @TempDir Path dir;

  private void assertRefused(Path input, int exitCode, String problem) throws Exception {
    Path out = dir.resolve("out").resolve("annotated.mp4");
    Files.createDirectories(out.getParent());
    Path json = out.resolveSibling("faces.jsonl");
    Cli faces = Cli.run("faces", input.toString(), "-o", out.toString(), "--json", json.toString());
    assertEquals(exitCode, faces.exitCode(), faces.err());
    String line = faces.errorLine();
    assertTrue(line.contains(input.toString()), "names the file: " + line);
    assertTrue(line.contains(problem), "says '" + problem + "': " + line);
    assertEquals(List.of(), listing(out.getParent()), "nothing left at the output");

    Path set = dir.resolve("out").resolve("faceset");
    Cli extract = Cli.run("extract", input.toString(), "-o", set.toString());
    assertEquals(exitCode, extract.exitCode(), extract.err());
    assertTrue(extract.errorLine().contains(input.toString()));
    assertEquals(List.of(), listing(out.getParent()), "no face set left behind");
  }

  private static List<String> listing(Path folder) throws Exception {
    try (var files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void missingFile() throws Exception {
    assertRefused(dir.resolve("missing.mp4"), 2, "no such file");
  }

  @Test
  void emptyFile() throws Exception {
    assertRefused(Files.createFile(dir.resolve("empty.mp4")), 1, "the file is empty");
  }

  @Test
  void textFileNamedMp4() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.mp4"), "these are not video frames\n");
    assertRefused(text, 1, "not a readable media file");
  }

  @Test
  void truncatedMp4() throws Exception {
    byte[] whole = Files.readAllBytes(TestMedia.sample("hopper.mp4"));
    Path cut = Files.write(dir.resolve("cut.mp4"), Arrays.copyOf(whole, whole.length / 2));
    assertRefused(cut, 1, "truncated: the 'mdat' box at byte ");
  }

  @Test
  void audioOnlyFile() throws Exception {
    Path wav = TestMedia.writeWav(dir.resolve("speech.wav"), 0.5, 16000, 300);
    assertRefused(wav, 1, "has no video stream");
  }

  @Test
  void unwritableOutputFolder() {
    // /proc refuses new files even to root, unlike a chmod-ed folder
    Path out = Path.of("/proc/doppel-annotated.mp4");
    Cli faces = Cli.run("faces", TestMedia.sample("duo.mp4").toString(), "-o", out.toString());
    assertEquals(2, faces.exitCode(), faces.err());
    assertTrue(faces.errorLine().contains("/proc"), faces.err());
    assertTrue(faces.errorLine().contains("not writable"), faces.err());
    Path missingFolder = dir.resolve("no/such/folder/out.mp4");
    Cli f2 =
        Cli.run("faces", TestMedia.sample("duo.mp4").toString(), "-o", missingFolder.toString());
    assertEquals(2, f2.exitCode());
    assertTrue(f2.errorLine().contains("does not exist"), f2.err());
  }

  @Test
  void videoWithoutFacesIsFineForFacesButNotForExtract() throws Exception {
    Path clip =
        TestMedia.writeClip(
            dir.resolve("noface.mp4"), 320, 240, TestMedia.constantRate(12), 25, 25, null, null);
    Path json = dir.resolve("noface.jsonl");
    Cli faces = Cli.run("faces", clip.toString(), "--json", json.toString());
    assertEquals(0, faces.exitCode(), faces.err());
    List<String> lines = Files.readAllLines(json);
    assertEquals(12, lines.size());
    assertTrue(lines.stream().allMatch(l -> l.contains("\"faces\":[]")), lines.get(0));

    Path set = dir.resolve("set");
    Cli extract = Cli.run("extract", clip.toString(), "-o", set.toString());
    assertEquals(1, extract.exitCode());
    assertTrue(extract.errorLine().contains("found no face in " + clip), extract.err());
    assertTrue(Files.notExists(set));
  }

  @Test
  void badOptionsAreUsageErrors() {
    Cli c = Cli.run("faces", TestMedia.sample("duo.mp4").toString(), "--detect-every", "0");
    assertEquals(2, c.exitCode());
    assertTrue(c.errorLine().contains("--detect-every"));
    Cli unknown = Cli.run("faces", "--frobnicate");
    assertEquals(2, unknown.exitCode());
    Cli codec =
        Cli.run(
            "faces",
            TestMedia.sample("duo.mp4").toString(),
            "-o",
            dir.resolve("x.mp4").toString(),
            "--codec",
            "h266");
    assertEquals(2, codec.exitCode());
    assertTrue(codec.errorLine().contains("h266"));
    Cli ext =
        Cli.run(
            "faces", TestMedia.sample("duo.mp4").toString(), "-o", dir.resolve("x.gif").toString());
    assertEquals(2, ext.exitCode());
    assertTrue(ext.errorLine().contains("x.gif"));
  }
}
