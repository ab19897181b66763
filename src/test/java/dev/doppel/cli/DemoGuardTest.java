package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.testing.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped demo knows two faces. Its graphs predate the held-out figures; models/manifest.json
 * carries them, so the default swap of anyone else (here Hopper through the a2b graph, whose source
 * is the astronaut) leaves the face alone and says why.
 */
@Tag("slow")
class DemoGuardTest {
  @TempDir Path dir;

  @Test
  void theDemoSwapsOnlyItsSourceIdentityUnlessToldOtherwise() throws Exception {
    Path hopper = TestMedia.trim(TestMedia.sample("hopper.mp4"), dir.resolve("hopper.mp4"), 8);
    Path astronaut =
        TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("astronaut.mp4"), 8);

    Cli stranger = swap(hopper, "models/pair96", "stranger.mp4");
    assertEquals(0, stranger.exitCode(), stranger.err());
    assertTrue(stranger.out().contains("8 frames, 0 faces swapped"), stranger.out());
    assertTrue(
        stranger.errorLine().contains("track 1 (from frame 0) is not astronaut"), stranger.err());
    JsonNode guard = guardOf(dir.resolve("stranger.mp4"));
    assertEquals(31.17, guard.path("heldout_psnr_db").asDouble(), 1e-9, guard.toString());
    double psnr = guard.path("psnr_per_track").path("1").asDouble();
    assertTrue(psnr < 31.17 - 6, "Hopper reconstructs as the astronaut at " + psnr + " dB");

    Cli own = swap(astronaut, "models/pair96", "own.mp4");
    assertEquals(0, own.exitCode(), own.err());
    assertTrue(own.out().contains("8 frames, 8 faces swapped"), own.out());
    assertEquals("", own.err().strip());
    double ownPsnr = guardOf(dir.resolve("own.mp4")).path("psnr_per_track").path("1").asDouble();
    assertTrue(ownPsnr >= 31.17 - 6, "the astronaut reconstructs at " + ownPsnr + " dB");

    Cli forced = swap(hopper, "models/pair96", "forced.mp4", "--faces", "all");
    assertEquals(0, forced.exitCode(), forced.err());
    assertTrue(forced.out().contains("8 frames, 8 faces swapped"), forced.out());
  }

  @Test
  void aManifestVouchesOnlyForTheExactFileAndAGuardThatIsOffSaysSo() throws Exception {
    Path hopper = TestMedia.trim(TestMedia.sample("hopper.mp4"), dir.resolve("hopper.mp4"), 4);
    Path models = Files.createDirectories(dir.resolve("models"));
    for (String f : List.of("pair96-astronaut2hopper.onnx", "pair96-hopper2astronaut.onnx")) {
      Files.copy(Path.of("models", f), models.resolve(f));
    }
    // the shipped manifest with one digit of the judging graph's SHA-256 changed
    ObjectNode manifest =
        (ObjectNode) new ObjectMapper().readTree(Path.of("models/manifest.json").toFile());
    for (JsonNode e : manifest.path("files")) {
      if (e.path("file").asText().equals("pair96-hopper2astronaut.onnx")) {
        String sha = e.path("sha256").asText();
        ((ObjectNode) e).put("sha256", (sha.charAt(0) == '0' ? "1" : "0") + sha.substring(1));
      }
    }
    Files.writeString(models.resolve("manifest.json"), manifest.toPrettyString());

    Cli unguarded = swap(hopper, models.resolve("pair96").toString(), "unguarded.mp4");
    assertEquals(0, unguarded.exitCode(), unguarded.err());
    assertTrue(unguarded.out().contains("4 frames, 4 faces swapped"), unguarded.out());
    assertTrue(
        unguarded
            .errorLine()
            .contains(
                "pair96-astronaut2hopper.onnx carries no held-out figure, so the identity guard"
                    + " is off"),
        unguarded.err());
  }

  private Cli swap(Path in, String model, String out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("swap", in.toString(), "-o", dir.resolve(out).toString(), "--model", model));
    args.addAll(List.of(more));
    args.add("-q");
    return Cli.run(args.toArray(String[]::new));
  }

  private static JsonNode guardOf(Path output) throws Exception {
    JsonNode sidecar =
        new ObjectMapper()
            .readTree(output.resolveSibling(output.getFileName() + ".doppel.json").toFile());
    return sidecar.path("settings").path("identity_guard");
  }
}
