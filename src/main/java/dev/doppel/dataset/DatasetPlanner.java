package dev.doppel.dataset;

import dev.doppel.Version;
import dev.doppel.face.TrackerSettings;
import dev.doppel.identity.FaceClips;
import dev.doppel.identity.Recognizer;
import dev.doppel.output.Provenance;
import dev.doppel.swap.FaceSelection;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.ModelResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides every clip of a dataset before any is rendered: identity splits from the seed, clip ids,
 * each method's fakes (pair models: every clip of the identity the model reads; one-shot models:
 * {@code sources_per_target} other identities of the target's split, chosen from the seed), then
 * the clips no fake used. The first job of a target clip also writes its reals.
 */
final class DatasetPlanner {
  /** Frames per clip whose embeddings make a one-shot source identity. */
  static final int SOURCE_FRAMES_PER_CLIP = 8;

  private DatasetPlanner() {}

  /**
   * @param split identity to split
   * @param identityOfClip clip id to identity, sorted by clip id
   * @param clipFile clip id to its source file
   * @param jobs in render order (each method's fakes, then reals only)
   */
  record Plan(
      Map<String, String> split,
      Map<String, String> identityOfClip,
      Map<String, Path> clipFile,
      List<ClipJob> jobs,
      List<DatasetMetadata.SkippedPair> skipped) {}

  static Plan plan(DatasetSpec spec, TrackerSettings tracker) {
    Map<String, String> split =
        Splits.assign(spec.identities().keySet(), spec.splitRatios(), spec.seed());
    Map<String, String> identityOfClip = new TreeMap<>();
    Map<String, Path> clipFile = new TreeMap<>();
    spec.identities()
        .forEach(
            (identity, clips) -> {
              for (int i = 0; i < clips.size(); i++) {
                String id = clipId(identity, i);
                identityOfClip.put(id, identity);
                clipFile.put(id, clips.get(i));
              }
            });
    Plan plan = new Plan(split, identityOfClip, clipFile, new ArrayList<>(), new ArrayList<>());
    Set<String> realsPlanned = new HashSet<>();
    for (DatasetSpec.Method method : spec.methods()) {
      if (method.oneShot()) {
        planOneShot(spec, method, tracker, plan, realsPlanned);
      } else {
        planPair(method, plan, realsPlanned);
      }
    }
    for (String target : identityOfClip.keySet()) {
      if (realsPlanned.add(target)) plan.jobs().add(new ClipJob.RealsOnly(target));
    }
    return plan;
  }

  /**
   * Every graph of a trained model (a pair's two directions, or one into each identity of a larger
   * model), on every clip of an identity the graph reads: one training gives every (target, source)
   * pair of its identities.
   */
  private static void planPair(DatasetSpec.Method method, Plan plan, Set<String> realsPlanned) {
    FaceSelection selection = FaceSelection.parse(method.faces());
    for (ModelInfo info : ModelResolver.graphsOf(method.model())) {
      String direction = info.metadata().getOrDefault("doppel.direction", "to-" + info.target());
      String sourceIdentity = info.target(); // the identity the model renders
      DatasetMetadata.Method record = methodRecord(method, info).withDirection(direction);
      for (Map.Entry<String, String> clip : plan.identityOfClip().entrySet()) {
        if (!info.reads().contains(clip.getValue())) continue; // the faces the model reads
        String target = clip.getKey();
        String pairSplit = Splits.ofPair(plan.split(), clip.getValue(), sourceIdentity);
        if (pairSplit == null) {
          plan.skipped()
              .add(
                  new DatasetMetadata.SkippedPair(
                      target + "_" + sourceIdentity,
                      "target identity "
                          + clip.getValue()
                          + " is in "
                          + plan.split().get(clip.getValue())
                          + ", source identity "
                          + sourceIdentity
                          + " in "
                          + plan.split().get(sourceIdentity)));
          continue;
        }
        plan.jobs()
            .add(
                new ClipJob.Fake(
                    method.name(),
                    new SwapperRecipe(info, null),
                    selection,
                    target,
                    sourceIdentity,
                    pairSplit,
                    record,
                    new DatasetMetadata.Source(sourceIdentity, null),
                    realsPlanned.add(target)));
      }
    }
  }

  /**
   * A one-shot method places {@code sources_per_target} other identities (chosen from the seed
   * among those in the target's split) on every clip. Each source identity's face is the averaged
   * embedding of frames spread over all its clips.
   */
  private static void planOneShot(
      DatasetSpec spec,
      DatasetSpec.Method method,
      TrackerSettings tracker,
      Plan plan,
      Set<String> realsPlanned) {
    FaceSelection selection = FaceSelection.parse(method.faces());
    ModelInfo info = ModelInfo.read(method.model());
    DatasetMetadata.Method record =
        methodRecord(method, info)
            .withRecognizer(
                method.recognizer().getFileName().toString(),
                Provenance.sha256(method.recognizer()));
    Map<String, FaceClips.Identity> sources = new TreeMap<>();
    try (Recognizer recognizer = new Recognizer(method.recognizer())) {
      for (Map.Entry<String, String> clip : plan.identityOfClip().entrySet()) {
        String target = clip.getKey();
        List<String> candidates = new ArrayList<>();
        for (String other : spec.identities().keySet()) {
          if (!other.equals(clip.getValue())
              && Splits.ofPair(plan.split(), clip.getValue(), other) != null) {
            candidates.add(other);
          }
        }
        candidates.sort(null);
        if (candidates.isEmpty()) {
          plan.skipped()
              .add(
                  new DatasetMetadata.SkippedPair(
                      target + "_*",
                      "no other identity in split " + plan.split().get(clip.getValue())));
          continue;
        }
        Collections.shuffle(candidates, new Random(spec.seed() * 1_000_033L + target.hashCode()));
        for (String source :
            candidates.subList(0, Math.min(method.sourcesPerTarget(), candidates.size()))) {
          FaceClips.Identity identity =
              sources.computeIfAbsent(
                  source,
                  s ->
                      FaceClips.identity(
                          spec.identities().get(s), recognizer, tracker, SOURCE_FRAMES_PER_CLIP));
          plan.jobs()
              .add(
                  new ClipJob.Fake(
                      method.name(),
                      new SwapperRecipe(info, identity.embedding()),
                      selection,
                      target,
                      source,
                      Splits.ofPair(plan.split(), clip.getValue(), source),
                      record,
                      new DatasetMetadata.Source(source, embeddingFrames(spec, source, identity)),
                      realsPlanned.add(target)));
        }
      }
    }
  }

  /** What dataset.json records of a method; callers add direction or recogniser. */
  private static DatasetMetadata.Method methodRecord(DatasetSpec.Method method, ModelInfo info) {
    return new DatasetMetadata.Method(
        method.name(),
        info.kind().toString(),
        "Doppel " + Version.get(),
        info.path().getFileName().toString(),
        Provenance.sha256(info.path()),
        null,
        null,
        null);
  }

  /** A clip's id in the dataset: its identity and its place in the spec's list. */
  static String clipId(String identity, int index) {
    return String.format("%s-%02d", identity, index);
  }

  /** Frames each source clip was embedded from: clip id to frame indices. */
  private static Map<String, List<Long>> embeddingFrames(
      DatasetSpec spec, String identity, FaceClips.Identity faces) {
    Map<String, List<Long>> out = new TreeMap<>();
    List<Path> clips = spec.identities().get(identity);
    for (int i = 0; i < clips.size(); i++) {
      out.put(clipId(identity, i), faces.frames().get(i));
    }
    return out;
  }
}
