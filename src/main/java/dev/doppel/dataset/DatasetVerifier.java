package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.output.Provenance;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code doppel dataset verify DIR}: every file the metadata names exists with its recorded size
 * and SHA-256; each mask has the same frame count and timestamps as its fakes; no identity sits in
 * two splits and every fake is in its identities' split; the counts of metadata.json, dataset.json
 * and the split lists agree. Returns the problems found (empty: all is well).
 */
public final class DatasetVerifier {
  private DatasetVerifier() {}

  public static List<String> verify(Path root) {
    List<String> problems = new ArrayList<>();
    Map<String, DatasetMetadata.Checksum> checksums =
        read(root.resolve(DatasetLayout.CHECKSUMS), DatasetMetadata::readChecksums, problems);
    Map<String, DatasetMetadata.FileLabel> labels =
        read(root.resolve(DatasetLayout.METADATA), DatasetMetadata::readLabels, problems);
    DatasetMetadata.Dataset dataset =
        read(root.resolve(DatasetLayout.DATASET), DatasetMetadata::readDataset, problems);
    if (checksums == null || labels == null || dataset == null) return problems;

    checksums.forEach(
        (name, sum) -> {
          Path f = root.resolve(name);
          if (!Files.isRegularFile(f)) {
            problems.add(name + ": missing");
            return;
          }
          try {
            if (Files.size(f) != sum.size() || !Provenance.sha256(f).equals(sum.sha256())) {
              problems.add(name + ": size or SHA-256 differs from checksums.json");
            }
          } catch (IOException ex) {
            problems.add(name + ": " + ex.getMessage());
          }
        });
    labels
        .keySet()
        .forEach(
            name -> {
              if (!checksums.containsKey(name))
                problems.add(
                    "metadata.json names " + name + ", which checksums.json does not list");
            });

    Map<String, String> identitySplit = orEmpty(dataset.identitySplits());
    Map<String, String> clips = orEmpty(dataset.clips());
    // one source video under two identities puts one person in two splits
    Map<String, String> clipOfSource = new HashMap<>();
    orEmpty(dataset.clipSourcesSha256())
        .forEach(
            (clip, sha) -> {
              String other = clipOfSource.putIfAbsent(sha, clip);
              String identity = clips.get(clip);
              String otherIdentity = other == null ? null : clips.get(other);
              if (other != null && !Objects.equals(identity, otherIdentity)) {
                problems.add(
                    "clips "
                        + other
                        + " ("
                        + otherIdentity
                        + ", "
                        + identitySplit.get(otherIdentity)
                        + ") and "
                        + clip
                        + " ("
                        + identity
                        + ", "
                        + identitySplit.get(identity)
                        + ") are the same source video (SHA-256 "
                        + sha
                        + "): one person under two identities (identity leak)");
              }
            });
    long fakesInMetadata = labels.values().stream().filter(l -> "FAKE".equals(l.label())).count();
    int levels = orEmpty(dataset.compression()).size();
    List<DatasetMetadata.Fake> fakes = dataset.fakes() == null ? List.of() : dataset.fakes();
    if ((long) fakes.size() * levels != fakesInMetadata) {
      problems.add(
          "dataset.json lists "
              + fakes.size()
              + " fakes x "
              + levels
              + " compression levels, metadata.json "
              + fakesInMetadata
              + " fake files");
    }
    Map<String, Integer> pairsPerSplit = new HashMap<>();
    for (DatasetMetadata.Fake fake : fakes) {
      pairsPerSplit.merge(fake.split(), 1, Integer::sum);
      Map<String, String> roles = new LinkedHashMap<>();
      roles.put("target", fake.target() == null ? null : fake.target().identity());
      roles.put("source", fake.source() == null ? null : fake.source().identity());
      roles.forEach(
          (role, identity) -> {
            if (fake.split() == null || !fake.split().equals(identitySplit.get(identity))) {
              problems.add(
                  fake.name()
                      + ": in "
                      + fake.split()
                      + ", but its "
                      + role
                      + " identity "
                      + identity
                      + " is in "
                      + identitySplit.get(identity)
                      + " (identity leak)");
            }
          });
      if (fake.mask() == null) {
        problems.add(fake.name() + ": dataset.json names no mask");
        continue;
      }
      List<Long> maskPts = pts(root.resolve(fake.mask()), problems);
      orEmpty(fake.files())
          .forEach(
              (level, file) -> {
                List<Long> fakePts = pts(root.resolve(file), problems);
                if (maskPts != null && fakePts != null && !sameTiming(maskPts, fakePts)) {
                  problems.add(
                      fake.mask()
                          + ": "
                          + maskPts.size()
                          + " frames, "
                          + file
                          + ": "
                          + fakePts.size()
                          + " (frames or timestamps differ)");
                }
              });
    }
    for (String split : Splits.NAMES) {
      List<List<String>> list =
          read(root.resolve(DatasetLayout.splitList(split)), DatasetMetadata::readPairs, problems);
      int expected = pairsPerSplit.getOrDefault(split, 0);
      if (list != null && list.size() != expected) {
        problems.add(
            DatasetLayout.splitList(split)
                + " lists "
                + list.size()
                + " pairs, dataset.json "
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
    Map<String, DatasetMetadata.FileLabel> labels =
        read(root.resolve(DatasetLayout.METADATA), DatasetMetadata::readLabels, new ArrayList<>());
    DatasetMetadata.Dataset dataset =
        read(root.resolve(DatasetLayout.DATASET), DatasetMetadata::readDataset, new ArrayList<>());
    if (labels == null || dataset == null || dataset.fakes() == null) return out;
    for (DatasetMetadata.Fake fake : dataset.fakes()) {
      String c0 = orEmpty(fake.files()).get("c0");
      boolean compressed =
          fake.perturbations() != null
              && fake.perturbations().stream()
                  .anyMatch(step -> step.kind() == Perturbation.VIDEO_COMPRESSION);
      if (c0 == null || compressed) {
        out.add(
            new MaskCheck(
                fake.name(),
                null,
                c0 == null ? "no c0 level" : "video_compression changes every pixel"));
        continue;
      }
      DatasetMetadata.FileLabel label = labels.get(c0);
      if (label == null || label.original() == null || fake.mask() == null) {
        out.add(new MaskCheck(fake.name(), null, "metadata names no real or mask for " + c0));
        continue;
      }
      out.add(
          new MaskCheck(
              fake.name(),
              MaskAgreement.measure(
                  root.resolve(label.original()), root.resolve(c0), root.resolve(fake.mask())),
              null));
    }
    return out;
  }

  /**
   * Same frame count, and each frame at the same time after the first within 1 ms (Matroska stores
   * milliseconds). Times are compared from each file's first frame: a Matroska file with AAC audio
   * starts its video late by the audio's priming (about 46 ms at 22 kHz), because Matroska cannot
   * store the negative audio timestamps an MP4 edit list hides, while the silent mask starts at 0 —
   * the same frames, shifted as a whole.
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

  /** The file's content, or null with the problem (missing, not valid) recorded. */
  private static <T> T read(Path file, Reader<T> reader, List<String> problems) {
    try {
      T value = reader.read(file);
      if (value == null) throw new IOException("empty");
      return value;
    } catch (IOException e) {
      problems.add(file.getFileName() + ": " + (Files.exists(file) ? "not valid JSON" : "missing"));
      return null;
    }
  }

  private interface Reader<T> {
    T read(Path file) throws IOException;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
