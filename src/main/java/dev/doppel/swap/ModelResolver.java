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

  public static ModelInfo resolve(Path model, String direction) {
    return resolve(model, direction, false);
  }

  /**
   * @param int8 with a prefix, take the pair's INT8 graphs ({@code *.int8.onnx}, made by
   *     training/quantize.py) instead of the FP32 ones
   */
  public static ModelInfo resolve(Path model, String direction, boolean int8) {
    if (direction != null && !direction.equals("a2b") && !direction.equals("b2a")) {
      throw DoppelException.usage("--direction " + direction + ": use a2b or b2a");
    }
    if (model.getFileName().toString().endsWith(".onnx") && !Files.exists(model)) {
      throw DoppelException.usage("cannot load model: " + model + ": no such file");
    }
    if (Files.isRegularFile(model)) {
      ModelInfo info = ModelInfo.read(model);
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
    List<Path> candidates = pairFiles(model, int8);
    String wanted = direction != null ? direction : "a2b";
    for (Path p : candidates) {
      ModelInfo info = ModelInfo.read(p);
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
