package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.Version;
import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.TrackerSettings;
import dev.doppel.pipeline.FaceJson;
import dev.doppel.pipeline.Provenance;
import dev.doppel.swap.FaceSelection;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.ModelResolver;
import dev.doppel.swap.PairSwapper;
import dev.doppel.video.CompressionRoundTrip;
import dev.doppel.video.EncodeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code doppel dataset}: real/fake pairs in the FaceForensics++ layout with binary mask videos,
 * DFDC-style {@code metadata.json}, a richer {@code dataset.json}, identity-disjoint splits as FF++
 * pair lists and per-frame annotations. Built in a hidden folder beside the destination and
 * renamed into place when complete. The metadata holds no clock times, so the same spec and seed
 * give byte-identical metadata.
 */
public final class DatasetBuilder {
  public static final int SCHEMA_VERSION = 1;

  private DatasetBuilder() {}

  public record Summary(Path dir, int reals, int fakes, int skippedPairs) {}

  /**
   * Encoding of a compression level (FF++ names). c0 is FF++'s libx264rgb at CRF 0 where the
   * build has it (-Pgpl), else lossless FFV1 in Matroska; c23/c40 are H.264 at that CRF (the
   * LGPL build's OpenH264 bounds its quantiser instead; see README).
   */
  public static EncodeSettings encoding(String level, Path file) {
    return switch (level) {
      case "c0" -> LOSSLESS_H264
          ? EncodeSettings.forOutput(file, "h264rgb", 0, null)
          : EncodeSettings.forOutput(file, "ffv1", null, null);
      case "c23" -> EncodeSettings.forOutput(file, "h264", 23, null);
      case "c40" -> EncodeSettings.forOutput(file, "h264", 40, null);
      default -> throw DoppelException.usage("compression " + level + ": use c0, c23 or c40");
    };
  }

  private static final boolean LOSSLESS_H264 = EncodeSettings.isAvailable("h264rgb");

  static String extension(String level) {
    return level.equals("c0") && !LOSSLESS_H264 ? ".mkv" : ".mp4";
  }

  public static Summary build(DatasetSpec spec, Path destination, TrackerSettings tracker) {
    Path dest = destination.toAbsolutePath().normalize();
    if (Files.exists(dest)) {
      throw DoppelException.usage("cannot write dataset: " + dest + ": already exists");
    }
    Path parent = dest.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw DoppelException.usage("cannot write dataset: " + dest + ": the folder " + parent
          + " does not exist");
    }
    Path work = parent.resolve("." + dest.getFileName() + ".building");
    deleteTree(work);
    try {
      Summary s = buildInto(spec, work, tracker);
      Files.move(work, dest, StandardCopyOption.ATOMIC_MOVE);
      return new Summary(dest, s.reals(), s.fakes(), s.skippedPairs());
    } catch (IOException e) {
      throw DoppelException.processing("cannot write dataset: " + dest + ": " + e.getMessage());
    } finally {
      deleteTree(work);
    }
  }

  private static Summary buildInto(DatasetSpec spec, Path root, TrackerSettings tracker)
      throws IOException {
    Map<String, String> split = Splits.assign(spec.identities().keySet(), spec.splitRatios(),
        spec.seed());
    Map<String, String> identityOfClip = new TreeMap<>();
    Map<String, Path> clipFile = new TreeMap<>();
    spec.identities().forEach((identity, clips) -> {
      for (int i = 0; i < clips.size(); i++) {
        String id = String.format("%s-%02d", identity, i);
        identityOfClip.put(id, identity);
        clipFile.put(id, clips.get(i));
      }
    });
    Map<String, Object> metadata = new TreeMap<>();
    List<Map<String, Object>> entries = new ArrayList<>();
    List<Map<String, Object>> skipped = new ArrayList<>();
    List<List<String>> pairs = new ArrayList<>();
    Set<String> realsWritten = new HashSet<>();
    BlendSettings blend = BlendSettings.defaults();
    FaceBlender blender = new FaceBlender(blend);
    int fakes = 0;
    for (DatasetSpec.Method method : spec.methods()) {
      for (String direction : List.of("a2b", "b2a")) {
        ModelInfo info = ModelResolver.resolve(method.model(), direction);
        String sourceIdentity = info.target(); // the identity the model renders
        FaceSelection selection = FaceSelection.parse(method.faces());
        try (PairSwapper swapper = new PairSwapper(info)) { // loaded once per direction
          for (Map.Entry<String, String> clip : identityOfClip.entrySet()) {
            if (!clip.getValue().equals(info.source())) continue; // the face the model reads
            String target = clip.getKey();
            String name = target + "_" + sourceIdentity;
            String pairSplit = Splits.ofPair(split, clip.getValue(), sourceIdentity);
            if (pairSplit == null) {
              skipped.add(Map.of("pair", name, "reason", "target identity " + clip.getValue()
                  + " is in " + split.get(clip.getValue()) + ", source identity "
                  + sourceIdentity + " in " + split.get(sourceIdentity)));
              continue;
            }
            boolean writeReals = realsWritten.add(target);
            List<ClipRenderer.Output> reals = new ArrayList<>();
            List<ClipRenderer.Output> fakeOutputs = new ArrayList<>();
            Map<String, String> fakeTags = Provenance.containerTags("face-swap", true);
            for (String c : spec.compression()) {
              Path real = root.resolve(realPath(spec, c, target));
              Path fake = root.resolve(fakePath(method.name(), c, name));
              Files.createDirectories(real.getParent());
              Files.createDirectories(fake.getParent());
              if (writeReals) reals.add(new ClipRenderer.Output(real, encoding(c, real), Map.of()));
              fakeOutputs.add(new ClipRenderer.Output(fake, encoding(c, fake), fakeTags));
            }
            Path mask = root.resolve(maskPath(method.name(), name));
            Path notes = root.resolve("annotations/" + method.name() + "/" + name + ".jsonl");
            Files.createDirectories(mask.getParent());
            Files.createDirectories(notes.getParent());
            Path realNotes = writeReals ? root.resolve(realAnnotationsPath(spec, target)) : null;
            if (realNotes != null) Files.createDirectories(realNotes.getParent());
            ClipRenderer.Result r = ClipRenderer.render(clipFile.get(target), tracker, swapper,
                blender, selection::pick, reals, fakeOutputs, new ClipRenderer.Output(mask,
                    EncodeSettings.forOutput(mask, "ffv1", null, null),
                    Provenance.containerTags("dataset-mask", false)), notes, realNotes,
                spec.perturbationsFor(target), spec.seed() * 31 + target.hashCode());
            fakes++;
            pairs.add(List.of(target, sourceIdentity));
            for (String c : spec.compression()) {
              String realRel = realPath(spec, c, target);
              metadata.put(realRel, label("REAL", split.get(clip.getValue()), null));
              metadata.put(fakePath(method.name(), c, name), label("FAKE", pairSplit, realRel));
            }
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", name);
            e.put("label", "FAKE");
            e.put("split", pairSplit);
            e.put("target", Map.of("clip", target, "identity", clip.getValue(), "file",
                clipFile.get(target).getFileName().toString(), "sha256",
                Provenance.sha256(clipFile.get(target))));
            e.put("source", Map.of("identity", sourceIdentity));
            e.put("roles", "file name is <target>_<source>: the source identity's face placed on "
                + "the target clip");
            e.put("method", Map.of("name", method.name(), "tool", "Doppel " + Version.get(),
                "model", info.path().getFileName().toString(), "direction", direction,
                "weights_sha256", Provenance.sha256(info.path())));
            e.put("faces", selection.toString());
            e.put("blend", blend);
            e.put("frames", Map.of("count", r.frames(), "manipulated", r.manipulated(),
                "offset", 0, "manipulated_segments", r.manipulatedSegments()));
            e.put("files", spec.compression().stream().collect(TreeMap::new, (m, c) -> m.put(c,
                fakePath(method.name(), c, name)), TreeMap::putAll));
            e.put("mask", maskPath(method.name(), name));
            e.put("annotations", "annotations/" + method.name() + "/" + name + ".jsonl");
            e.put("perturbations", spec.perturbationsFor(target));
            entries.add(e);
          }
        }
      }
    }
    int reals = 0;
    for (String target : identityOfClip.keySet()) {
      if (realsWritten.contains(target)) {
        reals++;
        continue;
      }
      // a clip no method used: its reals alone
      List<ClipRenderer.Output> outs = new ArrayList<>();
      for (String c : spec.compression()) {
        Path real = root.resolve(realPath(spec, c, target));
        Files.createDirectories(real.getParent());
        outs.add(new ClipRenderer.Output(real, encoding(c, real), Map.of()));
        metadata.put(realPath(spec, c, target), label("REAL",
            split.get(identityOfClip.get(target)), null));
      }
      Path realNotes = root.resolve(realAnnotationsPath(spec, target));
      Files.createDirectories(realNotes.getParent());
      ClipRenderer.render(clipFile.get(target), tracker, null, blender, f -> List.of(), outs,
          List.of(), null, null, realNotes, spec.perturbationsFor(target), spec.seed() * 31
              + target.hashCode());
      reals++;
    }
    write(root.resolve("metadata.json"), metadata);
    Map<String, Object> dataset = new LinkedHashMap<>();
    dataset.put("schema_version", SCHEMA_VERSION);
    dataset.put("tool", "Doppel " + Version.get());
    dataset.put("name", spec.name());
    dataset.put("seed", spec.seed());
    dataset.put("spec_sha256", sha256(spec.bytes()));
    dataset.put("layout", "FaceForensics++ (original_sequences/<set>/<c>/videos, "
        + "manipulated_sequences/<Method>/<c>/videos, manipulated_sequences/<Method>/masks/"
        + "videos)");
    Map<String, Object> compression = new TreeMap<>();
    for (String c : spec.compression()) {
      EncodeSettings e = encoding(c, Path.of("x" + extension(c)));
      compression.put(c, Map.of("container", e.container(), "codec", e.codec(), "crf",
          e.crf() == null ? "lossless" : e.crf(), "pix_fmt", pixelFormat(c)));
    }
    dataset.put("compression", compression);
    dataset.put("identity_splits", split);
    dataset.put("clips", identityOfClip);
    Map<String, Object> realPerturbations = new TreeMap<>();
    identityOfClip.keySet().forEach(c -> realPerturbations.put(c, spec.perturbationsFor(c)));
    dataset.put("real_perturbations", realPerturbations);
    dataset.put("video_compression_encoder", CompressionRoundTrip.encoderOfBuild());
    dataset.put("fakes", entries);
    dataset.put("skipped_pairs", skipped);
    write(root.resolve("dataset.json"), dataset);
    Map<String, List<List<String>>> lists = Splits.pairLists(split, pairs,
        invertTargets(identityOfClip, pairs));
    for (Map.Entry<String, List<List<String>>> e : lists.entrySet()) {
      write(root.resolve("splits/" + e.getKey() + ".json"), e.getValue());
    }
    write(root.resolve(DatasetVerifier.CHECKSUMS), checksums(root));
    return new Summary(root, reals, fakes, skipped.size());
  }

  /** Pair lists name the source by identity: map both roles to identities for the split. */
  private static Map<String, String> invertTargets(Map<String, String> identityOfClip,
      List<List<String>> pairs) {
    Map<String, String> out = new TreeMap<>(identityOfClip);
    for (List<String> p : pairs) out.putIfAbsent(p.get(1), p.get(1));
    return out;
  }

  /** Relative path to {size, sha256} of every file of the dataset (not of this list). */
  static Map<String, Object> checksums(Path root) throws IOException {
    Map<String, Object> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = root.relativize(p).toString();
        if (rel.equals(DatasetVerifier.CHECKSUMS)) continue;
        out.put(rel, Map.of("size", Files.size(p), "sha256", Provenance.sha256(p)));
      }
    }
    return out;
  }

  static String realAnnotationsPath(DatasetSpec spec, String clip) {
    return "annotations/original/" + spec.realSet() + "/" + clip + ".jsonl";
  }

  /** Pixel format each level is written with (see video.Codecs). */
  static String pixelFormat(String level) {
    return encoding(level, Path.of("x" + extension(level))).pixelFormat();
  }

  static String realPath(DatasetSpec spec, String c, String clip) {
    return "original_sequences/" + spec.realSet() + "/" + c + "/videos/" + clip + extension(c);
  }

  static String fakePath(String method, String c, String name) {
    return "manipulated_sequences/" + method + "/" + c + "/videos/" + name + extension(c);
  }

  static String maskPath(String method, String name) {
    return "manipulated_sequences/" + method + "/masks/videos/" + name + ".mkv";
  }

  private static Map<String, Object> label(String label, String split, String original) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label", label);
    m.put("split", split);
    m.put("original", original);
    return m;
  }

  private static void write(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, FaceJson.MAPPER.writerWithDefaultPrettyPrinter()
        .writeValueAsString(value) + "\n");
  }

  private static String sha256(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a leftover hidden work folder is removed by the next run
    }
  }
}
