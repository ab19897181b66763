package dev.doppel.swap;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.doppel.DoppelException;
import dev.doppel.face.AlignmentTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a swap model's ONNX {@code metadata_props} say (written by training/export.py): kind,
 * crop size, alignment template, colour order and the identities it maps between.
 */
public record ModelInfo(Path path, String kind, int size, AlignmentTemplate template,
    String colourOrder, String source, String target, Map<String, String> metadata) {

  public static ModelInfo read(Path path) {
    if (!Files.isRegularFile(path)) {
      throw DoppelException.usage("cannot load model: " + path + ": no such file");
    }
    // DJL's engine creates the process-wide ONNX Runtime environment with its own settings;
    // it must exist before we ask for the environment, or DJL cannot start later.
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = env.createSession(path.toString(), options)) {
      Map<String, String> meta = session.getMetadata().getCustomMetadata();
      String kind = meta.get("doppel.kind");
      if (kind == null) {
        throw DoppelException.usage("cannot load model: " + path
            + ": not a Doppel model (no doppel.kind in its metadata)");
      }
      return new ModelInfo(path, kind, Integer.parseInt(meta.getOrDefault("doppel.size", "0")),
          AlignmentTemplate.valueOf(meta.getOrDefault("doppel.template", "FACE")),
          meta.getOrDefault("doppel.colour_order", "RGB"),
          meta.getOrDefault("doppel.source_identity", "?"),
          meta.getOrDefault("doppel.target_identity", "?"), Map.copyOf(meta));
    } catch (OrtException e) {
      throw DoppelException.processing("cannot load model: " + path + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw DoppelException.processing("cannot load model: " + path + ": bad metadata ("
          + e.getMessage() + ")");
    }
  }
}
