package dev.doppel.output;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Adds {@code tEXt} chunks (PNG 1.2, section 11.3.4.3) right after a PNG's IHDR chunk: the same
 * label a video carries as container tags, readable by exiftool, ImageMagick or Pillow.
 */
public final class PngText {
  private static final int SIGNATURE = 8;

  private PngText() {}

  public static byte[] withText(byte[] png, Map<String, String> text) {
    return withText(png, text, null);
  }

  /**
   * As {@link #withText(byte[], Map)}, plus an XMP packet in an iTXt chunk with the keyword {@code
   * XML:com.adobe.xmp} (XMP specification part 3), when {@code xmp} is not null.
   */
  public static byte[] withText(byte[] png, Map<String, String> text, byte[] xmp) {
    int ihdrLength = ByteBuffer.wrap(png, SIGNATURE, 4).getInt();
    int afterIhdr = SIGNATURE + 12 + ihdrLength; // length, type, data, CRC
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 512);
    out.write(png, 0, afterIhdr);
    text.forEach((k, v) -> writeText(out, k, v));
    if (xmp != null) {
      ByteArrayOutputStream data = new ByteArrayOutputStream(xmp.length + 32);
      data.writeBytes("XML:com.adobe.xmp".getBytes(StandardCharsets.ISO_8859_1));
      // keyword end, not compressed, method 0, no language tag, no translated keyword
      data.writeBytes(new byte[] {0, 0, 0, 0, 0});
      data.writeBytes(xmp);
      writeChunk(out, "iTXt", data.toByteArray());
    }
    out.write(png, afterIhdr, png.length - afterIhdr);
    return out.toByteArray();
  }

  private static void writeText(ByteArrayOutputStream out, String keyword, String value) {
    // tEXt is Latin-1; keywords are 1-79 characters
    byte[] key =
        keyword.substring(0, Math.min(79, keyword.length())).getBytes(StandardCharsets.ISO_8859_1);
    byte[] val = value.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer data = ByteBuffer.allocate(key.length + 1 + val.length);
    data.put(key).put((byte) 0).put(val);
    writeChunk(out, "tEXt", data.array());
  }

  private static void writeChunk(ByteArrayOutputStream out, String type, byte[] data) {
    ByteBuffer chunk = ByteBuffer.allocate(4 + data.length);
    chunk.put(type.getBytes(StandardCharsets.US_ASCII)).put(data);
    CRC32 crc = new CRC32();
    crc.update(chunk.array());
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(chunk.array());
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
