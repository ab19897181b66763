package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.testing.TestCertificates;
import dev.doppel.testing.TestMedia;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code doppel inspect} on unmarked, marked, re-encoded, stripped and changed files. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InspectCommandTest {
  @TempDir static Path dir;
  Path swapped;

  @BeforeAll
  void swapAClip() throws Exception {
    // the whole sample (125 frames): a re-encoded copy keeps its watermark over the whole clip
    Path clip = Files.copy(TestMedia.sample("astronaut.mp4"), dir.resolve("in.mp4"));
    swapped = dir.resolve("swapped.mp4");
    Cli r =
        Cli.run(
            "swap",
            clip.toString(),
            "-o",
            swapped.toString(),
            "--model",
            Path.of("models/pair96").toString(),
            "-q");
    assertEquals(0, r.exitCode(), r.err());
  }

  private static JsonNode inspect(Path... files) throws Exception {
    String[] args = new String[files.length + 2];
    args[0] = "inspect";
    args[1] = "--json";
    for (int i = 0; i < files.length; i++) args[i + 2] = files[i].toString();
    Cli r = Cli.run(args);
    assertEquals(0, r.exitCode(), r.err());
    return Json.MAPPER.readTree(r.out());
  }

  @Test
  void aSwappedVideoShowsItsTagsAndAMatchingSidecar() throws Exception {
    JsonNode r = inspect(swapped).get(0);
    assertTrue(r.get("synthetic").asBoolean(), r.toString());
    assertTrue(r.get("verdict").asText().startsWith("labelled synthetic by Doppel"), r.toString());
    assertEquals("true", r.get("container_tags").get("doppel_synthetic").asText());
    assertEquals("face-swap", r.get("container_tags").get("doppel_kind").asText());
    assertTrue(r.get("sidecar").get("output_sha256_matches").asBoolean());
    JsonNode c2pa = r.get("c2pa");
    assertTrue(c2pa.get("valid").asBoolean(), c2pa.toString());
    assertEquals("development certificate (untrusted)", c2pa.get("trust").asText());
    assertEquals(
        "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia",
        c2pa.get("digital_source_type").asText());
    assertEquals("[\"c2pa.opened\",\"c2pa.edited\"]", c2pa.get("actions").toString());
    assertTrue(r.get("labels").toString().contains("C2PA manifest (valid)"), r.toString());
    JsonNode mark = r.get("watermark");
    assertTrue(mark.get("found").asBoolean(), mark.toString());
    assertEquals(recordedPayload(swapped), mark.get("payload").asText(), mark.toString());
    assertEquals(mark.get("payload").asText(), mark.get("recorded").asText());
    assertTrue(r.get("labels").toString().contains("watermark (44"), r.toString());
    Cli table = Cli.run("inspect", swapped.toString());
    assertTrue(table.out().contains("the file's SHA-256 matches"), table.out());
    assertTrue(table.out().contains("the sidecar records the same payload"), table.out());
  }

  /** The watermark payload the output's sidecar records. */
  private static String recordedPayload(Path output) throws Exception {
    JsonNode sidecar =
        Json.MAPPER.readTree(dev.doppel.output.Provenance.sidecarFor(output).toFile());
    String payload = sidecar.path("settings").path("watermark").path("payload").asText();
    assertTrue(payload.matches("44[0-9a-f]{6}"), sidecar.toString());
    return payload;
  }

  @Test
  void realFacesAndAnUnlabelledSwapCarryNoWatermark() throws Exception {
    Path real = TestMedia.trim(TestMedia.sample("hopper.mp4"), dir.resolve("real.mp4"), 10);
    Path unlabelled = dir.resolve("unlabelled.mp4");
    Cli s =
        Cli.run(
            "swap",
            dir.resolve("in.mp4").toString(),
            "-o",
            unlabelled.toString(),
            "--model",
            "models/pair96",
            "--no-label",
            "-q");
    assertEquals(0, s.exitCode(), s.err());
    for (JsonNode r : inspect(real, unlabelled)) {
      JsonNode mark = r.get("watermark");
      assertFalse(mark.get("found").asBoolean(), r.toString());
      assertTrue(mark.get("frames_read").asInt() >= 10, r.toString());
      assertEquals(0, mark.get("frames_marked").asInt(), r.toString());
      assertEquals("no provenance found", r.get("verdict").asText(), r.toString());
    }
  }

  @Test
  void anUnmarkedClipHasNoProvenance() throws Exception {
    Path plain = dir.resolve("plain.mp4");
    TestMedia.ffmpeg(
        "-f", "lavfi", "-i", "testsrc2=s=160x120:r=25:d=1", "-c:v", "libx264", plain.toString());
    JsonNode r = inspect(plain).get(0);
    assertEquals("no provenance found", r.get("verdict").asText());
    assertFalse(r.get("watermark").get("found").asBoolean(), r.toString());
    assertFalse(r.get("synthetic").asBoolean());
    assertTrue(r.get("sidecar").isNull());
  }

  @Test
  void reEncodingKeepsOnlyTheCommentAndStrippingTheMetadataLeavesNothing() throws Exception {
    // what a re-upload does: a new file (no sidecar beside it); FFmpeg keeps the global comment
    Path again = dir.resolve("again.mp4");
    TestMedia.ffmpeg("-i", swapped.toString(), "-c:v", "libx264", again.toString());
    JsonNode r = inspect(again).get(0);
    assertTrue(r.get("sidecar").isNull());
    assertFalse(r.get("container_tags").has("doppel_synthetic"), "custom keys are dropped");
    assertTrue(r.get("synthetic").asBoolean(), "the comment survives: " + r);
    assertFalse(r.get("c2pa").get("present").asBoolean(), "FFmpeg drops the C2PA box: " + r);
    String payload = recordedPayload(swapped);
    assertEquals(payload, r.get("watermark").get("payload").asText(), "the pixels keep it: " + r);
    assertFalse(r.get("watermark").hasNonNull("recorded"), "no sidecar beside it: " + r);
    Path stripped = dir.resolve("stripped.mp4");
    TestMedia.ffmpeg(
        "-i", swapped.toString(), "-map_metadata", "-1", "-c:v", "libx264", stripped.toString());
    assertEquals(
        "labelled synthetic by Doppel: watermark (" + payload + ")",
        inspect(stripped).get(0).get("verdict").asText(),
        "only the watermark survives");
  }

  @Test
  void aChangedFileNoLongerMatchesItsSidecar() throws Exception {
    Path copy = dir.resolve("changed.mp4");
    Files.copy(swapped, copy);
    Files.copy(
        dev.doppel.output.Provenance.sidecarFor(swapped),
        dev.doppel.output.Provenance.sidecarFor(copy));
    Files.write(copy, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    JsonNode r = inspect(copy).get(0);
    assertFalse(r.get("sidecar").get("output_sha256_matches").asBoolean());
    assertTrue(r.get("verdict").asText().contains("changed after Doppel wrote it"), r.toString());
    assertTrue(r.get("c2pa").get("present").asBoolean(), r.toString());
    assertFalse(r.get("c2pa").get("valid").asBoolean(), r.toString());
  }

  @Test
  void oneChangedByteOfTheVideoStreamBreaksTheC2paBinding() throws Exception {
    Path copy = dir.resolve("flipped.mp4");
    byte[] bytes = Files.readAllBytes(swapped);
    int mdat = TestMedia.indexOf(bytes, "mdat".getBytes(StandardCharsets.US_ASCII));
    int size = ByteBuffer.wrap(bytes, mdat - 4, 4).getInt();
    bytes[mdat + size / 2] ^= 1;
    Files.write(copy, bytes);
    JsonNode c2pa = inspect(copy).get(0).get("c2pa");
    assertTrue(c2pa.get("signature_valid").asBoolean(), c2pa.toString());
    assertTrue(c2pa.get("assertions_valid").asBoolean(), c2pa.toString());
    assertFalse(c2pa.get("binding_valid").asBoolean(), c2pa.toString());
    assertTrue(
        c2pa.get("note").asText().contains("c2pa.hash.bmff.v3 does not match"), c2pa.toString());
  }

  @Test
  void anImageShowsItsXmpAndItsC2paAndADamagedStoreIsInvalid() throws Exception {
    Path photo = dir.resolve("swapped.png");
    Cli s =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.png").toString(),
            "-o",
            photo.toString(),
            "--model",
            "models/pair96",
            "-q");
    assertEquals(0, s.exitCode(), s.err());
    JsonNode r = inspect(photo).get(0);
    assertEquals("image", r.get("kind").asText());
    assertEquals("true", r.get("xmp").get("doppel:synthetic").asText(), r.toString());
    assertTrue(r.get("labels").toString().contains("XMP"), r.toString());
    assertTrue(r.get("c2pa").get("valid").asBoolean(), r.toString());
    assertEquals(
        recordedPayload(photo), r.get("watermark").get("payload").asText(), "one frame decodes");

    // a PNG whose caBX chunk holds a JUMBF superbox labelled "c2pa" with no manifest in it
    byte[] png = Files.readAllBytes(TestMedia.sample("astronaut.png"));
    ByteArrayOutputStream jumbf = new ByteArrayOutputStream();
    byte[] label = "c2pa\0".getBytes(StandardCharsets.US_ASCII);
    int jumdSize = 8 + 16 + 1 + label.length;
    jumbf.write(
        ByteBuffer.allocate(8)
            .putInt(8 + jumdSize)
            .put("jumb".getBytes(StandardCharsets.US_ASCII))
            .array());
    jumbf.write(
        ByteBuffer.allocate(8)
            .putInt(jumdSize)
            .put("jumd".getBytes(StandardCharsets.US_ASCII))
            .array());
    jumbf.write(new byte[16]); // content type UUID
    jumbf.write(0x03); // toggles: requestable, label present
    jumbf.write(label);
    Path c2pa = dir.resolve("credentials.png");
    Files.write(c2pa, withChunk(png, "caBX", jumbf.toByteArray()));
    JsonNode c = inspect(c2pa).get(0);
    assertTrue(c.get("c2pa").get("present").asBoolean(), c.toString());
    assertFalse(c.get("c2pa").get("valid").asBoolean());
    assertTrue(c.get("c2pa").get("note").asText().contains("no manifest"), c.toString());
    assertFalse(
        inspect(TestMedia.sample("astronaut.png")).get(0).get("c2pa").get("present").asBoolean());
  }

  @Test
  void anOutputSignedWithTheUsersChainIsTrustedWithItsRootAndABadKeyIsOneLine() throws Exception {
    TestCertificates.Chain c = TestCertificates.newsroom(dir);
    Path signed = dir.resolve("signed.png");
    Cli s =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.png").toString(),
            "-o",
            signed.toString(),
            "--model",
            "models/pair96",
            "--sign-key",
            c.key().toString(),
            "--sign-cert",
            c.chain().toString(),
            "-q");
    assertEquals(0, s.exitCode(), s.err());
    Cli r = Cli.run("inspect", "--json", "--trust", c.rootFile().toString(), signed.toString());
    assertEquals(0, r.exitCode(), r.err());
    JsonNode c2pa = Json.MAPPER.readTree(r.out()).get(0).get("c2pa");
    assertTrue(c2pa.get("valid").asBoolean(), c2pa.toString());
    assertEquals("trusted (O=Test,CN=Test newsroom root)", c2pa.get("trust").asText());
    assertEquals("O=Test,CN=Test newsroom signer", c2pa.get("signer").asText());
    JsonNode untrusted = inspect(signed).get(0).get("c2pa");
    assertTrue(untrusted.get("trust").asText().startsWith("untrusted"), untrusted.toString());
    String sidecar = Files.readString(dev.doppel.output.Provenance.sidecarFor(signed));
    assertTrue(sidecar.contains("Test newsroom signer"), sidecar);

    Cli bad =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.png").toString(),
            "-o",
            dir.resolve("never.png").toString(),
            "--model",
            "models/pair96",
            "--sign-key",
            c.chain().toString(),
            "--sign-cert",
            c.chain().toString(),
            "-q");
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.errorLine().contains("signer-chain.pem: no unencrypted private key"), bad.err());
    assertFalse(Files.exists(dir.resolve("never.png")));
  }

  @Test
  void aMissingFileIsOneLineAndTheOthersAreStillReported() throws Exception {
    Cli r = Cli.run("inspect", dir.resolve("nope.mp4").toString(), swapped.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.errorLine().contains("nope.mp4: no such file"), r.err());
    assertTrue(r.out().contains("swapped.mp4 (video)"), r.out());
    Path text = Files.writeString(dir.resolve("notes.mp4"), "not a video");
    Cli bad = Cli.run("inspect", text.toString());
    assertEquals(1, bad.exitCode());
    assertTrue(bad.errorLine().contains("notes.mp4: not a media file"), bad.err());
  }

  @Test
  void aCutOffVideoIsOneLineInAFreshProcess() throws Exception {
    // a fresh JVM: FFmpeg's own log goes to the native stderr, which Cli.run does not see
    byte[] head = Arrays.copyOf(Files.readAllBytes(swapped), 5000);
    Path cut = Files.write(dir.resolve("cut.mp4"), head);
    Path log = dir.resolve("cut.log");
    Process p = ChildDoppel.start(dir, log, Map.of(), List.of("inspect", cut.toString()));
    assertEquals(1, p.waitFor());
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(
        lines.get(0).startsWith("doppel: cannot read: " + cut + ": truncated: "), lines.get(0));
  }

  /** A PNG with one more chunk inserted after IHDR (whose chunk ends at byte 33). */
  private static byte[] withChunk(byte[] png, String type, byte[] data) {
    ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
    chunk.putInt(data.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(data);
    CRC32 crc = new CRC32();
    crc.update(chunk.array(), 4, 4 + data.length);
    chunk.putInt((int) crc.getValue());
    ByteBuffer out = ByteBuffer.allocate(png.length + chunk.capacity());
    out.put(png, 0, 33).put(chunk.array()).put(png, 33, png.length - 33);
    return out.array();
  }
}
