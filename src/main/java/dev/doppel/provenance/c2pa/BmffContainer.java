package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.output.TempFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * MP4/MOV (ISO BMFF): the store sits in a top-level {@code uuid} box with C2PA's user type right
 * after {@code ftyp}; the hard binding is {@code c2pa.hash.bmff.v3}: SHA-256 over every top-level
 * box except that one, {@code ftyp} and {@code mfra}, each preceded by its file offset as an 8-byte
 * big-endian number. Inserting the box moves the media data, so the chunk offset tables ({@code
 * stco}/{@code co64}) are rewritten.
 */
final class BmffContainer implements Container {
  static final String LABEL = "c2pa.hash.bmff.v3";
  static final byte[] USER_TYPE = {
    (byte) 0xd8,
    (byte) 0xfe,
    (byte) 0xc3,
    (byte) 0xd6,
    0x1b,
    0x0e,
    0x48,
    0x3c,
    (byte) 0x92,
    (byte) 0x97,
    0x58,
    0x28,
    (byte) 0x87,
    0x7e,
    (byte) 0xc4,
    (byte) 0x81
  };
  private static final byte[] PURPOSE = "manifest\0".getBytes(StandardCharsets.US_ASCII);

  /** size, type, user type, version and flags, purpose, Merkle offset. */
  private static final int UUID_HEADER = 8 + 16 + 4 + PURPOSE.length + 8;

  private static final Set<String> TABLE_PATH = Set.of("moov", "trak", "mdia", "minf", "stbl");

  record TopBox(String type, long offset, long size) {}

  @Override
  public void embed(Path file, ManifestStoreWriter writer) throws IOException {
    List<TopBox> boxes;
    try (FileChannel in = FileChannel.open(file)) {
      boxes = topBoxes(in);
      if (storeBox(in, boxes) != null) throw new IOException("it already holds a C2PA manifest");
    }
    if (boxes.isEmpty() || !boxes.get(0).type().equals("ftyp")) {
      throw new IOException("it does not start with an ftyp box");
    }
    for (TopBox b : boxes) {
      if (b.type().equals("moof")) throw new IOException("fragmented MP4 is not supported");
    }
    int storeLength = writer.write(LABEL, assertion(new byte[32])).length;
    long boxSize = UUID_HEADER + (long) storeLength;
    // registered, so a SIGTERM mid-way leaves neither it nor (by moving under the same lock)
    // a re-created output temporary behind
    Path temp =
        TempFiles.create(
            () -> Files.createTempFile(file.getParent(), "." + file.getFileName(), ".c2pa-part"));
    try {
      try (FileChannel in = FileChannel.open(file);
          FileChannel out =
              FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        TopBox ftyp = boxes.get(0);
        copy(in, ftyp.offset(), ftyp.size(), out);
        out.write(ByteBuffer.wrap(uuidHeader(boxSize)));
        out.write(ByteBuffer.allocate(storeLength));
        for (TopBox b : boxes.subList(1, boxes.size())) {
          if (b.type().equals("moov")) {
            if (b.size() > Integer.MAX_VALUE) throw new IOException("moov box too large");
            ByteBuffer moov = ByteBuffer.allocate((int) b.size());
            readFully(in, moov, b.offset());
            shiftChunkOffsets(moov.array(), 0, moov.capacity(), boxSize);
            moov.rewind();
            out.write(moov);
          } else {
            copy(in, b.offset(), b.size(), out);
          }
        }
        byte[] hash = hash(out, topBoxes(out), exclusions());
        byte[] store = writer.write(LABEL, assertion(hash));
        if (store.length != storeLength) {
          throw new IllegalStateException("C2PA store changed length while signing");
        }
        out.write(ByteBuffer.wrap(store), ftyp.size() + UUID_HEADER);
        out.force(true);
      }
      TempFiles.whileRunningIo(
          () ->
              Files.move(
                  temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
    } finally {
      Files.deleteIfExists(temp);
      TempFiles.forget(temp);
    }
  }

  private static ObjectNode assertion(byte[] hash) {
    ObjectNode a = Cbor.map();
    a.set("exclusions", exclusions());
    a.put("alg", "sha256");
    a.put("hash", hash);
    a.put("name", "jumbf manifest");
    return a;
  }

  private static ArrayNode exclusions() {
    ArrayNode ex = Cbor.array();
    ObjectNode uuid = ex.addObject().put("xpath", "/uuid");
    uuid.putArray("data").addObject().put("offset", 8).put("value", USER_TYPE);
    ex.addObject().put("xpath", "/ftyp");
    ex.addObject().put("xpath", "/mfra");
    return ex;
  }

  private static byte[] uuidHeader(long boxSize) throws IOException {
    if (boxSize > 0xFFFF_FFFFL) throw new IOException("C2PA manifest too large");
    ByteBuffer b = ByteBuffer.allocate(UUID_HEADER);
    b.putInt((int) boxSize).put("uuid".getBytes(StandardCharsets.US_ASCII)).put(USER_TYPE);
    b.putInt(0); // version 0, flags 0
    b.put(PURPOSE).putLong(0); // no Merkle tree
    return b.array();
  }

  /** Adds {@code delta} to every chunk offset of the tracks inside {@code [from, to)}. */
  private static void shiftChunkOffsets(byte[] buf, int from, int to, long delta)
      throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf);
    int pos = from;
    while (pos + 8 <= to) {
      long size = b.getInt(pos) & 0xFFFF_FFFFL;
      String type = Jumbf.fourCc(buf, pos + 4);
      int header = 8;
      if (size == 1) {
        size = b.getLong(pos + 8);
        header = 16;
      } else if (size == 0) {
        size = (long) to - pos;
      }
      if (size < header || pos + size > to) throw new IOException("damaged " + type + " box");
      int start = pos + header;
      int end = (int) (pos + size);
      if (TABLE_PATH.contains(type)) {
        shiftChunkOffsets(buf, start, end, delta);
      } else if (type.equals("stco") || type.equals("co64")) {
        int count = b.getInt(start + 4);
        boolean wide = type.equals("co64");
        for (int i = 0, p = start + 8; i < count; i++, p += wide ? 8 : 4) {
          if (wide) {
            b.putLong(p, b.getLong(p) + delta);
          } else {
            long v = (b.getInt(p) & 0xFFFF_FFFFL) + delta;
            if (v > 0xFFFF_FFFFL) throw new IOException("chunk offsets pass 4 GB (stco)");
            b.putInt(p, (int) v);
          }
        }
      }
      pos = end;
    }
  }

  /** The hard-binding hash of a file with the given top-level boxes. */
  private static byte[] hash(FileChannel ch, List<TopBox> boxes, JsonNode exclusions)
      throws IOException {
    MessageDigest md = DataHash.sha256();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    for (TopBox b : boxes) {
      if (excluded(ch, b, exclusions)) continue;
      md.update(ByteBuffer.allocate(8).putLong(b.offset()).array());
      long pos = b.offset();
      long end = b.offset() + b.size();
      while (pos < end) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        int n = ch.read(buf, pos);
        if (n <= 0) throw new IOException("short read");
        buf.flip();
        md.update(buf);
        pos += n;
      }
    }
    return md.digest();
  }

  /** Whether a top-level box matches one of the assertion's exclusions (whole boxes only). */
  private static boolean excluded(FileChannel ch, TopBox b, JsonNode exclusions)
      throws IOException {
    for (JsonNode e : exclusions) {
      String xpath = e.path("xpath").asText();
      if (!xpath.equals("/" + b.type())) continue;
      if (e.has("length") && e.get("length").asLong() != b.size()) continue;
      boolean all = true;
      for (JsonNode d : e.path("data")) {
        byte[] want = d.path("value").binaryValue();
        ByteBuffer got = ByteBuffer.allocate(want.length);
        long at = b.offset() + d.path("offset").asLong();
        if (at + want.length > b.offset() + b.size()) {
          all = false;
          break;
        }
        readFully(ch, got, at);
        if (!Arrays.equals(got.array(), want)) all = false;
      }
      if (all) return true;
    }
    return false;
  }

  static List<TopBox> topBoxes(FileChannel ch) throws IOException {
    List<TopBox> boxes = new ArrayList<>();
    long end = ch.size();
    long pos = 0;
    while (pos < end) {
      if (end - pos < 8) throw new IOException("truncated box at byte " + pos);
      ByteBuffer h = ByteBuffer.allocate((int) Math.min(16, end - pos));
      readFully(ch, h, pos);
      long size = h.getInt(0) & 0xFFFF_FFFFL;
      String type = Jumbf.fourCc(h.array(), 4);
      int header = 8;
      if (size == 1) {
        if (h.capacity() < 16) throw new IOException("truncated box at byte " + pos);
        size = h.getLong(8);
        header = 16;
      } else if (size == 0) {
        size = end - pos;
      }
      if (size < header || pos + size > end) throw new IOException("damaged " + type + " box");
      boxes.add(new TopBox(type, pos, size));
      pos += size;
    }
    return boxes;
  }

  private static void copy(FileChannel in, long from, long count, FileChannel out)
      throws IOException {
    long done = 0;
    while (done < count) {
      long n = in.transferTo(from + done, count - done, out);
      if (n <= 0) throw new IOException("short copy");
      done += n;
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, at + b.position());
      if (n < 0) throw new IOException("unexpected end of file");
    }
  }

  @Override
  public byte[] store(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file)) {
      TopBox b = storeBox(ch, topBoxes(ch));
      if (b == null) return null;
      ByteBuffer store = ByteBuffer.allocate((int) (b.size() - UUID_HEADER));
      readFully(ch, store, b.offset() + UUID_HEADER);
      return store.array();
    }
  }

  /** The top-level uuid box with C2PA's user type and the "manifest" purpose, or null. */
  private static TopBox storeBox(FileChannel ch, List<TopBox> boxes) throws IOException {
    for (TopBox b : boxes) {
      if (!b.type().equals("uuid") || b.size() < UUID_HEADER) continue;
      ByteBuffer h = ByteBuffer.allocate(UUID_HEADER - 8);
      readFully(ch, h, b.offset() + 8);
      byte[] head = h.array();
      if (Arrays.equals(Arrays.copyOfRange(head, 0, 16), USER_TYPE)
          && Arrays.equals(Arrays.copyOfRange(head, 20, 20 + PURPOSE.length), PURPOSE)) {
        return b;
      }
    }
    return null;
  }

  @Override
  public boolean bindingMatches(Path file, String label, JsonNode binding) throws IOException {
    if (!label.startsWith("c2pa.hash.bmff.v") || !"sha256".equals(binding.path("alg").asText())) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(file)) {
      byte[] hash = hash(ch, topBoxes(ch), binding.path("exclusions"));
      return Arrays.equals(hash, binding.path("hash").binaryValue());
    }
  }
}
