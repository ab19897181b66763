package dev.doppel.swap;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.doppel.DoppelException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What ONNX Runtime's API does not tell: the graph's node names and its initializers. The one-shot
 * contract needs both (InsightFace reads inswapper's {@code emap} as the graph's last initializer,
 * and decides a recogniser's input scaling from its first eight node names).
 *
 * <p>Reads the protobuf wire format directly (ModelProto field 7 = graph; GraphProto 1 = node, 5 =
 * initializer; NodeProto 3 = name; TensorProto 1 = dims, 2 = data_type, 4 = float_data, 8 = name, 9
 * = raw_data, 14 = data_location) and streams, so a 550 MB model is never held in memory: only the
 * wanted tensor is read.
 */
public final class OnnxFile {
  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int NODE_NAME = 3;
  private static final int TYPE_FLOAT = 1;
  private static final int TYPE_FLOAT16 = 10;

  /** A float tensor read from an initializer. */
  public record Tensor(String name, long[] dims, float[] values) {}

  private record Scan(List<String> nodeNames, long lastInitializerAt, int lastInitializerLength) {}

  private OnnxFile() {}

  /** Names of the graph's first {@code n} nodes, in file order. */
  public static List<String> firstNodeNames(Path file, int n) {
    return scan(file, n).nodeNames();
  }

  /** The graph's last initializer as floats (float32 or float16 data, raw or typed). */
  public static Tensor lastInitializer(Path file) {
    Scan scan = scan(file, 0);
    if (scan.lastInitializerAt() < 0) {
      throw DoppelException.processing(
          "cannot read model: " + file + ": the graph has no " + "initializers");
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      in.skipNBytes(scan.lastInitializerAt());
      CodedInputStream tensor = CodedInputStream.newInstance(in);
      tensor.setSizeLimit(Integer.MAX_VALUE);
      int old = tensor.pushLimit(scan.lastInitializerLength());
      Tensor t = readTensor(file, tensor);
      tensor.popLimit(old);
      return t;
    } catch (IOException e) {
      throw DoppelException.processing("cannot read model: " + file + ": " + e.getMessage());
    }
  }

  private static Scan scan(Path file, int nodeNames) {
    List<String> names = new ArrayList<>();
    long lastAt = -1;
    int lastLength = 0;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CodedInputStream in = CodedInputStream.newInstance(raw);
      in.setSizeLimit(Integer.MAX_VALUE);
      boolean sawGraph = false;
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (WireFormat.getTagFieldNumber(tag) != MODEL_GRAPH
            || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          in.skipField(tag);
          continue;
        }
        sawGraph = true;
        int graphLimit = in.pushLimit(in.readRawVarint32());
        while (!in.isAtEnd()) {
          int g = in.readTag();
          int field = WireFormat.getTagFieldNumber(g);
          if (field == GRAPH_NODE && names.size() < nodeNames) {
            int nodeLimit = in.pushLimit(in.readRawVarint32());
            String name = "";
            while (!in.isAtEnd()) {
              int t = in.readTag();
              if (WireFormat.getTagFieldNumber(t) == NODE_NAME) {
                name = in.readString();
              } else {
                in.skipField(t);
              }
            }
            in.popLimit(nodeLimit);
            names.add(name);
          } else if (field == GRAPH_INITIALIZER) {
            lastLength = in.readRawVarint32();
            lastAt = in.getTotalBytesRead();
            in.skipRawBytes(lastLength);
          } else {
            in.skipField(g);
          }
        }
        in.popLimit(graphLimit);
      }
      if (!sawGraph) {
        throw DoppelException.processing(
            "cannot read model: " + file + ": not an ONNX model " + "(no graph)");
      }
      return new Scan(names, lastAt, lastLength);
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot read model: " + file + ": not an ONNX model (" + e.getMessage() + ")");
    }
  }

  private static Tensor readTensor(Path file, CodedInputStream in) throws IOException {
    List<Long> dims = new ArrayList<>();
    int type = 0;
    String name = "";
    byte[] raw = null;
    List<Float> typed = new ArrayList<>();
    while (!in.isAtEnd()) {
      int tag = in.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> readInt64s(in, tag, dims);
        case 2 -> type = in.readInt32();
        case 4 -> readFloats(in, tag, typed);
        case 8 -> name = in.readString();
        case 9 -> raw = in.readByteArray();
        case 14 -> {
          if (in.readEnum() != 0) {
            throw DoppelException.processing(
                "cannot read model: "
                    + file
                    + ": initializer "
                    + "data is stored outside the file (external data is not supported)");
          }
        }
        default -> in.skipField(tag);
      }
    }
    long count = dims.stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
    float[] values;
    if (type == TYPE_FLOAT && raw != null) {
      values = new float[raw.length / 4];
      ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    } else if (type == TYPE_FLOAT) {
      values = new float[typed.size()];
      for (int i = 0; i < values.length; i++) values[i] = typed.get(i);
    } else if (type == TYPE_FLOAT16 && raw != null) {
      values = new float[raw.length / 2];
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < values.length; i++) values[i] = halfToFloat(b.getShort());
    } else {
      throw DoppelException.processing(
          "cannot read model: "
              + file
              + ": initializer '"
              + name
              + "' has data type "
              + type
              + " (expected float32 or float16)");
    }
    if (values.length != count) {
      throw DoppelException.processing(
          "cannot read model: "
              + file
              + ": initializer '"
              + name
              + "' holds "
              + values.length
              + " values for shape "
              + dims);
    }
    return new Tensor(name, dims.stream().mapToLong(Long::longValue).toArray(), values);
  }

  private static void readInt64s(CodedInputStream in, int tag, List<Long> into) throws IOException {
    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (!in.isAtEnd()) into.add(in.readInt64());
      in.popLimit(limit);
    } else {
      into.add(in.readInt64());
    }
  }

  private static void readFloats(CodedInputStream in, int tag, List<Float> into)
      throws IOException {
    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int limit = in.pushLimit(in.readRawVarint32());
      while (!in.isAtEnd()) into.add(in.readFloat());
      in.popLimit(limit);
    } else {
      into.add(in.readFloat());
    }
  }

  /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float value = mantissa / 1024f / 16384f; // subnormal: m * 2^-24
      return sign != 0 ? -value : value;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
