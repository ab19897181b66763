package dev.doppel.cli;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.mean;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Node;

/**
 * Stills in and out: {@code swap} and {@code faces -o} write JPEG, PNG, WebP, BMP and TIFF with the
 * label inside (read back here with the JDK's own image readers, or the RIFF chunk list for WebP,
 * which the JDK does not read), EXIF orientation is applied on input, and a video's frame becomes a
 * still only when asked for one frame.
 */
class StillsTest {
  private static final String SOURCE_TYPE =
      "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"jpg", "png", "webp", "bmp", "tif"})
  void swapWritesALabelledStillOfTheSameSizeWithTheFaceReplaced(String ext) throws Exception {
    Path in = TestMedia.sample("astronaut.png");
    Path out = dir.resolve("swapped." + ext);
    Cli swap =
        Cli.run(
            "swap",
            in.toString(),
            "-o",
            out.toString(),
            "--model",
            "models/pair96",
            "--direction",
            "a2b",
            "-q");
    assertEquals(0, swap.exitCode(), swap.err());
    assertTrue(swap.out().contains("1 faces swapped"), swap.out());

    // the face changed, the rest did not (beyond JPEG/WebP noise)
    try (Mat before = first(in);
        Mat after = first(out)) {
      assertEquals(before.cols(), after.cols());
      assertEquals(before.rows(), after.rows());
      double face = meanDifference(before, after, new int[] {180, 40, 90, 90});
      double corner = meanDifference(before, after, new int[] {0, 400, 100, 100});
      assertTrue(face > 10, ext + ": the face region changed by " + face);
      assertTrue(corner < 3, ext + ": the background changed by " + corner);
    }

    byte[] bytes = Files.readAllBytes(out);
    String xmp =
        switch (ext) {
          case "jpg" -> jpegXmp(out);
          case "png" -> pngXmp(out);
          case "tif" -> tiffXmp(out);
          case "webp" -> webpXmp(bytes);
          default -> null;
        };
    if (ext.equals("bmp")) {
      assertFalse(new String(bytes, StandardCharsets.ISO_8859_1).contains("xpacket"));
    } else {
      assertTrue(xmp != null && xmp.contains(SOURCE_TYPE), ext + ": XMP " + xmp);
      assertTrue(xmp.contains("doppel:synthetic=\"true\""), xmp);
    }
    JsonNode sidecar =
        Json.MAPPER.readTree(dir.resolve("swapped." + ext + ".doppel.json").toFile());
    assertTrue(sidecar.path("synthetic").asBoolean());
    assertEquals(
        dev.doppel.output.Provenance.sha256(out), sidecar.path("output").path("sha256").asText());
  }

  @Test
  void noLabelWritesNeitherXmpNorSidecar() throws Exception {
    Path out = dir.resolve("plain.jpg");
    Cli swap =
        Cli.run(
            "swap",
            TestMedia.sample("astronaut.png").toString(),
            "-o",
            out.toString(),
            "--model",
            "models/pair96",
            "--direction",
            "a2b",
            "--no-label",
            "-q");
    assertEquals(0, swap.exitCode(), swap.err());
    assertEquals(null, jpegXmp(out));
    assertFalse(Files.exists(dir.resolve("plain.jpg.doppel.json")));
  }

  @Test
  void exifOrientationIsAppliedOnInput() throws Exception {
    // 60x40 stored, a white block at the stored top-left; orientation 6 = turn 90 degrees
    // clockwise to show, so it shows 40x60 with the block top-right
    Path photo = dir.resolve("rotated.jpg");
    try (Scalar grey = new Scalar(60, 60, 60, 0);
        Mat stored = new Mat(40, 60, CV_8UC3, grey);
        Scalar white = new Scalar(255, 255, 255, 0);
        Rect corner = new Rect(0, 0, 12, 12);
        Mat block = new Mat(stored, corner);
        BytePointer jpg = new BytePointer()) {
      block.put(white);
      assertTrue(imencode(".jpg", stored, jpg));
      byte[] plain = new byte[(int) jpg.limit()];
      jpg.get(plain);
      Files.write(photo, withExifOrientation(plain, 6));
    }
    try (VideoReader r = VideoReader.open(photo);
        VideoFrame f = r.next()) {
      assertEquals(40, r.info().width());
      assertEquals(60, r.info().height());
      assertEquals(40, f.image().cols());
      assertEquals(60, f.image().rows());
      try (Rect topRight = new Rect(30, 0, 8, 8);
          Rect topLeft = new Rect(0, 0, 8, 8);
          Mat tr = new Mat(f.image(), topRight);
          Mat tl = new Mat(f.image(), topLeft)) {
        assertTrue(mean(tr).get(0) > 200, "the block is shown top-right");
        assertTrue(mean(tl).get(0) < 100);
      }
    }
  }

  @Test
  void aVideoBecomesAStillOnlyForOneFrame() throws Exception {
    Path video = TestMedia.sample("astronaut.mp4");
    Path out = dir.resolve("frame.png");
    Cli refused =
        Cli.run("swap", video.toString(), "-o", out.toString(), "--model", "models/pair96", "-q");
    assertEquals(2, refused.exitCode());
    assertTrue(refused.errorLine().contains("is a video; give a video output, --frames 1"));
    assertFalse(Files.exists(out));

    Cli one =
        Cli.run(
            "swap",
            video.toString(),
            "-o",
            out.toString(),
            "--model",
            "models/pair96",
            "--start",
            "1",
            "--frames",
            "1",
            "-q");
    assertEquals(0, one.exitCode(), one.err());
    assertTrue(pngXmp(out).contains(SOURCE_TYPE));
    JsonNode range =
        Json.MAPPER
            .readTree(dir.resolve("frame.png.doppel.json").toFile())
            .path("settings")
            .path("input_range");
    assertEquals(1.0, range.path("first_frame_source_seconds").asDouble(), 0.05);
  }

  @Test
  void facesAnnotatesAPhotoIntoAnImage() throws Exception {
    Path out = dir.resolve("annotated.webp");
    Cli faces =
        Cli.run("faces", TestMedia.sample("grace_hopper.jpg").toString(), "-o", out.toString());
    assertEquals(0, faces.exitCode(), faces.err());
    assertTrue(faces.out().contains("1 frames, 1 with faces"), faces.out());
    String xmp = webpXmp(Files.readAllBytes(out));
    assertTrue(xmp.contains("doppel:kind=\"annotation\""), xmp);
    assertFalse(xmp.contains(SOURCE_TYPE), "an annotation is not synthetic");
    try (Mat before = first(TestMedia.sample("grace_hopper.jpg"));
        Mat after = first(out)) {
      assertEquals(before.cols(), after.cols());
    }
  }

  @Test
  void aDamagedImageIsOneLineNamingIt() throws Exception {
    Path bad = dir.resolve("broken.jpg");
    Files.write(bad, "not an image at all".getBytes(StandardCharsets.US_ASCII));
    Cli faces = Cli.run("faces", bad.toString(), "--json", dir.resolve("f.jsonl").toString());
    assertEquals(1, faces.exitCode());
    assertEquals(
        "doppel: cannot read image: " + bad + ": not a readable JPG image", faces.errorLine());
    assertFalse(Files.exists(dir.resolve("f.jsonl")));
  }

  @Test
  void aFolderOrAPatternSwapsEachFileIntoTheOutputFolder() throws Exception {
    Path in = Files.createDirectories(dir.resolve("photos"));
    Files.copy(TestMedia.sample("astronaut.png"), in.resolve("a.png"));
    Files.copy(TestMedia.sample("grace_hopper.jpg"), in.resolve("b.jpg"));
    Files.writeString(in.resolve("c.jpg"), "damaged");
    Files.writeString(in.resolve("notes.txt"), "not media");
    Path out = dir.resolve("results");
    Cli swap =
        Cli.run(
            "swap",
            in.toString(),
            "-o",
            out.toString(),
            "--model",
            "models/pair96",
            "--faces",
            "none",
            "-q");
    assertEquals(1, swap.exitCode(), "one file failed");
    assertEquals(
        "doppel: cannot read image: " + in.resolve("c.jpg") + ": not a readable JPG image",
        swap.errorLine());
    assertTrue(
        swap.out()
            .contains("2 of 3 files written to " + out + ", 0 faces swapped in all; 1 failed"),
        swap.out());
    try (Mat a = first(out.resolve("a.png"));
        Mat b = first(out.resolve("b.jpg"));
        Mat hopper = first(TestMedia.sample("grace_hopper.jpg"))) {
      assertEquals(512, a.cols());
      assertEquals(hopper.cols(), b.cols());
      assertEquals(hopper.rows(), b.rows());
    }
    assertTrue(Files.exists(out.resolve("b.jpg.doppel.json")));
    assertFalse(Files.exists(out.resolve("c.jpg")));

    Path only = dir.resolve("pngs");
    Cli pattern =
        Cli.run(
            "swap",
            in + "/*.png",
            "-o",
            only.toString(),
            "--model",
            "models/pair96",
            "--faces",
            "none",
            "-q");
    assertEquals(0, pattern.exitCode(), pattern.err());
    try (var files = Files.list(only)) {
      assertEquals(
          List.of("a.png", "a.png.doppel.json"),
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }

    Cli toFile =
        Cli.run(
            "swap",
            in.toString(),
            "-o",
            dir.resolve("x.mp4").toString(),
            "--model",
            "models/pair96",
            "-q");
    assertEquals(2, toFile.exitCode());
    assertTrue(toFile.errorLine().contains("-o must be a folder"), toFile.err());
  }

  @Test
  void aBatchRowWithAFolderIsOneJobPerFile() throws Exception {
    Path in = Files.createDirectories(dir.resolve("row"));
    Files.copy(TestMedia.sample("astronaut.png"), in.resolve("a.png"));
    Files.copy(TestMedia.sample("grace_hopper.jpg"), in.resolve("b.jpg"));
    Path manifest = dir.resolve("jobs.csv");
    Files.writeString(
        manifest,
        "input,output,model,faces\nrow,done,"
            + Path.of("models/pair96").toAbsolutePath()
            + ",none\n");
    Cli batch = Cli.run("batch", manifest.toString(), "-q");
    assertEquals(0, batch.exitCode(), batch.err());
    assertTrue(Files.exists(dir.resolve("done/a.png")));
    assertTrue(Files.exists(dir.resolve("done/b.jpg")));
    assertTrue(Files.exists(dir.resolve("done/b.jpg.doppel.json")));
  }

  private static Mat first(Path file) {
    try (VideoReader r = VideoReader.open(file);
        VideoFrame f = r.next()) {
      return f.image().clone();
    }
  }

  private static double meanDifference(Mat a, Mat b, int[] xywh) {
    try (Rect r = new Rect(xywh[0], xywh[1], xywh[2], xywh[3]);
        Mat ra = new Mat(a, r);
        Mat rb = new Mat(b, r);
        Mat d = new Mat()) {
      absdiff(ra, rb, d);
      Scalar m = mean(d);
      return (m.get(0) + m.get(1) + m.get(2)) / 3;
    }
  }

  /** A JPEG with an EXIF APP1 segment holding only the orientation tag, after SOI. */
  private static byte[] withExifOrientation(byte[] jpg, int orientation) {
    ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    tiff.putShort((short) 1); // one entry
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation);
    tiff.putShort((short) 0).putInt(0); // padding, no next IFD
    byte[] exif = "Exif\0\0".getBytes(StandardCharsets.US_ASCII);
    int length = 2 + exif.length + tiff.capacity();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpg, 0, 2);
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(exif);
    out.writeBytes(tiff.array());
    out.write(jpg, 2, jpg.length - 2);
    return out.toByteArray();
  }

  /** The XMP of a JPEG: the APP1 segment after the XMP namespace, as the JDK's reader lists it. */
  private static String jpegXmp(Path jpg) throws Exception {
    Node tree = metadata(jpg, "javax_imageio_jpeg_image_1.0");
    for (Node n : descendants(tree, "unknown")) {
      if (!"225".equals(n.getAttributes().getNamedItem("MarkerTag").getNodeValue())) continue;
      byte[] data = (byte[]) ((javax.imageio.metadata.IIOMetadataNode) n).getUserObject();
      String s = new String(data, StandardCharsets.UTF_8);
      if (s.startsWith("http://ns.adobe.com/xap/1.0/\0")) return s.substring(29);
    }
    return null;
  }

  private static String pngXmp(Path png) throws Exception {
    Node tree = metadata(png, "javax_imageio_png_1.0");
    for (Node n : descendants(tree, "iTXtEntry")) {
      if ("XML:com.adobe.xmp".equals(n.getAttributes().getNamedItem("keyword").getNodeValue())) {
        return n.getAttributes().getNamedItem("text").getNodeValue();
      }
    }
    return null;
  }

  private static String tiffXmp(Path tif) throws Exception {
    Node tree = metadata(tif, "javax_imageio_tiff_image_1.0");
    for (Node n : descendants(tree, "TIFFField")) {
      if (!"700".equals(n.getAttributes().getNamedItem("number").getNodeValue())) continue;
      StringBuilder s = new StringBuilder();
      for (Node b : descendants(n, "TIFFUndefined")) {
        String v = b.getAttributes().getNamedItem("value").getNodeValue();
        for (String part : v.split(",", -1)) {
          s.append((char) Integer.parseInt(part.strip()));
        }
      }
      for (Node b : descendants(n, "TIFFByte")) {
        s.append((char) Integer.parseInt(b.getAttributes().getNamedItem("value").getNodeValue()));
      }
      return new String(s.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
    return null;
  }

  /** The {@code XMP } chunk of an extended WebP, checked to follow a VP8X chunk with the flag. */
  private static String webpXmp(byte[] webp) {
    ByteBuffer b = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals("RIFF", new String(webp, 0, 4, StandardCharsets.US_ASCII));
    assertEquals(webp.length - 8, b.getInt(4), "RIFF size");
    assertEquals("VP8X", new String(webp, 12, 4, StandardCharsets.US_ASCII));
    assertEquals(0x04, webp[20] & 0x04, "VP8X's XMP flag");
    List<String> chunks = new ArrayList<>();
    String xmp = null;
    for (int at = 12; at + 8 <= webp.length; ) {
      String type = new String(webp, at, 4, StandardCharsets.US_ASCII);
      int size = b.getInt(at + 4);
      chunks.add(type);
      if (type.equals("XMP ")) xmp = new String(webp, at + 8, size, StandardCharsets.UTF_8);
      at += 8 + size + (size % 2);
    }
    assertArrayEquals(new String[] {"VP8X", chunks.get(1), "XMP "}, chunks.toArray());
    return xmp;
  }

  private static Node metadata(Path file, String format) throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      assertTrue(readers.hasNext(), "the JDK reads " + file);
      ImageReader reader = readers.next();
      reader.setInput(in);
      IIOMetadata meta;
      if (format.contains("tiff")) {
        // the JDK's TIFF reader drops tags outside its tag sets (XMP's 700) unless asked
        javax.imageio.plugins.tiff.TIFFImageReadParam p =
            new javax.imageio.plugins.tiff.TIFFImageReadParam();
        p.setReadUnknownTags(true);
        meta = reader.readAll(0, p).getMetadata();
      } else {
        meta = reader.getImageMetadata(0);
      }
      reader.dispose();
      return meta.getAsTree(format);
    }
  }

  private static List<Node> descendants(Node root, String name) {
    List<Node> found = new ArrayList<>();
    for (Node c = root.getFirstChild(); c != null; c = c.getNextSibling()) {
      if (c.getNodeName().equals(name)) found.add(c);
      found.addAll(descendants(c, name));
    }
    return found;
  }
}
