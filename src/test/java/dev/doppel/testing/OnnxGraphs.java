package dev.doppel.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small ONNX graphs for tests: float inputs and outputs of declared shapes, each output an
 * {@code Identity} of an input, and metadata. Enough to make well-formed files whose shapes are
 * wrong in exactly the way a test wants (the ONNX protobuf field numbers are from onnx.proto3).
 */
public final class OnnxGraphs {
  private static final int FLOAT = 1;

  private final List<String[]> nodes = new ArrayList<>(); // {input, output}
  private final Map<String, long[]> inputs = new LinkedHashMap<>();
  private final Map<String, long[]> outputs = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  public OnnxGraphs input(String name, long... shape) {
    inputs.put(name, shape);
    return this;
  }

  /** An output that is a copy of {@code from}, declared with {@code shape}. */
  public OnnxGraphs output(String name, String from, long... shape) {
    outputs.put(name, shape);
    nodes.add(new String[] {from, name});
    return this;
  }

  public OnnxGraphs meta(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** A pair model's metadata as training/export.py writes it, with this size. */
  public OnnxGraphs pairMetadata(String size) {
    return meta("doppel.kind", "pair")
        .meta("doppel.size", size)
        .meta("doppel.template", "FACE")
        .meta("doppel.direction", "a2b")
        .meta("doppel.source_identity", "a")
        .meta("doppel.target_identity", "b");
  }

  public Path write(Path file) {
    try {
      Files.write(file, model());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] model() throws IOException {
    return modelMessage().toByteArray();
  }

  private ByteString modelMessage() throws IOException {
    return message(
        out -> {
          out.writeInt64(1, 8); // ir_version
          out.writeBytes(8, message(o -> o.writeInt64(2, 13))); // opset_import: default domain 13
          out.writeBytes(7, graph());
          for (Map.Entry<String, String> e : metadata.entrySet()) {
            out.writeBytes(
                14,
                message(
                    o -> {
                      o.writeString(1, e.getKey());
                      o.writeString(2, e.getValue());
                    }));
          }
        });
  }

  private ByteString graph() throws IOException {
    return message(
        out -> {
          int i = 0;
          for (String[] n : nodes) {
            String name = "copy" + i++;
            out.writeBytes(
                1,
                message(
                    o -> {
                      o.writeString(1, n[0]);
                      o.writeString(2, n[1]);
                      o.writeString(3, name);
                      o.writeString(4, "Identity");
                    }));
          }
          out.writeString(2, "test");
          for (Map.Entry<String, long[]> e : inputs.entrySet()) {
            out.writeBytes(11, valueInfo(e.getKey(), e.getValue()));
          }
          for (Map.Entry<String, long[]> e : outputs.entrySet()) {
            out.writeBytes(12, valueInfo(e.getKey(), e.getValue()));
          }
        });
  }

  private static ByteString valueInfo(String name, long[] shape) throws IOException {
    ByteString dims =
        message(
            o -> {
              for (long d : shape) o.writeBytes(1, message(dim -> dim.writeInt64(1, d)));
            });
    ByteString tensor =
        message(
            o -> {
              o.writeInt32(1, FLOAT);
              o.writeBytes(2, dims);
            });
    return message(
        o -> {
          o.writeString(1, name);
          o.writeBytes(2, message(t -> t.writeBytes(1, tensor)));
        });
  }

  private interface Fields {
    void write(CodedOutputStream out) throws IOException;
  }

  private static ByteString message(Fields fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    fields.write(out);
    out.flush();
    return ByteString.copyFrom(bytes.toByteArray());
  }
}
