package dev.doppel.provenance.c2pa;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * JUMBF (ISO/IEC 19566-5) boxes as C2PA uses them: a superbox ({@code jumb}) holds a description
 * box ({@code jumd}: type UUID, toggles, label) and content boxes ({@code cbor}, {@code json}, or
 * further superboxes). A manifest store is one superbox; every part of a manifest is addressed by
 * its labels and hashed as the bytes of its whole superbox.
 */
final class Jumbf {
  private Jumbf() {}

  static final UUID MANIFEST_STORE = c2paUuid(0x63327061); // "c2pa"
  static final UUID MANIFEST = c2paUuid(0x63326D61); // "c2ma"
  static final UUID ASSERTION_STORE = c2paUuid(0x63326173); // "c2as"
  static final UUID CLAIM = c2paUuid(0x6332636C); // "c2cl"
  static final UUID SIGNATURE = c2paUuid(0x63326373); // "c2cs"
  static final UUID CBOR_ASSERTION = c2paUuid(0x63626F72); // "cbor"

  /** The C2PA type UUIDs: four ASCII letters, then the fixed ISO suffix. */
  private static UUID c2paUuid(int fourCc) {
    return new UUID(((long) fourCc << 32) | 0x0011_0010L, 0x8000_00AA_0038_9B71L);
  }

  /** A superbox of {@code type} labelled {@code label} around {@code contents} (encoded boxes). */
  static byte[] superBox(UUID type, String label, List<byte[]> contents) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] labelBytes = label.getBytes(StandardCharsets.UTF_8);
    ByteBuffer description = ByteBuffer.allocate(16 + 1 + labelBytes.length + 1);
    description.putLong(type.getMostSignificantBits()).putLong(type.getLeastSignificantBits());
    description.put((byte) 0x03); // requestable, label present
    description.put(labelBytes).put((byte) 0);
    body.writeBytes(box("jumd", description.array()));
    for (byte[] content : contents) body.writeBytes(content);
    return box("jumb", body.toByteArray());
  }

  /** One box: 32-bit length, four-letter type, payload. */
  static byte[] box(String type, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
    b.putInt(8 + payload.length).put(type.getBytes(StandardCharsets.US_ASCII)).put(payload);
    return b.array();
  }

  /** A parsed superbox: its description and content boxes, with the bytes it was read from. */
  record SuperBox(UUID type, String label, List<Object> contents, byte[] bytes) {
    /** The first content superbox labelled {@code label}, or null. */
    SuperBox child(String label) {
      for (Object c : contents) {
        if (c instanceof SuperBox s && label.equals(s.label())) return s;
      }
      return null;
    }

    List<SuperBox> children() {
      List<SuperBox> out = new ArrayList<>();
      for (Object c : contents) if (c instanceof SuperBox s) out.add(s);
      return out;
    }

    /** The payload of the first plain content box of {@code boxType} ("cbor", "json"), or null. */
    byte[] content(String boxType) {
      for (Object c : contents) {
        if (c instanceof ContentBox b && b.type().equals(boxType)) return b.payload();
      }
      return null;
    }
  }

  record ContentBox(String type, byte[] payload) {}

  /** Parses the superbox that fills {@code bytes}. */
  static SuperBox parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length);
  }

  private static SuperBox parse(byte[] bytes, int start, int end) {
    ByteBuffer b = ByteBuffer.wrap(bytes, start, end - start);
    int length = b.getInt();
    String type = fourCc(bytes, start + 4);
    if (!type.equals("jumb") || length != end - start || length < 8) {
      throw new IllegalArgumentException("not a JUMBF superbox at byte " + start);
    }
    int pos = start + 8;
    UUID uuid = null;
    String label = null;
    List<Object> contents = new ArrayList<>();
    while (pos < end) {
      if (end - pos < 8) throw new IllegalArgumentException("truncated JUMBF box at byte " + pos);
      int len = ByteBuffer.wrap(bytes, pos, 4).getInt();
      String t = fourCc(bytes, pos + 4);
      if (len < 8 || pos + len > end) {
        throw new IllegalArgumentException("bad JUMBF box length at byte " + pos);
      }
      if (uuid == null) {
        if (!t.equals("jumd") || len < 8 + 17) {
          throw new IllegalArgumentException("JUMBF superbox without a description at byte " + pos);
        }
        ByteBuffer d = ByteBuffer.wrap(bytes, pos + 8, len - 8);
        uuid = new UUID(d.getLong(), d.getLong());
        int toggles = d.get() & 0xff;
        if ((toggles & 0x02) != 0) {
          int from = pos + 8 + 17;
          int zero = from;
          while (zero < pos + len && bytes[zero] != 0) zero++;
          label = new String(bytes, from, zero - from, StandardCharsets.UTF_8);
        }
      } else if (t.equals("jumb")) {
        contents.add(parse(bytes, pos, pos + len));
      } else {
        contents.add(new ContentBox(t, Arrays.copyOfRange(bytes, pos + 8, pos + len)));
      }
      pos += len;
    }
    if (uuid == null) throw new IllegalArgumentException("empty JUMBF superbox at byte " + start);
    return new SuperBox(uuid, label, contents, Arrays.copyOfRange(bytes, start, end));
  }

  static String fourCc(byte[] bytes, int at) {
    return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
  }
}
