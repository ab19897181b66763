package dev.doppel.provenance.c2pa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.doppel.testing.TestCertificates;
import dev.doppel.testing.TestMedia;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content Credentials written into real files and read back by Doppel's own checker. */
class ContentCredentialsTest {
  @TempDir Path dir;

  private static final CredentialFacts FACTS =
      new CredentialFacts(
          "out", "face-swap", true, "in.mp4", "ab".repeat(32), "m.onnx", "cd".repeat(32), null);

  @Test
  void aUsersChainIsTrustedOnlyWithItsRootAndOneChangedPixelBreaksTheBinding() throws Exception {
    TestCertificates.Chain c = TestCertificates.newsroom(dir);
    Path key = c.key();
    Path chain = c.chain();
    X509Certificate ca = c.root();
    SigningIdentity identity = SigningIdentity.load(key, chain);
    assertEquals(2, identity.chain().size());

    Path png = dir.resolve("out.png");
    Files.copy(TestMedia.sample("astronaut.png"), png);
    new PngContainer().embed(png, new ManifestStoreWriter(FACTS, identity, new byte[16]));

    Verification trusted = ContentCredentials.verify(png, List.of(ca));
    assertTrue(trusted.valid(), trusted.toString());
    assertEquals("trusted (O=Test,CN=Test newsroom root)", trusted.trust());
    assertEquals(List.of("c2pa.opened", "c2pa.edited"), trusted.actions());
    assertEquals(ManifestStoreWriter.DIGITAL_SOURCE_TYPE, trusted.digitalSourceType());
    assertEquals("O=Test,CN=Test newsroom signer", trusted.signer());
    Verification alone = ContentCredentials.verify(png, List.of());
    assertTrue(alone.valid());
    assertTrue(alone.trust().startsWith("untrusted: no trust anchor"), alone.trust());

    byte[] bytes = Files.readAllBytes(png);
    int idat = TestMedia.indexOf(bytes, "IDAT".getBytes(StandardCharsets.US_ASCII));
    bytes[idat + 100] ^= 1;
    Path changed = Files.write(dir.resolve("changed.png"), bytes);
    Verification broken = ContentCredentials.verify(changed, List.of(ca));
    assertTrue(broken.signatureValid() && broken.assertionsValid(), broken.toString());
    assertFalse(broken.bindingValid(), broken.toString());
  }

  @Test
  void aChangedAssertionNoLongerMatchesTheSignedClaim() throws Exception {
    Path jpg = dir.resolve("out.jpg");
    Files.copy(TestMedia.sample("grace_hopper.jpg"), jpg);
    new JpegContainer()
        .embed(jpg, new ManifestStoreWriter(FACTS, DevelopmentIdentity.get(), new byte[16]));
    Verification ok = ContentCredentials.verify(jpg, List.of());
    assertTrue(ok.valid(), ok.toString());
    assertEquals("development certificate (untrusted)", ok.trust());

    byte[] bytes = Files.readAllBytes(jpg);
    int at = TestMedia.indexOf(bytes, "face-swap".getBytes(StandardCharsets.US_ASCII));
    bytes[at] = 'F'; // the kind in Doppel's own assertion
    Path edited = Files.write(dir.resolve("edited.jpg"), bytes);
    Verification v = ContentCredentials.verify(edited, List.of());
    assertFalse(v.assertionsValid(), v.toString());
    assertTrue(v.signatureValid(), "the claim itself is unchanged: " + v);
  }

  @Test
  void theSameFileSignedReproduciblyTwiceGetsTheSameBytesAndAOneOffOutputDoesNot()
      throws Exception {
    Path a = dir.resolve("a.png");
    Path b = dir.resolve("b.png");
    Path c = dir.resolve("c.png");
    for (Path p : List.of(a, b, c)) Files.copy(TestMedia.sample("astronaut.png"), p);
    ContentCredentials.embedReproducibly(a, "out.png", DevelopmentIdentity.get(), FACTS);
    ContentCredentials.embedReproducibly(
        b, "out.png", SigningIdentity.fromPem(DevelopmentIdentity.get().toPem()), FACTS);
    ContentCredentials.embed(c, "out.png", DevelopmentIdentity.get(), FACTS);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    assertTrue(ContentCredentials.verify(a, List.of()).valid());
    assertTrue(ContentCredentials.verify(c, List.of()).valid());
  }

  @Test
  void aStoreLargerThanOneJpegSegmentIsSplitAndJoinedAgain() {
    byte[] store =
        Jumbf.superBox(Jumbf.MANIFEST_STORE, "c2pa", List.of(Jumbf.box("cbor", new byte[150_000])));
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    jpeg.write(0xFF);
    jpeg.write(0xD8);
    byte[] segments = JpegContainer.segments(store);
    assertEquals(JpegContainer.segmentsLength(store.length), segments.length);
    jpeg.writeBytes(segments);
    jpeg.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xD9});
    assertArrayEquals(store, JpegContainer.store(jpeg.toByteArray()));
  }

  @Test
  void insertingTheBoxIntoAnMp4LeavesEveryFrameAndSampleAsTheyWere() throws Exception {
    assumeTrue(TestMedia.hasFfmpegTools(), "needs ffmpeg to decode");
    Path clip =
        TestMedia.trim(TestMedia.sample("astronaut.mp4"), dir.resolve("clip.mp4"), 15, true);
    String before =
        TestMedia.run("ffmpeg", "-v", "error", "-i", clip.toString(), "-f", "framemd5", "-").out();
    new BmffContainer()
        .embed(clip, new ManifestStoreWriter(FACTS, DevelopmentIdentity.get(), new byte[16]));
    String after =
        TestMedia.run("ffmpeg", "-v", "error", "-i", clip.toString(), "-f", "framemd5", "-").out();
    assertTrue(before.lines().filter(l -> !l.startsWith("#")).count() >= 15, before);
    assertEquals(before, after, "video and audio frames decode to the same bytes");
    Verification v = ContentCredentials.verify(clip, List.of());
    assertTrue(v.valid(), v.toString());
  }
}
