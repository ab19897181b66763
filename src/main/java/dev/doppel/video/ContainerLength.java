package dev.doppel.video;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether a file is shorter than its container says: the cheapest sure sign of a cut-off download
 * or copy. MP4/MOV boxes, Matroska/WebM's segment and AVI's RIFF chunks all carry their own length;
 * FFmpeg reads such a file up to the cut and stops without an error.
 */
final class ContainerLength {
  private ContainerLength() {}

  /**
   * Fails when the file is cut short: "cannot read WHAT: FILE: truncated: why".
   *
   * @param what what the caller was reading ("video"), or null
   */
  static void requireWhole(Path file, String what) {
    String cut = shortfall(file);
    if (cut != null) {
      String reading = what == null ? "cannot read: " : "cannot read " + what + ": ";
      throw DoppelException.processing(reading + file + ": truncated: " + cut);
    }
  }

  /** Why the file is cut short, or null if it is whole (or its container does not say). */
  static String shortfall(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long length = ch.size();
      ByteBuffer head = read(ch, 0, 12);
      if (head.remaining() < 12) return null;
      if (head.getInt(4) == fourCc("ftyp")) return isoBoxes(ch, length);
      if (head.getInt(0) == 0x1A45DFA3) return matroskaSegment(ch, length);
      if (head.getInt(0) == fourCc("RIFF") && head.getInt(8) == fourCc("AVI ")) {
        return riffChunks(ch, length);
      }
      return null;
    } catch (IOException e) {
      return null; // unreadable files are reported by the demuxer
    }
  }

  /** Top-level ISO BMFF boxes: each declares its size, the last may say "to the end" (0). */
  private static String isoBoxes(FileChannel ch, long length) throws IOException {
    long at = 0;
    while (at + 8 <= length) {
      ByteBuffer h = read(ch, at, 16);
      long size = h.getInt(0) & 0xffffffffL;
      if (size == 1 && h.remaining() >= 16) size = h.getLong(8);
      if (size == 0) return null;
      if (size < 8) return null; // not a box structure we understand: let FFmpeg judge
      if (at + size > length) {
        return "the '"
            + fourCcName(h.getInt(4))
            + "' box at byte "
            + at
            + " declares "
            + size
            + " bytes, but the file ends after "
            + (length - at);
      }
      at += size;
    }
    return null;
  }

  /** The Segment element after the EBML header: its size, unless written as unknown. */
  private static String matroskaSegment(FileChannel ch, long length) throws IOException {
    ByteBuffer h = read(ch, 4, 8);
    long[] headerSize = vint(h, 0);
    if (headerSize == null) return null;
    long segmentAt = 4 + headerSize[1] + headerSize[0];
    ByteBuffer s = read(ch, segmentAt, 12);
    if (s.remaining() < 5 || s.getInt(0) != 0x18538067) return null;
    long[] size = vint(s, 4);
    if (size == null || size[0] < 0) return null; // unknown size (live or unfinished stream)
    long end = segmentAt + 4 + size[1] + size[0];
    return end > length
        ? "its Matroska segment declares "
            + size[0]
            + " bytes, but the file "
            + "ends "
            + (end - length)
            + " bytes short"
        : null;
  }

  /** RIFF chunks (AVI, and OpenDML's AVIX extensions), sizes little-endian. */
  private static String riffChunks(FileChannel ch, long length) throws IOException {
    long at = 0;
    while (at + 8 <= length) {
      ByteBuffer h = read(ch, at, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      if (h.getInt(0) != Integer.reverseBytes(fourCc("RIFF"))) return null;
      long size = h.getInt(4) & 0xffffffffL;
      if (at + 8 + size > length) {
        return "its RIFF chunk at byte "
            + at
            + " declares "
            + size
            + " bytes, but the file ends "
            + "after "
            + (length - at - 8);
      }
      at += 8 + size + (size & 1);
    }
    return null;
  }

  /** An EBML variable-length integer at {@code at}: {value (-1 if unknown), length in bytes}. */
  private static long[] vint(ByteBuffer b, int at) {
    if (b.remaining() <= at) return null;
    int first = b.get(at) & 0xff;
    int len = Integer.numberOfLeadingZeros(first) - 23;
    if (len < 1 || len > 8 || b.remaining() < at + len) return null;
    long value = first & (0xff >> len);
    boolean allOnes = value == (0xff >> len);
    for (int i = 1; i < len; i++) {
      int byteValue = b.get(at + i) & 0xff;
      allOnes &= byteValue == 0xff;
      value = (value << 8) | byteValue;
    }
    return new long[] {allOnes ? -1 : value, len};
  }

  private static ByteBuffer read(FileChannel ch, long at, int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
      // keep reading until n bytes or the end of the file
    }
    b.flip();
    return b;
  }

  private static int fourCc(String s) {
    return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).getInt();
  }

  private static String fourCcName(int v) {
    byte[] b = ByteBuffer.allocate(4).putInt(v).array();
    return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "?");
  }
}
