package dev.doppel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every shipped model and sample has its origin, licence and SHA-256 recorded. */
class ManifestTest {
  @Test
  void modelsAreAllInTheirManifest() throws Exception {
    check(Path.of("models"));
  }

  @Test
  void samplesAreAllInTheirManifest() throws Exception {
    check(Path.of("samples"));
  }

  private static void check(Path folder) throws Exception {
    JsonNode manifest = Json.MAPPER.readTree(folder.resolve("manifest.json").toFile());
    Map<String, JsonNode> entries = new HashMap<>();
    manifest.get("files").forEach(e -> entries.put(e.get("file").asText(), e));
    // models a user pulled (doppel models pull) are described by the catalogue instead
    java.util.Set<String> pulled = new java.util.HashSet<>();
    Path catalog = folder.resolve("catalog.json");
    if (Files.exists(catalog)) {
      Json.MAPPER
          .readTree(catalog.toFile())
          .get("models")
          .forEach(
              e -> {
                pulled.add(e.get("file").asText());
                pulled.add(e.get("file").asText() + ".part");
              });
    }
    List<Path> files;
    try (var list = Files.list(folder)) {
      files =
          list.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().equals("manifest.json"))
              .filter(p -> !p.getFileName().toString().endsWith(".sh"))
              .filter(p -> !pulled.contains(p.getFileName().toString()))
              .toList();
    }
    assertFalse(files.isEmpty());
    for (Path f : files) {
      String name = f.getFileName().toString();
      JsonNode e = entries.remove(name);
      assertTrue(e != null, folder + "/" + name + " is missing from the manifest");
      assertEquals(e.get("sha256").asText(), Provenance.sha256(f), name + " SHA-256");
      assertEquals(e.get("size").asLong(), Files.size(f), name + " size");
      assertFalse(e.path("licence").asText().isBlank(), name + " licence");
      assertFalse(e.path("origin").isMissingNode(), name + " origin");
    }
    assertEquals(Map.of(), entries, "manifest lists files that are not there");
  }
}
