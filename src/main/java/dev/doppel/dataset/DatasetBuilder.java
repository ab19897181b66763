package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.Version;
import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.Json;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.Provenance;
import dev.doppel.output.TempFiles;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

  /** @param workers clips rendered at once (each worker loads its own models) */
  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public static Summary build(DatasetSpec spec, Path destination, TrackerSettings tracker,
      int workers) {
    Path dest = destination.toAbsolutePath().normalize();
    if (Files.exists(dest)) {
      throw DoppelException.usage("cannot write dataset: " + dest + ": already exists");
    }
    Path parent = dest.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw DoppelException.usage("cannot write dataset: " + dest + ": the folder " + parent
          + " does not exist");
    }
    try (OutputClaim claim = OutputClaim.take(dest)) {
      // checked again under the claim: another run may have finished it meanwhile
      if (Files.exists(dest)) {
        throw DoppelException.usage("cannot write dataset: " + dest + ": already exists");
      }
      Path work = parent.resolve("." + dest.getFileName() + ".building");
      TempFiles.deleteTree(work); // a killed run's (the claim says no live run owns it)
      try {
        TempFiles.register(work);
        Summary s = buildInto(spec, work, tracker, workers);
        Files.move(work, dest, StandardCopyOption.ATOMIC_MOVE);
        return new Summary(dest, s.reals(), s.fakes(), s.skippedPairs());
      } catch (IOException e) {
        throw DoppelException.processing("cannot write dataset: " + dest + ": "
            + OutputPaths.describe(e));
      } finally {
        TempFiles.deleteTree(work);
        TempFiles.forget(work);
      }
    }
  }

  private static Summary buildInto(DatasetSpec spec, Path root, TrackerSettings tracker,
      int workers) throws IOException {
    Map<String, String> split = Splits.assign(spec.identities().keySet(), spec.splitRatios(),
        spec.seed());
    Map<String, String> identityOfClip = new TreeMap<>();
    Map<String, Path> clipFile = new TreeMap<>();
    spec.identities().forEach((identity, clips) -> {
      for (int i = 0; i < clips.size(); i++) {
        String id = clipId(identity, i);
        identityOfClip.put(id, identity);
        clipFile.put(id, clips.get(i));
      }
    });
    List<Map<String, Object>> skipped = new ArrayList<>();
    List<ClipJob> jobs = plan(spec, tracker, split, identityOfClip, skipped);
    BlendSettings blend = BlendSettings.defaults();
    List<ClipRenderer.Result> results = new ClipJobRunner(spec, root, tracker, clipFile,
        new FaceBlender(blend)).run(jobs, workers);

    // metadata in plan order, so it does not depend on which worker finished first
    Map<String, Object> metadata = new TreeMap<>();
    List<Map<String, Object>> entries = new ArrayList<>();
    List<List<String>> pairs = new ArrayList<>();
    Map<String, String> clipSha = new HashMap<>();
    int reals = 0;
    for (int i = 0; i < jobs.size(); i++) {
      ClipJob job = jobs.get(i);
      String targetIdentity = identityOfClip.get(job.target());
      if (job.writeReals()) reals++;
      for (String c : spec.compression()) {
        metadata.put(realPath(spec, c, job.target()), label("REAL", split.get(targetIdentity),
            null));
      }
      if (job.recipe() == null) continue; // reals only
      pairs.add(List.of(job.target(), job.sourceIdentity()));
      for (String c : spec.compression()) {
        metadata.put(fakePath(job.method(), c, job.name()), label("FAKE", job.split(),
            realPath(spec, c, job.target())));
      }
      String targetSha = clipSha.computeIfAbsent(job.target(),
          t -> Provenance.sha256(clipFile.get(t))); // once per clip, however many fakes
      entries.add(entry(spec, job, results.get(i), targetIdentity, clipFile.get(job.target()),
          targetSha, blend));
    }
    int fakes = entries.size();
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
      compression.put(c, fields("container", e.container(), "codec", e.codec(), "crf",
          e.crf() == null ? "lossless" : e.crf(), "pix_fmt", e.pixelFormat()));
    }
    dataset.put("compression", compression);
    dataset.put("identity_splits", split);
    dataset.put("clips", identityOfClip);
    // the source file of every clip, so that verify can see one video under two identities
    Map<String, String> sources = new TreeMap<>();
    clipFile.forEach((clip, file) -> sources.put(clip,
        clipSha.computeIfAbsent(clip, c -> Provenance.sha256(file))));
    dataset.put("clip_sources_sha256", sources);
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

  /**
   * Decides every clip to render, in a fixed order: each method's fakes, then clips no fake
   * used (reals only). The first job of a target clip also writes its reals.
   */
  private static List<ClipJob> plan(DatasetSpec spec, TrackerSettings tracker,
      Map<String, String> split, Map<String, String> identityOfClip,
      List<Map<String, Object>> skipped) {
    List<ClipJob> jobs = new ArrayList<>();
    Set<String> realsPlanned = new HashSet<>();
    for (DatasetSpec.Method method : spec.methods()) {
      FaceSelection selection = FaceSelection.parse(method.faces());
      if (method.oneShot()) {
        planOneShot(spec, method, selection, tracker, split, identityOfClip, realsPlanned, jobs,
            skipped);
        continue;
      }
      for (String direction : List.of("a2b", "b2a")) {
        ModelInfo info = ModelResolver.resolve(method.model(), direction);
        String sourceIdentity = info.target(); // the identity the model renders
        Map<String, Object> methodInfo = methodInfo(method, info);
        methodInfo.put("direction", direction);
        for (Map.Entry<String, String> clip : identityOfClip.entrySet()) {
          if (!clip.getValue().equals(info.source())) continue; // the face the model reads
          String target = clip.getKey();
          String pairSplit = Splits.ofPair(split, clip.getValue(), sourceIdentity);
          if (pairSplit == null) {
            skipped.add(fields("pair", target + "_" + sourceIdentity, "reason", "target "
                + "identity " + clip.getValue() + " is in " + split.get(clip.getValue())
                + ", source identity " + sourceIdentity + " in " + split.get(sourceIdentity)));
            continue;
          }
          jobs.add(new ClipJob(method.name(), new SwapperRecipe(info, null), selection, target,
              sourceIdentity, pairSplit, methodInfo, Map.of("identity", sourceIdentity),
              realsPlanned.add(target)));
        }
      }
    }
    for (String target : identityOfClip.keySet()) {
      if (realsPlanned.add(target)) {
        jobs.add(new ClipJob(null, null, null, target, null, null, null, null, true));
      }
    }
    return jobs;
  }

  /**
   * A one-shot method places {@code sources_per_target} other identities (chosen from the seed
   * among those in the target's split) on every clip. Each source identity's face is the
   * averaged embedding of frames spread over all its clips.
   */
  private static void planOneShot(DatasetSpec spec, DatasetSpec.Method method,
      FaceSelection selection, TrackerSettings tracker, Map<String, String> split,
      Map<String, String> identityOfClip, Set<String> realsPlanned, List<ClipJob> jobs,
      List<Map<String, Object>> skipped) {
    ModelInfo info = ModelInfo.read(method.model());
    Map<String, Object> methodInfo = methodInfo(method, info);
    methodInfo.put("recognizer", method.recognizer().getFileName().toString());
    methodInfo.put("recognizer_sha256", Provenance.sha256(method.recognizer()));
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
          skipped.add(fields("pair", target + "_*", "reason", "no other identity in split "
              + split.get(clip.getValue())));
          continue;
        }
        Collections.shuffle(candidates, new Random(spec.seed() * 1_000_033L
            + target.hashCode()));
        for (String source : candidates.subList(0, Math.min(method.sourcesPerTarget(),
            candidates.size()))) {
          FaceClips.Identity identity = sources.computeIfAbsent(source, s -> FaceClips.identity(
              spec.identities().get(s), recognizer, tracker, SOURCE_FRAMES_PER_CLIP));
          Map<String, Object> sourceInfo = new LinkedHashMap<>();
          sourceInfo.put("identity", source);
          sourceInfo.put("embedding_from", embeddingFrames(spec, source, identity));
          jobs.add(new ClipJob(method.name(), new SwapperRecipe(info, identity.embedding()),
              selection, target, source, Splits.ofPair(split, clip.getValue(), source),
              methodInfo, sourceInfo, realsPlanned.add(target)));
        }
      }
    }
  }

  /** What dataset.json records of a method; callers add direction or recogniser. */
  private static Map<String, Object> methodInfo(DatasetSpec.Method method, ModelInfo info) {
    return fields("name", method.name(), "kind", info.kind(), "tool", "Doppel "
        + Version.get(), "model", info.path().getFileName().toString(), "weights_sha256",
        Provenance.sha256(info.path()));
  }

  /** A clip's id in the dataset: its identity and its place in the spec's list. */
  private static String clipId(String identity, int index) {
    return String.format("%s-%02d", identity, index);
  }

  /** Frames each source clip was embedded from: clip id to frame indices. */
  private static Map<String, List<Long>> embeddingFrames(DatasetSpec spec, String identity,
      FaceClips.Identity faces) {
    Map<String, List<Long>> out = new TreeMap<>();
    List<Path> clips = spec.identities().get(identity);
    for (int i = 0; i < clips.size(); i++) {
      out.put(clipId(identity, i), faces.frames().get(i));
    }
    return out;
  }

  /** Frames per clip whose embeddings make a one-shot source identity. */
  static final int SOURCE_FRAMES_PER_CLIP = 8;

  /** dataset.json's record of one fake. */
  private static Map<String, Object> entry(DatasetSpec spec, ClipJob job,
      ClipRenderer.Result r, String targetIdentity, Path targetFile, String targetSha,
      BlendSettings blend) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", job.name());
    e.put("label", "FAKE");
    e.put("split", job.split());
    e.put("target", fields("clip", job.target(), "identity", targetIdentity, "file",
        targetFile.getFileName().toString(), "sha256", targetSha));
    e.put("source", job.sourceInfo());
    e.put("roles", "file name is <target>_<source>: the source identity's face placed on "
        + "the target clip");
    e.put("method", job.methodInfo());
    e.put("faces", job.selection().toString());
    e.put("blend", blend);
    e.put("frames", fields("count", r.frames(), "manipulated", r.manipulated(),
        "offset", 0, "manipulated_segments", r.manipulatedSegments()));
    e.put("files", spec.compression().stream().collect(TreeMap::new, (m, c) -> m.put(c,
        fakePath(job.method(), c, job.name())), TreeMap::putAll));
    e.put("mask", maskPath(job.method(), job.name()));
    e.put("annotations", fakeAnnotationsPath(job.method(), job.name()));
    e.put("perturbations", spec.perturbationsFor(job.target()));
    return e;
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
        out.put(rel, fields("size", Files.size(p), "sha256", Provenance.sha256(p)));
      }
    }
    return out;
  }

  static String fakeAnnotationsPath(String method, String name) {
    return "annotations/" + method + "/" + name + ".jsonl";
  }

  static String realAnnotationsPath(DatasetSpec spec, String clip) {
    return "annotations/original/" + spec.realSet() + "/" + clip + ".jsonl";
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

  /**
   * An ordered map of key/value pairs. JSON written from {@code Map.of} would list its keys in
   * an order that changes from one JVM to the next, and datasets must be byte-identical.
   */
  static Map<String, Object> fields(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static Map<String, Object> label(String label, String split, String original) {
    return fields("label", label, "split", split, "original", original);
  }

  private static void write(Path file, Object value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter()
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
}
