package dev.doppel.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.doppel.output.Provenance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Metadata a shipped graph was published without, recorded in the {@code manifest.json} beside it
 * (its entry's {@code "metadata"}). The demo pair96 graphs predate the held-out figures that {@code
 * doppel train} writes into every graph; rewriting 40 MB of weights to add two numbers would only
 * grow the repository, so the manifest, which already vouches for each file, carries them. An entry
 * counts only for the exact file it describes: same name and SHA-256, so a retrained or edited
 * graph never inherits another graph's figures.
 */
final class ShippedMetadata {
  private ShippedMetadata() {}

  static Optional<String> get(Path graph, String key) {
    Path manifest = graph.toAbsolutePath().resolveSibling("manifest.json");
    if (!Files.isRegularFile(manifest)) return Optional.empty();
    JsonNode files;
    try {
      files = new ObjectMapper().readTree(manifest.toFile()).path("files");
    } catch (IOException e) {
      return Optional.empty(); // an unreadable manifest vouches for nothing
    }
    String name = graph.getFileName().toString();
    for (JsonNode entry : files) {
      JsonNode value = entry.path("metadata").path(key);
      if (!entry.path("file").asText().equals(name) || !value.isTextual()) continue;
      if (!entry.path("sha256").asText().equals(Provenance.sha256(graph))) return Optional.empty();
      return Optional.of(value.asText());
    }
    return Optional.empty();
  }

  /** {@code key} from the graph's own metadata, else from its manifest entry. */
  static Optional<String> get(Map<String, String> metadata, Path graph, String key) {
    String own = metadata.get(key);
    return own != null ? Optional.of(own) : get(graph, key);
  }
}
