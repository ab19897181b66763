package dev.doppel.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The training recipe (training/*.py and its specs), which travels inside Doppel's jar and is
 * copied into each training's work folder, so the run records exactly the code it ran.
 */
final class Recipe {
  static final List<String> SCRIPTS =
      List.of(
          "train.py",
          "evaluate.py",
          "export.py",
          "model.py",
          "losses.py",
          "metrics.py",
          "augment.py",
          "faceset.py",
          "spec.py");
  static final List<String> SPECS = List.of("cpu96", "cpu128", "gpu256", "tiny");
  static final String DEFAULT_SPEC = "cpu96";

  private Recipe() {}

  /** Copies the recipe into {@code folder} (replacing an older copy) and returns it. */
  static Path install(Path folder) throws IOException {
    Files.createDirectories(folder.resolve("specs"));
    for (String name : SCRIPTS) copy(name, folder.resolve(name));
    for (String name : SPECS) {
      copy("specs/" + name + ".json", folder.resolve("specs/" + name + ".json"));
    }
    return folder;
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = Recipe.class.getResourceAsStream("/training/" + resource)) {
      if (in == null) throw new IOException("training/" + resource + " is not in this build");
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Fails unless {@code given} is a spec file or the name of a shipped spec. */
  static void checkSpec(String given) {
    if (!Files.isRegularFile(Path.of(given)) && !SPECS.contains(given)) {
      throw DoppelException.usage(
          "--spec "
              + given
              + ": no such file, nor a shipped spec ("
              + String.join(", ", SPECS)
              + ")");
    }
  }

  /** A spec file, or the name of one the recipe ships ({@link #SPECS}), as installed in recipe. */
  static Path spec(String given, Path recipe) {
    checkSpec(given);
    Path file = Path.of(given);
    return Files.isRegularFile(file)
        ? file.toAbsolutePath()
        : recipe.resolve("specs/" + given + ".json");
  }

  /** What Doppel needs of a spec before training: its crop size, template and name. */
  record SpecFacts(String name, int size, String template) {}

  static SpecFacts facts(Path spec) {
    try {
      JsonNode s = Json.MAPPER.readTree(spec.toFile());
      return new SpecFacts(
          s.path("name").asText("pair"),
          s.path("size").asInt(96),
          s.path("template").asText("FACE"));
    } catch (IOException e) {
      throw DoppelException.usage("--spec " + spec + ": not valid JSON (" + e.getMessage() + ")");
    }
  }
}
