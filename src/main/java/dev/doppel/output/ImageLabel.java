package dev.doppel.output;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the provenance label into an encoded still, where each format keeps metadata: an XMP
 * packet (with the IPTC digital source type that C2PA-aware and news tools read) in JPEG (APP1),
 * PNG (iTXt {@code XML:com.adobe.xmp}, plus the same tEXt keys a preview has), WebP (the {@code XMP
 * } chunk of the extended format) and TIFF (tag 700). BMP has no place for metadata: its label is
 * the sidecar alone.
 */
public final class ImageLabel {
  private static final String XMP_NAMESPACE_JPEG = "http://ns.adobe.com/xap/1.0/\0";

  private ImageLabel() {}

  /**
   * Returns {@code image} (encoded as {@code extension}: jpg, png, webp, tif, bmp ...) with the
   * label of {@code tags} (see {@link Provenance#containerTags}) written into it.
   */
  public static byte[] apply(String extension, byte[] image, Map<String, String> tags) {
    byte[] xmp = xmp(tags).getBytes(StandardCharsets.UTF_8);
    return switch (extension.toLowerCase(Locale.ROOT)) {
      case "jpg", "jpeg" -> jpeg(image, xmp);
      case "png" -> PngText.withText(image, tags, xmp);
      case "webp" -> webp(image, xmp);
      case "tif", "tiff" -> tiff(image, xmp);
      default -> image;
    };
  }

  /** Whether images of this extension carry the label inside (not only in the sidecar). */
  public static boolean embeds(String extension) {
    return !extension.equalsIgnoreCase("bmp");
  }

  /** The XMP packet: IPTC digital source type, creator tool, description and Doppel's keys. */
  static String xmp(Map<String, String> tags) {
    StringBuilder attrs = new StringBuilder();
    String source = tags.get("digital_source_type");
    if (source != null) attr(attrs, "Iptc4xmpExt:DigitalSourceType", source);
    attr(attrs, "xmp:CreatorTool", tags.getOrDefault("encoder_tool", "Doppel"));
    attr(attrs, "doppel:kind", tags.getOrDefault("doppel_kind", ""));
    attr(attrs, "doppel:synthetic", tags.getOrDefault("doppel_synthetic", "false"));
    return "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
        + "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
        + " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
        + "  <rdf:Description rdf:about=\"\"\n"
        + "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n"
        + "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
        + "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
        + "    xmlns:doppel=\"https://github.com/doppel/ns/1.0/\""
        + attrs
        + ">\n"
        + "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"
        + escape(tags.getOrDefault("description", ""))
        + "</rdf:li></rdf:Alt></dc:description>\n"
        + "  </rdf:Description>\n"
        + " </rdf:RDF>\n"
        + "</x:xmpmeta>\n"
        + "<?xpacket end=\"r\"?>";
  }

  private static void attr(StringBuilder out, String name, String value) {
    out.append("\n    ").append(name).append("=\"").append(escape(value)).append('"');
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** An APP1 XMP segment after SOI and the JFIF APP0 segment (which must come first). */
  static byte[] jpeg(byte[] jpg, byte[] xmp) {
    if (jpg.length < 4 || (jpg[0] & 0xFF) != 0xFF || (jpg[1] & 0xFF) != 0xD8) {
      throw new IllegalArgumentException("not a JPEG");
    }
    int at = 2;
    if ((jpg[2] & 0xFF) == 0xFF && (jpg[3] & 0xFF) == 0xE0) {
      at = 4 + (((jpg[4] & 0xFF) << 8) | (jpg[5] & 0xFF));
    }
    byte[] ns = XMP_NAMESPACE_JPEG.getBytes(StandardCharsets.US_ASCII);
    int length = 2 + ns.length + xmp.length;
    if (length > 0xFFFF) throw new IllegalArgumentException("XMP packet too large for JPEG");
    ByteArrayOutputStream out = new ByteArrayOutputStream(jpg.length + length + 2);
    out.write(jpg, 0, at);
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(ns);
    out.writeBytes(xmp);
    out.write(jpg, at, jpg.length - at);
    return out.toByteArray();
  }

  /**
   * The extended WebP format: a VP8X chunk (canvas size, XMP flag) before the image's chunk, and an
   * {@code XMP } chunk after it (WebP container specification, "Extended File Format").
   */
  static byte[] webp(byte[] webp, byte[] xmp) {
    ByteBuffer in = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    if (webp.length < 20
        || !ascii(webp, 0, 4).equals("RIFF")
        || !ascii(webp, 8, 4).equals("WEBP")) {
      throw new IllegalArgumentException("not a WebP file");
    }
    String first = ascii(webp, 12, 4);
    if (first.equals("VP8X")) throw new IllegalArgumentException("already an extended WebP");
    int[] size = webpSize(webp, first);
    ByteArrayOutputStream body = new ByteArrayOutputStream(webp.length + xmp.length + 64);
    body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer vp8x = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
    vp8x.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10);
    vp8x.put((byte) 0x04).put((byte) 0).put((byte) 0).put((byte) 0); // flags: XMP
    put24(vp8x, size[0] - 1);
    put24(vp8x, size[1] - 1);
    body.writeBytes(vp8x.array());
    body.write(webp, 12, in.getInt(4) - 4); // the image chunk(s), as encoded
    ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    head.put("XMP ".getBytes(StandardCharsets.US_ASCII)).putInt(xmp.length);
    body.writeBytes(head.array());
    body.writeBytes(xmp);
    if (xmp.length % 2 == 1) body.write(0);
    byte[] b = body.toByteArray();
    ByteBuffer out = ByteBuffer.allocate(8 + b.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.length).put(b);
    return out.array();
  }

  /** Width and height from a simple WebP's VP8 (lossy) or VP8L (lossless) chunk. */
  private static int[] webpSize(byte[] webp, String chunk) {
    ByteBuffer b = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
    int data = 20;
    if (chunk.equals("VP8 ")) {
      // frame tag (3 bytes), start code 9d 01 2a, then 14-bit width and height
      return new int[] {b.getShort(data + 6) & 0x3FFF, b.getShort(data + 8) & 0x3FFF};
    }
    if (chunk.equals("VP8L")) {
      int bits = b.getInt(data + 1); // after the 0x2f signature byte
      return new int[] {(bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1};
    }
    throw new IllegalArgumentException("unknown WebP chunk " + chunk);
  }

  private static void put24(ByteBuffer b, int v) {
    b.put((byte) v).put((byte) (v >> 8)).put((byte) (v >> 16));
  }

  /**
   * Appends the XMP packet and a copy of the first IFD with tag 700 (XMP) added, and points the
   * header at the copy. Offsets elsewhere in the file are absolute, so nothing else moves.
   */
  static byte[] tiff(byte[] tiff, byte[] xmp) {
    ByteOrder order =
        switch (ascii(tiff, 0, 2)) {
          case "II" -> ByteOrder.LITTLE_ENDIAN;
          case "MM" -> ByteOrder.BIG_ENDIAN;
          default -> throw new IllegalArgumentException("not a TIFF file");
        };
    ByteBuffer in = ByteBuffer.wrap(tiff).order(order);
    if (in.getShort(2) != 42) throw new IllegalArgumentException("not a classic TIFF file");
    int ifd = in.getInt(4);
    int count = in.getShort(ifd) & 0xFFFF;
    List<byte[]> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] e = new byte[12];
      in.get(ifd + 2 + 12 * i, e);
      if ((ByteBuffer.wrap(e).order(order).getShort(0) & 0xFFFF) != 700) entries.add(e);
    }
    int nextIfd = in.getInt(ifd + 2 + 12 * count);
    int xmpAt = tiff.length + (tiff.length % 2);
    int newIfd = xmpAt + xmp.length + (xmp.length % 2);
    ByteBuffer tag = ByteBuffer.allocate(12).order(order);
    tag.putShort((short) 700).putShort((short) 7).putInt(xmp.length).putInt(xmpAt); // UNDEFINED
    entries.add(tag.array());
    entries.sort(
        Comparator.comparingInt(e -> ByteBuffer.wrap(e).order(order).getShort(0) & 0xFFFF));
    ByteBuffer out = ByteBuffer.allocate(newIfd + 2 + 12 * entries.size() + 4).order(order);
    out.put(tiff);
    out.position(xmpAt);
    out.put(xmp);
    out.position(newIfd);
    out.putShort((short) entries.size());
    entries.forEach(out::put);
    out.putInt(nextIfd);
    out.putInt(4, newIfd);
    return out.array();
  }

  private static String ascii(byte[] b, int from, int length) {
    return new String(b, from, Math.min(length, b.length - from), StandardCharsets.US_ASCII);
  }
}
