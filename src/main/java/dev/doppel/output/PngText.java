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
    int ihdrLength = ByteBuffer.wrap(png, SIGNATURE, 4).getInt();
    int afterIhdr = SIGNATURE + 12 + ihdrLength; // length, type, data, CRC
    ByteArrayOutputStream out = new ByteArrayOutputStream(png.length + 512);
    out.write(png, 0, afterIhdr);
    text.forEach((k, v) -> writeChunk(out, k, v));
    out.write(png, afterIhdr, png.length - afterIhdr);
    return out.toByteArray();
  }

  private static void writeChunk(ByteArrayOutputStream out, String keyword, String value) {
    // tEXt is Latin-1; keywords are 1-79 characters
    byte[] key =
        keyword.substring(0, Math.min(79, keyword.length())).getBytes(StandardCharsets.ISO_8859_1);
    byte[] val = value.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer chunk = ByteBuffer.allocate(4 + key.length + 1 + val.length);
    chunk.put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(key).put((byte) 0).put(val);
    CRC32 crc = new CRC32();
    crc.update(chunk.array());
    out.writeBytes(ByteBuffer.allocate(4).putInt(key.length + 1 + val.length).array());
    out.writeBytes(chunk.array());
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
