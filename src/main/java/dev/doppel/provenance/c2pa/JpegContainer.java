package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.TempFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JPEG: the store is split over APP11 segments in JPEG XT's box format (common identifier "JP", a
 * box instance number, a sequence number; each segment after the first repeats the box's 8-byte
 * header), placed after the APP0 segment.
 */
final class JpegContainer implements Container {
  private static final int MAX_SEGMENT = 0xFFFF - 2; // payload after the length field
  private static final int INSTANCE = 1;

  @Override
  public void embed(Path file, ManifestStoreWriter writer) throws IOException {
    byte[] jpeg = Files.readAllBytes(file);
    if (store(jpeg) != null) throw new IOException("it already holds a C2PA manifest");
    int at = insertionPoint(jpeg);
    byte[] out =
        DataHash.insert(jpeg, at, JpegContainer::segments, JpegContainer::segmentsLength, writer);
    // the file is a registered temporary: rewrite it only while the process is not exiting
    TempFiles.whileRunningIo(() -> Files.write(file, out));
  }

  private static int insertionPoint(byte[] jpeg) throws IOException {
    if (jpeg.length < 4 || (jpeg[0] & 0xff) != 0xFF || (jpeg[1] & 0xff) != 0xD8) {
      throw new IOException("not a JPEG");
    }
    if ((jpeg[2] & 0xff) == 0xFF && (jpeg[3] & 0xff) == 0xE0) {
      return 4 + (ByteBuffer.wrap(jpeg, 4, 2).getShort() & 0xffff);
    }
    return 2;
  }

  static long segmentsLength(int storeLength) {
    long total = 0;
    int remaining = storeLength;
    boolean first = true;
    while (remaining > 0) {
      int header = first ? 8 : 16; // CI, En, Z (+ the repeated box header)
      int carried = Math.min(remaining, MAX_SEGMENT - header);
      total += 4 + header + carried; // marker and length field
      remaining -= carried;
      first = false;
    }
    return total;
  }

  static byte[] segments(byte[] store) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    int pos = 0;
    int sequence = 1;
    while (pos < store.length) {
      boolean first = pos == 0;
      int header = first ? 8 : 16;
      int carried = Math.min(store.length - pos, MAX_SEGMENT - header);
      ByteBuffer b = ByteBuffer.allocate(4 + header + carried);
      b.put((byte) 0xFF).put((byte) 0xEB).putShort((short) (2 + header + carried));
      b.put((byte) 'J').put((byte) 'P').putShort((short) INSTANCE).putInt(sequence++);
      if (!first) b.put(store, 0, 8);
      b.put(store, pos, carried);
      o.writeBytes(b.array());
      pos += carried;
    }
    return o.toByteArray();
  }

  @Override
  public byte[] store(Path file) throws IOException {
    return store(Files.readAllBytes(file));
  }

  /** Joins the APP11 segments of the first C2PA box instance, or null. */
  static byte[] store(byte[] jpeg) {
    ByteArrayOutputStream o = null;
    int instance = -1;
    int pos = 2;
    while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xff) == 0xFF) {
      int marker = jpeg[pos + 1] & 0xff;
      if (marker == 0xDA || marker == 0xD9) break; // image data: no more metadata segments
      int len = ByteBuffer.wrap(jpeg, pos + 2, 2).getShort() & 0xffff;
      if (len < 2 || pos + 2 + len > jpeg.length) return null;
      int p = pos + 4; // payload
      int n = len - 2;
      if (marker == 0xEB && n >= 16 && jpeg[p] == 'J' && jpeg[p + 1] == 'P') {
        int en = ByteBuffer.wrap(jpeg, p + 2, 2).getShort() & 0xffff;
        int z = ByteBuffer.wrap(jpeg, p + 4, 4).getInt();
        if (o == null
            && z == 1
            && n >= 28
            && Jumbf.fourCc(jpeg, p + 12).equals("jumb")
            && Jumbf.fourCc(jpeg, p + 20).equals("jumd")
            && Jumbf.fourCc(jpeg, p + 24).equals("c2pa")) {
          o = new ByteArrayOutputStream();
          instance = en;
          o.write(jpeg, p + 8, n - 8);
        } else if (o != null && en == instance && z > 1) {
          o.write(jpeg, p + 16, n - 16);
        }
      }
      pos += 2 + len;
    }
    return o == null ? null : o.toByteArray();
  }

  @Override
  public boolean bindingMatches(Path file, String label, JsonNode binding) throws IOException {
    return label.equals(DataHash.LABEL) && DataHash.matches(Files.readAllBytes(file), binding);
  }
}
