package dev.doppel.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.OutputStore;
import dev.doppel.output.Provenance;
import dev.doppel.output.StoredFile;
import dev.doppel.output.TempFiles;
import dev.doppel.provenance.c2pa.ContentCredentials;
import dev.doppel.provenance.c2pa.CredentialFacts;
import dev.doppel.provenance.c2pa.SigningIdentity;
import dev.doppel.swap.FaceSelection;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.OneShotSwapper;
import dev.doppel.swap.Swapper;
import dev.doppel.swap.SwapperPool;
import dev.doppel.video.EncodeSettings;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One {@link ClipJob} as plain values, so that it can travel to another JVM (a Spark executor) and
 * be rendered there exactly as a local worker renders it: every decision (which clip, which model
 * and source face, perturbations, seed) was taken by the planner.
 *
 * @param index the job's place in the plan
 * @param clipFile the target clip (the same path on every machine: a shared filesystem)
 * @param writeReals whether this job also writes the target's reals
 * @param fake null for a reals-only job
 * @param deepfakeBench the export's settings, or null for none
 */
public record ClipTask(
    int index,
    String target,
    String clipFile,
    boolean writeReals,
    String realSet,
    List<String> compression,
    List<ClipRenderer.Step> perturbations,
    long seed,
    TrackerSettings tracker,
    FakeTask fake,
    DeepfakeBench deepfakeBench)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /**
   * @param model the graph file
   * @param sourceEmbedding a one-shot model's source face; null for a pair graph
   * @param faces which faces to swap ({@link FaceSelection#parse} form)
   * @param modelSha256 the model file's SHA-256, and {@code targetSha256} the target clip's: hashed
   *     once per build on the driver, recorded in the fake's Content Credentials
   * @param signer the driver's C2PA signing identity (key and chain, PEM): every worker signs with
   *     it, so a cluster build has the bytes of a local one. It travels inside the task, over
   *     Spark's RPC: encrypt that (spark.network.crypto.enabled) on a network you do not trust.
   */
  public record FakeTask(
      String method,
      String name,
      String model,
      float[] sourceEmbedding,
      String faces,
      String modelSha256,
      String targetSha256,
      String signer)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The key under which a worker keeps this model loaded between jobs. */
    public String modelKey() {
      return Path.of(model).toAbsolutePath().toString();
    }

    /** Loads the model (the slow part; workers keep it for the jobs after this one). */
    public Swapper open() {
      return recipe().open();
    }

    /** Points a swapper opened from the same model at this task's source face. */
    public void prepare(Swapper swapper) {
      if (swapper instanceof OneShotSwapper oneShot) oneShot.source(sourceEmbedding);
    }

    private SwapperRecipe recipe() {
      return new SwapperRecipe(ModelInfo.read(Path.of(model)), sourceEmbedding);
    }
  }

  /**
   * @param signer the signing identity's PEM ({@link SigningIdentity#toPem}), the same for every
   *     task of a build
   * @param sha256 a file's SHA-256, remembered between the tasks of a build
   */
  static ClipTask of(
      int index,
      ClipJob job,
      DatasetSpec spec,
      DatasetPlanner.Plan plan,
      TrackerSettings tracker,
      String signer,
      Function<Path, String> sha256) {
    FakeTask fake = null;
    if (job instanceof ClipJob.Fake f) {
      fake =
          new FakeTask(
              f.method(),
              f.name(),
              f.recipe().info().path().toAbsolutePath().toString(),
              f.recipe().sourceEmbedding(),
              f.selection().toString(),
              sha256.apply(f.recipe().info().path()),
              sha256.apply(plan.clipFile().get(job.target())),
              signer);
    }
    return new ClipTask(
        index,
        job.target(),
        plan.clipFile().get(job.target()).toAbsolutePath().toString(),
        job.writeReals(),
        spec.realSet(),
        List.copyOf(spec.compression()),
        List.copyOf(spec.perturbationsFor(job.target())),
        spec.seed() * 31 + job.target().hashCode(),
        tracker,
        fake,
        spec.deepfakeBench());
  }

  /**
   * Renders this clip into a local temp folder and stores each file under {@code building} in
   * {@code store} (atomically, so a killed or repeated attempt leaves no half file).
   */
  public RenderedClip renderAndStore(OutputStore store, String building, SwapperPool models)
      throws IOException {
    Path local = Files.createTempDirectory("doppel-clip-");
    try {
      ClipRenderer.Result result = ClipJobRunner.render(this, local, models);
      List<StoredFile> files = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(local)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          String rel = local.relativize(f).toString().replace('\\', '/');
          files.add(new StoredFile(rel, Files.size(f), Provenance.sha256(f)));
          store.put(f, store.child(building, rel));
        }
      }
      return new RenderedClip(index, result, files);
    } finally {
      TempFiles.deleteTree(local);
    }
  }

  /**
   * Content Credentials in each fake (MP4; the lossless MKV of c0 has no C2PA embedding), made
   * reproducibly: the same spec and signing key give the same bytes on every run and worker. Reals
   * stay unsigned, as they stay untagged: only what Doppel altered is labelled.
   */
  private void signFakes(List<ClipRenderer.Output> fakes) {
    for (ClipRenderer.Output o : fakes) {
      String name = o.path().getFileName().toString();
      ContentCredentials.embedReproducibly(
          o.path(),
          name,
          SigningIdentity.fromPem(fake.signer()),
          new CredentialFacts(
              name,
              "face-swap",
              true,
              target,
              fake.targetSha256(),
              Path.of(fake.model()).getFileName().toString(),
              fake.modelSha256(),
              null));
    }
  }

  /**
   * Renders this clip's files under {@code root} (the dataset's layout).
   *
   * @param swapper the fake's loaded swapper, already {@link FakeTask#prepare prepared}; null for
   *     reals only
   */
  public ClipRenderer.Result render(Path root, Swapper swapper) throws IOException {
    DatasetLayout layout = new DatasetLayout(realSet);
    List<ClipRenderer.Output> reals = new ArrayList<>();
    List<ClipRenderer.Output> fakes = new ArrayList<>();
    Map<String, String> fakeTags = Provenance.containerTags("face-swap", true);
    for (String c : compression) {
      if (writeReals) {
        Path real = root.resolve(layout.real(c, target));
        Files.createDirectories(real.getParent());
        reals.add(new ClipRenderer.Output(real, DatasetLayout.encoding(c, real), Map.of()));
      }
      if (fake != null) {
        Path file = root.resolve(DatasetLayout.fake(fake.method(), c, fake.name()));
        Files.createDirectories(file.getParent());
        fakes.add(new ClipRenderer.Output(file, DatasetLayout.encoding(c, file), fakeTags));
      }
    }
    ClipRenderer.Fake rendered = null;
    if (fake != null) {
      Path maskFile = root.resolve(DatasetLayout.mask(fake.method(), fake.name()));
      Path notes = root.resolve(DatasetLayout.fakeAnnotations(fake.method(), fake.name()));
      Files.createDirectories(maskFile.getParent());
      Files.createDirectories(notes.getParent());
      ClipRenderer.Output mask =
          new ClipRenderer.Output(
              maskFile,
              EncodeSettings.forOutput(maskFile, "ffv1", null, null),
              Provenance.containerTags("dataset-mask", false));
      FaceSelection selection = FaceSelection.parse(fake.faces());
      rendered =
          new ClipRenderer.Fake(
              swapper,
              new FaceBlender(BlendSettings.defaults()),
              selection::pick,
              fakes,
              mask,
              notes);
    }
    Path realNotes = writeReals ? root.resolve(layout.realAnnotations(target)) : null;
    if (realNotes != null) Files.createDirectories(realNotes.getParent());
    ClipRenderer.Result result =
        ClipRenderer.render(
            Path.of(clipFile),
            tracker,
            new ClipRenderer.Reals(reals, realNotes),
            rendered,
            perturbations,
            seed);
    if (fake != null) signFakes(fakes);
    if (deepfakeBench != null) {
      Map<Long, JsonNode> realFaces =
          writeReals ? deepfakeBench.facesToCrop(realNotes, result.frames(), false) : null;
      Map<Long, JsonNode> fakeFaces =
          fake != null
              ? deepfakeBench.facesToCrop(rendered.annotations(), result.frames(), true)
              : null;
      for (int i = 0; i < compression.size(); i++) {
        String c = compression.get(i);
        if (writeReals) {
          deepfakeBench.export(
              root, reals.get(i).path(), realFaces, null, DeepfakeBench.realFrames(c, target));
        }
        if (fake != null) {
          deepfakeBench.export(
              root,
              fakes.get(i).path(),
              fakeFaces,
              rendered.mask().path(),
              DeepfakeBench.fakeFrames(c, fake.method(), fake.name()));
        }
      }
    }
    return result;
  }
}
