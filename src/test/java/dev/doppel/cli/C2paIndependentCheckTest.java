package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Content Credentials of {@code doppel swap}'s MP4, MOV, PNG and JPEG outputs, checked by an
 * implementation independent of Doppel's: the npm package {@code @trustnxt/c2pa-ts} under Node
 * (src/test/node, installed by .ci/run with {@code npm install}). Skipped with the reason when Node
 * or the package is missing, unless $DOPPEL_REQUIRE_C2PA_CHECK is set (as .ci/run does).
 */
@Tag("slow")
class C2paIndependentCheckTest {
  @TempDir Path dir;

  private static final Path CHECKER = Path.of("src/test/node/c2pa_check.mjs");
  private static final String SOURCE_TYPE =
      "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";

  @Test
  void swapOutputsVerifyAndOneChangedByteOfTheMediaFails() throws Exception {
    requireChecker();
    Path clip = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 12, true);
    Path mp4 = swap(clip, "out.mp4");
    Path mov = swap(clip, "out.mov");
    Path png = swap(TestMedia.sample("astronaut.png"), "out.png");
    Path jpg = swap(TestMedia.sample("astronaut.png"), "out.jpg");

    Path mp4Changed = flipByteAfter(mp4, "mdat", "changed.mp4");
    Path pngChanged = flipByteAfter(png, "IDAT", "changed.png");
    Path jpgChanged = flipByteAfter(jpg, "\u00ff\u00da", "changed.jpg"); // start of scan

    Map<String, JsonNode> r = check(mp4, mov, png, jpg, mp4Changed, pngChanged, jpgChanged);
    for (Path ok : List.of(mp4, mov, png, jpg)) {
      JsonNode j = r.get(ok.toString());
      assertTrue(j.get("found").asBoolean(), j.toString());
      assertTrue(j.get("valid").asBoolean(), j.toString());
      assertTrue(j.get("codes").toString().contains("claimSignature.validated"), j.toString());
      assertEquals(SOURCE_TYPE, j.get("sourceType").asText(), j.toString());
      assertEquals("[\"c2pa.opened\",\"c2pa.edited\"]", j.get("actions").toString());
    }
    assertTrue(r.get(mp4.toString()).get("codes").toString().contains("assertion.bmffHash.match"));
    assertTrue(r.get(png.toString()).get("codes").toString().contains("assertion.dataHash.match"));

    assertEquals("[\"assertion.bmffHash.mismatch\"]", errors(r, mp4Changed));
    assertEquals("[\"assertion.dataHash.mismatch\"]", errors(r, pngChanged));
    assertEquals("[\"assertion.dataHash.mismatch\"]", errors(r, jpgChanged));
  }

  @Test
  void aReEncodedCopyHasNoManifestLeft() throws Exception {
    requireChecker();
    Path clip = TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"), 8);
    Path mp4 = swap(clip, "out.mp4");
    Path again = dir.resolve("again.mp4");
    TestMedia.ffmpeg("-i", mp4.toString(), "-c:v", "libx264", again.toString());
    JsonNode j = check(again).get(again.toString());
    assertFalse(j.get("found").asBoolean(), j.toString());
  }

  private static String errors(Map<String, JsonNode> r, Path file) {
    JsonNode j = r.get(file.toString());
    assertTrue(j.get("found").asBoolean(), j.toString());
    assertFalse(j.get("valid").asBoolean(), j.toString());
    return j.get("errors").toString();
  }

  private Path swap(Path input, String name) {
    Path out = dir.resolve(name);
    Cli r =
        Cli.run("swap", input.toString(), "-o", out.toString(), "--model", "models/pair96", "-q");
    assertEquals(0, r.exitCode(), r.err());
    return out;
  }

  /** A copy with one bit changed 200 bytes after the first {@code marker}. */
  private Path flipByteAfter(Path file, String marker, String name) throws Exception {
    byte[] b = Files.readAllBytes(file);
    int at = TestMedia.indexOf(b, marker.getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(at > 0, marker + " in " + file);
    b[at + 200] ^= 1;
    return Files.write(dir.resolve(name), b);
  }

  private static Map<String, JsonNode> check(Path... files) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("node", CHECKER.getFileName().toString()));
    for (Path f : files) cmd.add(f.toAbsolutePath().toString());
    TestMedia.Result r = TestMedia.runIn(CHECKER.getParent(), cmd.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.out());
    Map<String, JsonNode> out = new HashMap<>();
    for (String line : r.out().lines().toList()) {
      if (!line.startsWith("{")) continue;
      JsonNode j = Json.MAPPER.readTree(line);
      String key = Path.of(j.get("file").asText()).toString();
      for (Path f : files) if (f.toAbsolutePath().toString().equals(key)) out.put(f.toString(), j);
    }
    assertEquals(files.length, out.size(), r.out());
    return out;
  }

  private static void requireChecker() throws Exception {
    String why = null;
    if (!Files.isDirectory(CHECKER.getParent().resolve("node_modules/@trustnxt/c2pa-ts"))) {
      why = "npm install --prefix src/test/node --ignore-scripts has not been run (.ci/run does)";
    } else {
      try {
        if (TestMedia.run("node", "--version").exitCode() != 0) why = "node does not run";
      } catch (java.io.IOException e) {
        why = "no node on PATH";
      }
    }
    if (why == null) return;
    if (System.getenv("DOPPEL_REQUIRE_C2PA_CHECK") != null) {
      throw new AssertionError("the independent C2PA check cannot run: " + why);
    }
    Assumptions.abort("independent C2PA check skipped: " + why);
  }
}
