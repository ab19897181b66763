package dev.doppel.swap;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the graph for a direction. {@code --model} names either one direction's file ({@code
 * models/pair96-astronaut2hopper.onnx}) or the pair's common prefix ({@code models/pair96}), in
 * which case {@code --direction a2b|b2a} picks the file whose {@code doppel.direction} metadata
 * matches (FP32 graphs, or with {@code --int8} the quantised {@code *.int8.onnx} ones).
 */
public final class ModelResolver {
  private ModelResolver() {}

  /** Whether {@code model} names a file or a pair prefix with graphs, without loading any. */
  public static boolean exists(Path model) {
    return Files.isRegularFile(model) || !pairFiles(model, false).isEmpty();
  }

  /** The FP32 (or INT8) graphs named {@code PREFIX-*.onnx}, sorted; empty if none. */
  private static List<Path> pairFiles(Path model, boolean int8) {
    Path folder = model.toAbsolutePath().getParent();
    String prefix = model.getFileName().toString() + "-";
    if (folder == null || !Files.isDirectory(folder)) return List.of();
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .filter(
              p ->
                  p.getFileName().toString().startsWith(prefix)
                      && p.toString().endsWith(".onnx")
                      && p.toString().endsWith(".int8.onnx") == int8)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** PREFIX-S2T[.int8].onnx's partner PREFIX-T2S[.int8].onnx, if it exists. */
  public static Path partner(ModelInfo model) {
    String name = model.path().getFileName().toString();
    String forward = "-" + model.source() + "2" + model.target();
    String back = "-" + model.target() + "2" + model.source();
    int at = name.lastIndexOf(forward + ".");
    if (at < 0) return null;
    Path p =
        model
            .path()
            .resolveSibling(name.substring(0, at) + back + name.substring(at + forward.length()));
    return Files.isRegularFile(p) ? p : null;
  }

  /**
   * The graph of {@code model}'s family that swaps faces into {@code identity}: a pair's partner
   * (PREFIX-T2S for PREFIX-S2T), or PREFIX-to-NAME beside PREFIX-to-T; null if it is not there.
   */
  public static Path graphInto(ModelInfo model, String identity) {
    String name = model.path().getFileName().toString();
    String into = "-to-" + model.target();
    int at = name.lastIndexOf(into + ".");
    if (at >= 0) {
      Path p =
          model
              .path()
              .resolveSibling(
                  name.substring(0, at) + "-to-" + identity + name.substring(at + into.length()));
      return Files.isRegularFile(p) ? p : null;
    }
    return identity.equals(model.source()) ? partner(model) : null;
  }

  public static ModelInfo resolve(Path model, String direction) {
    return resolve(model, direction, false);
  }

  /**
   * Every graph of a trained model's prefix: a pair's a2b and b2a, or one graph into each identity
   * of a larger model, in its training order.
   */
  public static List<ModelInfo> graphsOf(Path model) {
    ModelInfo first = resolveAny(model);
    List<String> identities = first.identities();
    if (identities.size() == 2) return List.of(resolve(model, "a2b"), resolve(model, "b2a"));
    return identities.stream().map(id -> resolve(model, null, false, id)).toList();
  }

  /** Some graph of a prefix (or the file), to learn the model's identities. */
  private static ModelInfo resolveAny(Path model) {
    if (Files.isRegularFile(model)) return ModelInfo.read(model);
    List<Path> files = pairFiles(model, false);
    if (files.isEmpty()) return resolve(model, "a2b"); // its error says what is missing
    return ModelInfo.read(files.get(0));
  }

  public static ModelInfo resolve(Path model, String direction, boolean int8) {
    return resolve(model, direction, int8, null);
  }

  /**
   * @param int8 with a prefix, take the pair's INT8 graphs ({@code *.int8.onnx}, made by
   *     training/quantize.py) instead of the FP32 ones
   * @param to the identity to swap faces into ({@code --to}): picks the graph of a prefix whose
   *     target it is; null for a pair's {@code direction} (a2b when that is null too)
   */
  public static ModelInfo resolve(Path model, String direction, boolean int8, String to) {
    if (direction != null && !direction.equals("a2b") && !direction.equals("b2a")) {
      throw DoppelException.usage("--direction " + direction + ": use a2b or b2a");
    }
    if (direction != null && to != null) {
      throw DoppelException.usage("--to and --direction both choose the graph: give one");
    }
    if (model.getFileName().toString().endsWith(".onnx") && !Files.exists(model)) {
      throw DoppelException.usage("cannot load model: " + model + ": no such file");
    }
    if (Files.isRegularFile(model)) {
      ModelInfo info = ModelInfo.read(model);
      if (to != null && !to.equals(info.target())) {
        throw DoppelException.usage(
            "--to "
                + to
                + ": "
                + model
                + " swaps faces into "
                + info.target()
                + "; name the"
                + " model's prefix to choose among its graphs");
      }
      String own = info.metadata().get("doppel.direction");
      if (direction != null && own != null && !own.equals(direction)) {
        throw DoppelException.usage(
            "--direction "
                + direction
                + ": "
                + model
                + " is the "
                + own
                + " graph ("
                + info.source()
                + " to "
                + info.target()
                + ")");
      }
      return info;
    }
    String prefix = model.getFileName().toString() + "-";
    List<ModelInfo> candidates = pairFiles(model, int8).stream().map(ModelInfo::read).toList();
    if (candidates.isEmpty()) {
      throw DoppelException.usage(
          "cannot load model: "
              + model
              + ": no such file, nor graphs "
              + prefix
              + (int8 ? "*.int8.onnx" : "*.onnx")
              + " of a model prefix");
    }
    if (to != null) {
      for (ModelInfo info : candidates) {
        if (to.equals(info.target())) return info;
      }
      throw DoppelException.usage(
          "--to "
              + to
              + ": "
              + model
              + " has no graph into "
              + to
              + "; its identities: "
              + String.join(", ", candidates.get(0).identities()));
    }
    if (direction == null && !candidates.isEmpty() && candidates.get(0).identities().size() > 2) {
      throw DoppelException.usage(
          model
              + " holds "
              + candidates.get(0).identities().size()
              + " identities ("
              + String.join(", ", candidates.get(0).identities())
              + "): choose the one to swap in with --to NAME");
    }
    String wanted = direction != null ? direction : "a2b";
    for (ModelInfo info : candidates) {
      if (wanted.equals(info.metadata().get("doppel.direction"))) return info;
    }
    throw DoppelException.usage(
        "cannot load model: "
            + model
            + ": no file "
            + prefix
            + (int8 ? "*.int8.onnx" : "*.onnx")
            + " with direction "
            + wanted);
  }
}
