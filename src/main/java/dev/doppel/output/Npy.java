package dev.doppel.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * NumPy's {@code .npy} format (version 1.0) for a float32 matrix: the magic string, a header that
 * is a Python dict literal padded with spaces to a multiple of 64 bytes and ended by a newline,
 * then the data in C order, little-endian. What {@code numpy.load} reads.
 */
public final class Npy {
  private Npy() {}

  public static void writeFloat32(Path file, float[][] rows) throws IOException {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    String dict =
        "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.length + ", " + cols + "), }";
    int preamble = 6 + 2 + 2; // magic, version, header length
    int padded = ((preamble + dict.length() + 1 + 63) / 64) * 64;
    StringBuilder header = new StringBuilder(dict);
    while (preamble + header.length() + 1 < padded) header.append(' ');
    header.append('\n');
    byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(preamble + h.length + rows.length * cols * 4);
    b.order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
    b.put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
    for (float[] row : rows) {
      if (row.length != cols) throw new IllegalArgumentException("ragged rows");
      for (float v : row) b.putFloat(v);
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(b.array());
    }
  }
}
