package dev.doppel.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The models Doppel knows: those it can download ({@code models/catalog.json}) and those shipped in
 * the models folder ({@code models/manifest.json}).
 */
public record Catalog(Path folder, List<Entry> downloadable, List<Entry> shipped) {

  /**
   * One model file. {@code url} is null for shipped files; {@code commercialUse} false when the
   * licence forbids it (pull then asks for --accept-licence).
   */
  public record Entry(
      String name,
      String file,
      String role,
      String url,
      String sha256,
      long size,
      String licence,
      boolean commercialUse,
      String contract) {}

  /** Where models live: $DOPPEL_MODELS, else the installation's models folder, else ./models. */
  public static Path defaultFolder() {
    String env = System.getenv("DOPPEL_MODELS");
    if (env != null && !env.isBlank()) return Path.of(env);
    String home = System.getProperty("doppel.home");
    return home != null ? Path.of(home, "models") : Path.of("models");
  }

  /** Reads {@code catalogFile} (default: folder/catalog.json) and folder/manifest.json. */
  public static Catalog read(Path folder, Path catalogFile) {
    Path file = catalogFile != null ? catalogFile : folder.resolve("catalog.json");
    List<Entry> downloadable = new ArrayList<>();
    for (JsonNode m : json(file).path("models")) {
      Entry e =
          new Entry(
              text(m, "name", file),
              fileName(m, file),
              m.path("role").asText(""),
              text(m, "url", file),
              text(m, "sha256", file),
              m.path("size").asLong(-1),
              text(m, "licence", file),
              m.path("commercial_use").asBoolean(false),
              m.path("contract").asText(""));
      String where = "cannot read catalogue: " + file + ": entry " + e.name() + ": ";
      String scheme = e.url().contains(":") ? e.url().substring(0, e.url().indexOf(':')) : "";
      if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
        throw DoppelException.usage(
            where + "url " + e.url() + ": only http and https " + "downloads are supported");
      }
      // a download stops at the declared size: without one an endless server fills the disk
      if (e.size() <= 0) {
        throw DoppelException.usage(where + "needs a 'size' in bytes (a positive number)");
      }
      if (!e.sha256().matches("[0-9a-f]{64}")) {
        throw DoppelException.usage(where + "sha256 must be 64 lower-case hex digits");
      }
      downloadable.add(e);
    }
    List<Entry> shipped = new ArrayList<>();
    Path manifest = folder.resolve("manifest.json");
    if (Files.isRegularFile(manifest)) {
      for (JsonNode m : json(manifest).path("files")) {
        String f = fileName(m, manifest);
        if (!f.endsWith(".onnx") && !f.endsWith(".tflite")) continue;
        shipped.add(
            new Entry(
                f.replaceFirst("\\.[a-z]+$", ""),
                f,
                m.path("role").asText(""),
                null,
                text(m, "sha256", manifest),
                m.path("size").asLong(-1),
                m.path("licence").asText(""),
                true,
                ""));
      }
    }
    return new Catalog(folder, List.copyOf(downloadable), List.copyOf(shipped));
  }

  public Entry find(String name) {
    return downloadable.stream()
        .filter(e -> e.name().equals(name) || e.file().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                DoppelException.usage(
                    "models pull "
                        + name
                        + ": not in the "
                        + "catalogue (known: "
                        + String.join(", ", downloadable.stream().map(Entry::name).toList())
                        + ")"));
  }

  private static JsonNode json(Path file) {
    if (!Files.isRegularFile(file)) {
      throw DoppelException.usage("cannot read catalogue: " + file + ": no such file");
    }
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw DoppelException.usage(
          "cannot read catalogue: "
              + file
              + ": not valid JSON ("
              + e.getMessage().lines().findFirst().orElse("")
              + ")");
    }
  }

  /**
   * An entry's file name: one plain path segment, so that nothing is written outside the models
   * folder ("../x", "/etc/x" and hidden names are refused).
   */
  private static String fileName(JsonNode node, Path file) {
    String f = text(node, "file", file);
    if (!f.matches("[A-Za-z0-9_][A-Za-z0-9._+-]*")) {
      throw DoppelException.usage(
          "cannot read catalogue: "
              + file
              + ": file '"
              + f
              + "' must be a plain file name (letters, digits, . _ + -), not a path");
    }
    return f;
  }

  private static String text(JsonNode node, String field, Path file) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw DoppelException.usage(
          "cannot read catalogue: " + file + ": an entry has no '" + field + "'");
    }
    return v.asText();
  }
}
