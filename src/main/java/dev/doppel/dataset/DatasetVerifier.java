package dev.doppel.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code doppel dataset verify DIR}: every file the metadata names exists with its recorded size
 * and SHA-256; each mask has the same frame count and timestamps as its fakes; no identity sits
 * in two splits and every fake is in its identities' split; the counts of metadata.json,
 * dataset.json and the split lists agree. Returns the problems found (empty: all is well).
 */
public final class DatasetVerifier {
  public static final String CHECKSUMS = "checksums.json";

  private DatasetVerifier() {}

  public static List<String> verify(Path root) {
    List<String> problems = new ArrayList<>();
    JsonNode checksums = json(root.resolve(CHECKSUMS), problems);
    JsonNode metadata = json(root.resolve("metadata.json"), problems);
    JsonNode dataset = json(root.resolve("dataset.json"), problems);
    if (checksums == null || metadata == null || dataset == null) return problems;

    checksums.properties().forEach(e -> {
      Path f = root.resolve(e.getKey());
      if (!Files.isRegularFile(f)) {
        problems.add(e.getKey() + ": missing");
        return;
      }
      try {
        if (Files.size(f) != e.getValue().path("size").asLong()
            || !Provenance.sha256(f).equals(e.getValue().path("sha256").asText())) {
          problems.add(e.getKey() + ": size or SHA-256 differs from checksums.json");
        }
      } catch (IOException ex) {
        problems.add(e.getKey() + ": " + ex.getMessage());
      }
    });
    metadata.fieldNames().forEachRemaining(name -> {
      if (!checksums.has(name)) problems.add("metadata.json names " + name
          + ", which checksums.json does not list");
    });

    Map<String, String> identitySplit = new HashMap<>();
    dataset.path("identity_splits").properties().forEach(e ->
        identitySplit.put(e.getKey(), e.getValue().asText()));
    // one source video under two identities puts one person in two splits
    Map<String, String> clipOfSource = new HashMap<>();
    dataset.path("clip_sources_sha256").properties().forEach(e -> {
      String clip = e.getKey();
      String other = clipOfSource.putIfAbsent(e.getValue().asText(), clip);
      String identity = dataset.path("clips").path(clip).asText();
      String otherIdentity = other == null ? null : dataset.path("clips").path(other).asText();
      if (other != null && !identity.equals(otherIdentity)) {
        problems.add("clips " + other + " (" + otherIdentity + ", "
            + identitySplit.get(otherIdentity) + ") and " + clip + " (" + identity + ", "
            + identitySplit.get(identity) + ") are the same source video (SHA-256 "
            + e.getValue().asText() + "): one person under two identities (identity leak)");
      }
    });
    int fakesInMetadata = 0;
    for (var entry : metadata.properties()) {
      if (entry.getValue().path("label").asText().equals("FAKE")) fakesInMetadata++;
    }
    int levels = dataset.path("compression").size();
    JsonNode fakes = dataset.path("fakes");
    if (fakes.size() * levels != fakesInMetadata) {
      problems.add("dataset.json lists " + fakes.size() + " fakes x " + levels
          + " compression levels, metadata.json " + fakesInMetadata + " fake files");
    }
    Map<String, Integer> pairsPerSplit = new HashMap<>();
    for (JsonNode fake : fakes) {
      String name = fake.path("name").asText();
      String split = fake.path("split").asText();
      pairsPerSplit.merge(split, 1, Integer::sum);
      for (String role : List.of("target", "source")) {
        String identity = fake.path(role).path("identity").asText();
        if (!split.equals(identitySplit.get(identity))) {
          problems.add(name + ": in " + split + ", but its " + role + " identity " + identity
              + " is in " + identitySplit.get(identity) + " (identity leak)");
        }
      }
      Path mask = root.resolve(fake.path("mask").asText());
      List<Long> maskPts = pts(mask, problems);
      fake.path("files").properties().forEach(e -> {
        List<Long> fakePts = pts(root.resolve(e.getValue().asText()), problems);
        if (maskPts != null && fakePts != null && !sameTiming(maskPts, fakePts)) {
          problems.add(fake.path("mask").asText() + ": " + maskPts.size() + " frames, "
              + e.getValue().asText() + ": " + fakePts.size() + " (frames or timestamps differ)");
        }
      });
    }
    for (String split : Splits.NAMES) {
      JsonNode list = json(root.resolve("splits/" + split + ".json"), problems);
      int expected = pairsPerSplit.getOrDefault(split, 0);
      if (list != null && list.size() != expected) {
        problems.add("splits/" + split + ".json lists " + list.size() + " pairs, dataset.json "
            + expected);
      }
    }
    return problems;
  }

  /** Mask agreement of one fake, or why it was not measured. */
  public record MaskCheck(String fake, MaskAgreement.Stats stats, String skipped) {}

  /**
   * Measures {@link MaskAgreement} for every fake with a lossless (c0) copy and no
   * video-compression perturbation.
   */
  public static List<MaskCheck> maskAgreement(Path root) {
    List<MaskCheck> out = new ArrayList<>();
    JsonNode metadata = json(root.resolve("metadata.json"), new ArrayList<>());
    JsonNode dataset = json(root.resolve("dataset.json"), new ArrayList<>());
    if (metadata == null || dataset == null) return out;
    for (JsonNode fake : dataset.path("fakes")) {
      String name = fake.path("name").asText();
      String c0 = fake.path("files").path("c0").asText(null);
      boolean compressed = false;
      for (JsonNode step : fake.path("perturbations")) {
        compressed |= step.path("kind").asText().equals(Perturbation.VIDEO_COMPRESSION.name());
      }
      if (c0 == null || compressed) {
        out.add(new MaskCheck(name, null, c0 == null ? "no c0 level"
            : "video_compression changes every pixel"));
        continue;
      }
      String real = metadata.path(c0).path("original").asText();
      out.add(new MaskCheck(name, MaskAgreement.measure(root.resolve(real), root.resolve(c0),
          root.resolve(fake.path("mask").asText())), null));
    }
    return out;
  }

  /**
   * Same frame count, and each frame at the same time after the first within 1 ms (Matroska
   * stores milliseconds). Times are compared from each file's first frame: a Matroska file
   * with AAC audio starts its video late by the audio's priming (about 46 ms at 22 kHz),
   * because Matroska cannot store the negative audio timestamps an MP4 edit list hides, while
   * the silent mask starts at 0 — the same frames, shifted as a whole.
   */
  private static boolean sameTiming(List<Long> a, List<Long> b) {
    if (a.size() != b.size()) return false;
    if (a.isEmpty()) return true;
    long a0 = a.get(0);
    long b0 = b.get(0);
    for (int i = 0; i < a.size(); i++) {
      if (Math.abs((a.get(i) - a0) - (b.get(i) - b0)) > 1000) return false;
    }
    return true;
  }

  private static List<Long> pts(Path video, List<String> problems) {
    if (!Files.isRegularFile(video)) return null; // reported with the checksums
    List<Long> out = new ArrayList<>();
    try (VideoReader r = VideoReader.open(video)) {
      for (VideoFrame f = r.next(); f != null; f = r.next()) {
        out.add(f.micros());
        f.close();
      }
    } catch (DoppelException e) {
      problems.add(e.getMessage());
      return null;
    }
    return out;
  }

  private static JsonNode json(Path file, List<String> problems) {
    try {
      return Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      problems.add(file.getFileName() + ": " + (Files.exists(file) ? "not valid JSON"
          : "missing"));
      return null;
    }
  }
}
