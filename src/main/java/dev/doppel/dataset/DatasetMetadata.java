package dev.doppel.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.doppel.blend.BlendSettings;
import dev.doppel.output.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The metadata files of a dataset as records: {@code dataset.json}, {@code metadata.json} (DFDC
 * style, one label per video file) and {@code checksums.json}. {@link DatasetBuilder} writes them,
 * {@link DatasetVerifier} reads them back. Component order is the order of the keys in the files,
 * and nothing in them depends on the clock, so the same spec gives the same bytes.
 */
final class DatasetMetadata {
  static final int SCHEMA_VERSION = 1;

  private DatasetMetadata() {}

  /** dataset.json. */
  record Dataset(
      @JsonProperty("schema_version") int schemaVersion,
      String tool,
      String name,
      long seed,
      @JsonProperty("spec_sha256") String specSha256,
      String layout,
      Map<String, Compression> compression,
      @JsonProperty("identity_splits") Map<String, String> identitySplits,
      Map<String, String> clips,
      @JsonProperty("clip_sources_sha256") Map<String, String> clipSourcesSha256,
      @JsonProperty("real_perturbations") Map<String, List<ClipRenderer.Step>> realPerturbations,
      @JsonProperty("video_compression_encoder") String videoCompressionEncoder,
      List<Fake> fakes,
      @JsonProperty("skipped_pairs") List<SkippedPair> skippedPairs,
      @JsonInclude(JsonInclude.Include.NON_NULL) DeepfakeBench deepfakebench) {}

  /** How a compression level is encoded; {@code crf} is a number or "lossless". */
  record Compression(
      String container, String codec, Object crf, @JsonProperty("pix_fmt") String pixFmt) {}

  /** One fake video (in every compression level) and what made it. */
  record Fake(
      String name,
      String label,
      String split,
      Target target,
      Source source,
      String roles,
      Method method,
      String faces,
      BlendSettings blend,
      Frames frames,
      Map<String, String> files,
      String mask,
      String annotations,
      List<ClipRenderer.Step> perturbations) {}

  record Target(String clip, String identity, String file, String sha256) {}

  /**
   * @param embeddingFrom one-shot methods: the frames of each clip the face was embedded from
   */
  record Source(
      String identity, @JsonProperty("embedding_from") Map<String, List<Long>> embeddingFrom) {}

  /** A method's model; pair models add the direction, one-shot models the recogniser. */
  record Method(
      String name,
      String kind,
      String tool,
      String model,
      @JsonProperty("weights_sha256") String weightsSha256,
      String direction,
      String recognizer,
      @JsonProperty("recognizer_sha256") String recognizerSha256) {
    Method withDirection(String d) {
      return new Method(name, kind, tool, model, weightsSha256, d, recognizer, recognizerSha256);
    }

    Method withRecognizer(String file, String sha256) {
      return new Method(name, kind, tool, model, weightsSha256, direction, file, sha256);
    }
  }

  record Frames(
      long count,
      long manipulated,
      int offset,
      @JsonProperty("manipulated_segments") List<long[]> manipulatedSegments) {}

  record SkippedPair(String pair, String reason) {}

  /** metadata.json's entry of one video file; {@code original} is the real of a fake. */
  record FileLabel(String label, String split, String original) {}

  /** checksums.json's entry of one file. */
  record Checksum(long size, String sha256) {}

  /** Pretty-printed JSON and a final newline, folders made as needed. */
  static void write(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n");
  }

  // newer files may carry keys this version does not know; Step's parameter is derived
  private static final ObjectReader READER =
      Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static Dataset readDataset(Path file) throws IOException {
    return READER.readValue(file.toFile(), Dataset.class);
  }

  static Map<String, FileLabel> readLabels(Path file) throws IOException {
    return READER.forType(new TypeReference<Map<String, FileLabel>>() {}).readValue(file.toFile());
  }

  static Map<String, Checksum> readChecksums(Path file) throws IOException {
    return READER.forType(new TypeReference<Map<String, Checksum>>() {}).readValue(file.toFile());
  }

  static List<List<String>> readPairs(Path file) throws IOException {
    return READER.forType(new TypeReference<List<List<String>>>() {}).readValue(file.toFile());
  }
}
