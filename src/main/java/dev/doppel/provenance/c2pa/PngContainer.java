package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.TempFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;

/** PNG: the store is the data of a {@code caBX} chunk, placed before the first IDAT chunk. */
final class PngContainer implements Container {
  private static final int SIGNATURE = 8;

  @Override
  public void embed(Path file, ManifestStoreWriter writer) throws IOException {
    byte[] png = Files.readAllBytes(file);
    int at = firstIdat(png);
    byte[] out = DataHash.insert(png, at, PngContainer::chunk, length -> length + 12L, writer);
    // the file is a registered temporary: rewrite it only while the process is not exiting
    TempFiles.whileRunningIo(() -> Files.write(file, out));
  }

  private static byte[] chunk(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(12 + data.length);
    b.putInt(data.length).put("caBX".getBytes(StandardCharsets.US_ASCII)).put(data);
    CRC32 crc = new CRC32();
    crc.update(b.array(), 4, 4 + data.length);
    b.putInt((int) crc.getValue());
    return b.array();
  }

  /** The offset of the first IDAT chunk; refuses a file that already has a store. */
  private static int firstIdat(byte[] png) throws IOException {
    int pos = SIGNATURE;
    while (pos + 12 <= png.length) {
      int len = ByteBuffer.wrap(png, pos, 4).getInt();
      String type = Jumbf.fourCc(png, pos + 4);
      if (type.equals("caBX")) throw new IOException("it already holds a C2PA manifest");
      if (type.equals("IDAT")) return pos;
      pos += 12 + len;
    }
    throw new IOException("not a PNG with image data");
  }

  @Override
  public byte[] store(Path file) throws IOException {
    byte[] png = Files.readAllBytes(file);
    int pos = SIGNATURE;
    while (pos + 12 <= png.length) {
      int len = ByteBuffer.wrap(png, pos, 4).getInt();
      if (len < 0 || pos + 12L + len > png.length) return null;
      if (Jumbf.fourCc(png, pos + 4).equals("caBX")) {
        return Arrays.copyOfRange(png, pos + 8, pos + 8 + len);
      }
      pos += 12 + len;
    }
    return null;
  }

  @Override
  public boolean bindingMatches(Path file, String label, JsonNode binding) throws IOException {
    return label.equals(DataHash.LABEL) && DataHash.matches(Files.readAllBytes(file), binding);
  }
}
