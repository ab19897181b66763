package dev.doppel.swap;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.doppel.DoppelException;
import dev.doppel.face.AlignmentTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a model file is and how to feed it. Doppel's own pair models say so in their ONNX {@code
 * metadata_props} (written by training/export.py); the one-shot files that FaceFusion, roop and
 * Deep-Live-Cam share carry no metadata and are recognised by their signature:
 *
 * <ul>
 *   <li>{@code pair}: Doppel's encoder + one decoder, metadata {@code doppel.kind=pair};
 *   <li>{@code oneshot}: inswapper-style, inputs 1x3xSxS (the target crop) and 1x512 (the source
 *       latent), one output 1x3xSxS; ArcFace template at S;
 *   <li>{@code recognizer}: ArcFace-style, one input Nx3x112x112, one output Nx512.
 * </ul>
 */
public record ModelInfo(
    Path path,
    ModelKind kind,
    int size,
    AlignmentTemplate template,
    String colourOrder,
    String source,
    String target,
    Map<String, String> metadata,
    List<Port> inputs,
    List<Port> outputs) {

  /**
   * The identities of the trained model this graph belongs to, in training order: its {@code
   * doppel.identities} (written since models of more than two identities), else the pair's source
   * and target.
   */
  public List<String> identities() {
    String listed = metadata.get("doppel.identities");
    if (listed != null && !listed.isBlank()) return List.of(listed.split(",", -1));
    return List.of(source, target);
  }

  /** The identities whose faces this graph reads: every identity of its model but its target. */
  public List<String> reads() {
    return identities().stream().filter(id -> !id.equals(target)).toList();
  }

  /** One graph input or output: name, element type and shape (-1 for a free dimension). */
  public record Port(String name, String type, long[] shape) {
    @Override
    public String toString() {
      return name + " " + type + Arrays.toString(shape).replace("-1", "N");
    }
  }

  public static ModelInfo read(Path path) {
    if (!Files.isRegularFile(path)) {
      throw DoppelException.usage("cannot load model: " + path + ": no such file");
    }
    // DJL's engine creates the process-wide ONNX Runtime environment with its own settings;
    // it must exist before we ask for the environment, or DJL cannot start later.
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // inswapper keeps its emap as an unused initializer; ORT warns that it drops it
      options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      try (OrtSession session = createSession(env, path, options)) {
        Map<String, String> meta = session.getMetadata().getCustomMetadata();
        List<Port> inputs = ports(session.getInputInfo());
        List<Port> outputs = ports(session.getOutputInfo());
        String kind = meta.get("doppel.kind");
        if (kind != null) {
          if (!kind.equals(ModelKind.PAIR.toString())) {
            throw DoppelException.processing(
                "cannot load model: "
                    + path
                    + ": doppel.kind '"
                    + kind
                    + "' is not a kind Doppel knows (pair)");
          }
          return checkedPair(
              new ModelInfo(
                  path,
                  ModelKind.PAIR,
                  Integer.parseInt(meta.getOrDefault("doppel.size", "0")),
                  AlignmentTemplate.valueOf(meta.getOrDefault("doppel.template", "FACE")),
                  meta.getOrDefault("doppel.colour_order", "RGB"),
                  meta.getOrDefault("doppel.source_identity", "?"),
                  meta.getOrDefault("doppel.target_identity", "?"),
                  Map.copyOf(meta),
                  inputs,
                  outputs));
        }
        return bySignature(path, Map.copyOf(meta), inputs, outputs);
      }
    } catch (OrtException e) {
      throw DoppelException.processing("cannot load model: " + path + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw DoppelException.processing(
          "cannot load model: " + path + ": bad metadata (" + e.getMessage() + ")");
    }
  }

  /** ORT's createSession, under the {@link dev.doppel.NativeGate} (see there why). */
  private static OrtSession createSession(
      OrtEnvironment env, Path path, OrtSession.SessionOptions options) throws OrtException {
    return dev.doppel.NativeGate.call(() -> env.createSession(path.toString(), options));
  }

  /** The largest crop side Doppel feeds a model (a 1024 px face is beyond any shipped model). */
  public static final int MAX_SIZE = 1024;

  /**
   * A Doppel model's graph must be what its metadata says: one float input 1x3xSxS and two float
   * outputs, 1x3xSxS (face) and 1x1xSxS (mask), with S = doppel.size. Anything else would make the
   * swapper write past its buffers, so it is refused here, at load time.
   */
  private static ModelInfo checkedPair(ModelInfo info) {
    String where = "cannot load model: " + info.path() + ": ";
    int s = info.size();
    if (s < 16 || s > MAX_SIZE) {
      throw DoppelException.processing(where + "doppel.size " + s + " is outside 16.." + MAX_SIZE);
    }
    long[] image = {1, 3, s, s};
    long[] mask = {1, 1, s, s};
    if (info.inputs().size() != 1 || !isFloatOfShape(info.inputs().get(0), image)) {
      throw DoppelException.processing(
          where
              + "a pair model takes one float input 1x3x"
              + s
              + "x"
              + s
              + "; this graph takes "
              + info.inputs());
    }
    List<Port> outs = info.outputs();
    boolean ok =
        outs.size() == 2
            && ((isFloatOfShape(outs.get(0), image) && isFloatOfShape(outs.get(1), mask))
                || (isFloatOfShape(outs.get(0), mask) && isFloatOfShape(outs.get(1), image)));
    if (!ok) {
      throw DoppelException.processing(
          where
              + "a pair model gives two float outputs, 1x3x"
              + s
              + "x"
              + s
              + " (face) and 1x1x"
              + s
              + "x"
              + s
              + " (mask); this graph gives "
              + outs);
    }
    return info;
  }

  /** Whether the port is a float tensor of this shape (a free batch dimension allowed). */
  private static boolean isFloatOfShape(Port p, long[] shape) {
    long[] s = p.shape();
    if (!p.type().equals("float") || s.length != shape.length) return false;
    for (int d = 0; d < s.length; d++) {
      if (s[d] != shape[d] && !(d == 0 && s[d] < 0)) return false;
    }
    return true;
  }

  /** The input port fed with the aligned crop (one-shot: the 1x3xSxS one). */
  public Port imageInput() {
    return inputs.stream().filter(p -> p.shape().length == 4).findFirst().orElseThrow();
  }

  private static ModelInfo bySignature(
      Path path, Map<String, String> meta, List<Port> inputs, List<Port> outputs) {
    if (inputs.stream().anyMatch(p -> p.shape().length == 4 && p.shape()[2] > MAX_SIZE)) {
      throw DoppelException.processing(
          "cannot load model: "
              + path
              + ": its image input is "
              + "larger than "
              + MAX_SIZE
              + " px (inputs "
              + inputs
              + ")");
    }
    if (inputs.size() == 2 && outputs.size() == 1) {
      Port image = inputs.stream().filter(ModelInfo::isSquareImage).findFirst().orElse(null);
      Port latent = inputs.stream().filter(p -> p.shape().length == 2).findFirst().orElse(null);
      if (image != null
          && latent != null
          && latent.shape()[1] == 512
          && Arrays.equals(outputs.get(0).shape(), image.shape())) {
        return new ModelInfo(
            path,
            ModelKind.ONESHOT,
            (int) image.shape()[2],
            AlignmentTemplate.ARCFACE,
            "RGB",
            "any",
            "source photo",
            meta,
            inputs,
            outputs);
      }
    }
    if (inputs.size() == 1
        && outputs.size() == 1
        && isSquareImage(inputs.get(0))
        && inputs.get(0).shape()[2] == 112
        && outputs.get(0).shape().length == 2
        && outputs.get(0).shape()[1] == 512) {
      return new ModelInfo(
          path,
          ModelKind.RECOGNIZER,
          112,
          AlignmentTemplate.ARCFACE,
          "RGB",
          "-",
          "-",
          meta,
          inputs,
          outputs);
    }
    throw DoppelException.usage(
        "cannot load model: "
            + path
            + ": neither a Doppel model (no "
            + "doppel.kind metadata) nor an inswapper- or ArcFace-style graph (inputs "
            + inputs
            + ", outputs "
            + outputs
            + ")");
  }

  private static boolean isSquareImage(Port p) {
    long[] s = p.shape();
    return s.length == 4 && s[1] == 3 && s[2] > 0 && s[2] == s[3];
  }

  private static List<Port> ports(Map<String, NodeInfo> info) {
    List<Port> ports = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : info.entrySet()) {
      if (e.getValue().getInfo() instanceof TensorInfo t) {
        ports.add(
            new Port(
                e.getKey(), t.type.toString().toLowerCase(java.util.Locale.ROOT), t.getShape()));
      } else {
        ports.add(new Port(e.getKey(), "non-tensor", new long[0]));
      }
    }
    return List.copyOf(ports);
  }
}
