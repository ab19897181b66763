package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.Version;
import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.TrackerSettings;
import dev.doppel.pipeline.FaceJson;
import dev.doppel.pipeline.Provenance;
import dev.doppel.swap.FaceClips;
import dev.doppel.swap.FaceSelection;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.ModelResolver;
import dev.doppel.swap.OneShotSwapper;
import dev.doppel.swap.PairSwapper;
import dev.doppel.swap.Recognizer;
import dev.doppel.swap.Swapper;
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
    Fakes fakeWriter = new Fakes(spec, root, tracker, split, identityOfClip, clipFile,
        metadata, entries, pairs, realsWritten, blender, blend);
    for (DatasetSpec.Method method : spec.methods()) {
      FaceSelection selection = FaceSelection.parse(method.faces());
      if (isOneShot(method.model())) {
        oneShotFakes(spec, method, selection, tracker, split, identityOfClip, fakeWriter,
            skipped);
        continue;
      }
      for (String direction : List.of("a2b", "b2a")) {
        ModelInfo info = ModelResolver.resolve(method.model(), direction);
        String sourceIdentity = info.target(); // the identity the model renders
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
            Map<String, Object> methodInfo = new LinkedHashMap<>();
            methodInfo.put("name", method.name());
            methodInfo.put("kind", ModelInfo.PAIR);
            methodInfo.put("tool", "Doppel " + Version.get());
            methodInfo.put("model", info.path().getFileName().toString());
            methodInfo.put("direction", direction);
            methodInfo.put("weights_sha256", Provenance.sha256(info.path()));
            fakeWriter.render(method.name(), swapper, selection, target, sourceIdentity,
                pairSplit, methodInfo, Map.of("identity", sourceIdentity));
          }
        }
      }
    }
    int fakes = entries.size();
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

  /** A one-shot model (inswapper-style) renders any identity; a pair prefix only its two. */
  static boolean isOneShot(Path model) {
    return Files.isRegularFile(model)
        && ModelInfo.ONESHOT.equals(ModelInfo.read(model).kind());
  }

  /**
   * A one-shot method places {@code sources_per_target} other identities (chosen from the seed
   * among those in the target's split) on every clip. Each source identity's face is the
   * averaged embedding of frames spread over all its clips.
   */
  private static void oneShotFakes(DatasetSpec spec, DatasetSpec.Method method,
      FaceSelection selection, TrackerSettings tracker, Map<String, String> split,
      Map<String, String> identityOfClip, Fakes fakeWriter, List<Map<String, Object>> skipped) {
    ModelInfo info = ModelInfo.read(method.model());
    Map<String, FaceClips.Identity> sources = new TreeMap<>();
    try (Recognizer recognizer = new Recognizer(method.recognizer())) {
      for (Map.Entry<String, String> clip : identityOfClip.entrySet()) {
        String target = clip.getKey();
        List<String> candidates = new ArrayList<>();
        for (String other : spec.identities().keySet()) {
          if (!other.equals(clip.getValue())
              && Splits.ofPair(split, clip.getValue(), other) != null) {
            candidates.add(other);
          }
        }
        candidates.sort(null);
        if (candidates.isEmpty()) {
          skipped.add(Map.of("pair", target + "_*", "reason", "no other identity in split "
              + split.get(clip.getValue())));
          continue;
        }
        java.util.Collections.shuffle(candidates, new java.util.Random(spec.seed() * 1_000_033L
            + target.hashCode()));
        for (String source : candidates.subList(0, Math.min(method.sourcesPerTarget(),
            candidates.size()))) {
          FaceClips.Identity identity = sources.computeIfAbsent(source, s -> FaceClips.identity(
              spec.identities().get(s), recognizer, tracker, SOURCE_FRAMES_PER_CLIP));
          Map<String, Object> methodInfo = new LinkedHashMap<>();
          methodInfo.put("name", method.name());
          methodInfo.put("kind", ModelInfo.ONESHOT);
          methodInfo.put("tool", "Doppel " + Version.get());
          methodInfo.put("model", info.path().getFileName().toString());
          methodInfo.put("weights_sha256", Provenance.sha256(info.path()));
          methodInfo.put("recognizer", method.recognizer().getFileName().toString());
          methodInfo.put("recognizer_sha256", Provenance.sha256(method.recognizer()));
          Map<String, Object> sourceInfo = new LinkedHashMap<>();
          sourceInfo.put("identity", source);
          sourceInfo.put("embedding_from", embeddingFrames(spec, source, identity));
          try (OneShotSwapper swapper = new OneShotSwapper(info, identity.embedding())) {
            fakeWriter.render(method.name(), swapper, selection, target, source,
                Splits.ofPair(split, clip.getValue(), source), methodInfo, sourceInfo);
          }
        }
      }
    }
  }

  /** Frames each source clip was embedded from: clip file name to frame indices. */
  private static Map<String, List<Long>> embeddingFrames(DatasetSpec spec, String identity,
      FaceClips.Identity faces) {
    Map<String, List<Long>> out = new TreeMap<>();
    List<Path> clips = spec.identities().get(identity);
    for (int i = 0; i < clips.size(); i++) {
      out.put(String.format("%s-%02d", identity, i), faces.frames().get(i));
    }
    return out;
  }

  /** Frames per clip whose embeddings make a one-shot source identity. */
  static final int SOURCE_FRAMES_PER_CLIP = 8;

  /** Renders fakes (and their reals, once per clip) and records them in the metadata. */
  private record Fakes(DatasetSpec spec, Path root, TrackerSettings tracker,
      Map<String, String> split, Map<String, String> identityOfClip, Map<String, Path> clipFile,
      Map<String, Object> metadata, List<Map<String, Object>> entries, List<List<String>> pairs,
      Set<String> realsWritten, FaceBlender blender, BlendSettings blend) {

    void render(String methodName, Swapper swapper, FaceSelection selection, String target,
        String sourceIdentity, String pairSplit, Map<String, Object> methodInfo,
        Map<String, Object> sourceInfo) {
      String name = target + "_" + sourceIdentity;
      try {
        boolean writeReals = realsWritten.add(target);
        List<ClipRenderer.Output> reals = new ArrayList<>();
        List<ClipRenderer.Output> fakeOutputs = new ArrayList<>();
        Map<String, String> fakeTags = Provenance.containerTags("face-swap", true);
        for (String c : spec.compression()) {
          Path real = root.resolve(realPath(spec, c, target));
          Path fake = root.resolve(fakePath(methodName, c, name));
          Files.createDirectories(real.getParent());
          Files.createDirectories(fake.getParent());
          if (writeReals) reals.add(new ClipRenderer.Output(real, encoding(c, real), Map.of()));
          fakeOutputs.add(new ClipRenderer.Output(fake, encoding(c, fake), fakeTags));
        }
        Path mask = root.resolve(maskPath(methodName, name));
        Path notes = root.resolve("annotations/" + methodName + "/" + name + ".jsonl");
        Files.createDirectories(mask.getParent());
        Files.createDirectories(notes.getParent());
        Path realNotes = writeReals ? root.resolve(realAnnotationsPath(spec, target)) : null;
        if (realNotes != null) Files.createDirectories(realNotes.getParent());
        ClipRenderer.Result r = ClipRenderer.render(clipFile.get(target), tracker, swapper,
            blender, selection::pick, reals, fakeOutputs, new ClipRenderer.Output(mask,
                EncodeSettings.forOutput(mask, "ffv1", null, null),
                Provenance.containerTags("dataset-mask", false)), notes, realNotes,
            spec.perturbationsFor(target), spec.seed() * 31 + target.hashCode());
        pairs.add(List.of(target, sourceIdentity));
        String targetIdentity = identityOfClip.get(target);
        for (String c : spec.compression()) {
          String realRel = realPath(spec, c, target);
          metadata.put(realRel, label("REAL", split.get(targetIdentity), null));
          metadata.put(fakePath(methodName, c, name), label("FAKE", pairSplit, realRel));
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("label", "FAKE");
        e.put("split", pairSplit);
        e.put("target", Map.of("clip", target, "identity", targetIdentity, "file",
            clipFile.get(target).getFileName().toString(), "sha256",
            Provenance.sha256(clipFile.get(target))));
        e.put("source", sourceInfo);
        e.put("roles", "file name is <target>_<source>: the source identity's face placed on "
            + "the target clip");
        e.put("method", methodInfo);
        e.put("faces", selection.toString());
        e.put("blend", blend);
        e.put("frames", Map.of("count", r.frames(), "manipulated", r.manipulated(),
            "offset", 0, "manipulated_segments", r.manipulatedSegments()));
        e.put("files", spec.compression().stream().collect(TreeMap::new, (m, c) -> m.put(c,
            fakePath(methodName, c, name)), TreeMap::putAll));
        e.put("mask", maskPath(methodName, name));
        e.put("annotations", "annotations/" + methodName + "/" + name + ".jsonl");
        e.put("perturbations", spec.perturbationsFor(target));
        entries.add(e);
      } catch (IOException ex) {
        throw DoppelException.processing("cannot write " + name + ": " + ex.getMessage());
      }
    }
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
