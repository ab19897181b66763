package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.Version;
import dev.doppel.blend.BlendSettings;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.OutputStore;
import dev.doppel.output.Provenance;
import dev.doppel.output.StoredFile;
import dev.doppel.output.TempFiles;
import dev.doppel.provenance.c2pa.ContentCredentials;
import dev.doppel.video.CompressionRoundTrip;
import dev.doppel.video.EncodeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code doppel dataset}: real/fake pairs in the FaceForensics++ layout with binary mask videos,
 * DFDC-style {@code metadata.json}, a richer {@code dataset.json}, identity-disjoint splits as FF++
 * pair lists and per-frame annotations. Built in a hidden folder beside the destination and renamed
 * into place when complete. The metadata holds no clock times, so the same spec and seed give
 * byte-identical metadata.
 */
public final class DatasetBuilder {
  private DatasetBuilder() {}

  public record Summary(String dir, int reals, int fakes, int skippedPairs) {}

  /**
   * @param workers clips rendered at once (each worker loads its own models)
   */
  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public static Summary build(
      DatasetSpec spec, Path destination, TrackerSettings tracker, int workers) {
    Path dest = destination.toAbsolutePath().normalize();
    if (Files.exists(dest)) {
      throw DoppelException.usage("cannot write dataset: " + dest + ": already exists");
    }
    Path parent = dest.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw DoppelException.usage(
          "cannot write dataset: " + dest + ": the folder " + parent + " does not exist");
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
        return new Summary(dest.toString(), s.reals(), s.fakes(), s.skippedPairs());
      } catch (IOException e) {
        throw DoppelException.processing(
            "cannot write dataset: " + dest + ": " + OutputPaths.describe(e));
      } finally {
        TempFiles.deleteTree(work);
        TempFiles.forget(work);
      }
    }
  }

  private static Summary buildInto(
      DatasetSpec spec, Path root, TrackerSettings tracker, int workers) throws IOException {
    DatasetPlanner.Plan plan = DatasetPlanner.plan(spec, tracker);
    List<ClipRenderer.Result> results =
        ClipJobRunner.run(tasks(spec, plan, tracker), root, workers);
    Summary s = writeMetadata(spec, plan, results, checksums(root).keySet(), root);
    DatasetMetadata.write(root.resolve(DatasetLayout.CHECKSUMS), checksums(root));
    return s;
  }

  /**
   * Builds the dataset with clips rendered by {@code executor} (a cluster) into {@code store}:
   * planned here exactly as {@link #build} plans, the files stored by the workers under a hidden
   * building folder beside {@code destination}, the metadata written here in plan order, then the
   * folder renamed into place. Same spec, same bytes as {@link #build}.
   */
  public static Summary build(
      DatasetSpec spec,
      String destination,
      TrackerSettings tracker,
      ClipExecutor executor,
      OutputStore store) {
    String building =
        store.child(store.parent(destination), "." + store.name(destination) + ".building");
    Path meta = null;
    try {
      if (store.exists(destination)) {
        throw DoppelException.usage("cannot write dataset: " + destination + ": already exists");
      }
      store.deleteTree(building); // a killed run's
      store.mkdirs(building);
      DatasetPlanner.Plan plan = DatasetPlanner.plan(spec, tracker);
      List<ClipTask> tasks = tasks(spec, plan, tracker);
      List<RenderedClip> rendered = new ArrayList<>(executor.render(tasks, store, building));
      rendered.sort(java.util.Comparator.comparingInt(RenderedClip::index));
      if (rendered.size() != tasks.size()) {
        throw DoppelException.processing(
            "dataset "
                + destination
                + ": "
                + rendered.size()
                + " of "
                + tasks.size()
                + " clips came back");
      }
      meta = Files.createTempDirectory("doppel-dataset-");
      Summary s =
          writeMetadata(
              spec,
              plan,
              rendered.stream().map(RenderedClip::result).toList(),
              rendered.stream().flatMap(r -> r.files().stream()).map(StoredFile::path).toList(),
              meta);
      Map<String, DatasetMetadata.Checksum> sums = checksums(meta);
      for (RenderedClip r : rendered) {
        for (StoredFile f : r.files()) {
          sums.put(f.path(), new DatasetMetadata.Checksum(f.size(), f.sha256()));
        }
      }
      DatasetMetadata.write(meta.resolve(DatasetLayout.CHECKSUMS), new TreeMap<>(sums));
      try (Stream<Path> walk = Files.walk(meta)) {
        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
          store.put(f, store.child(building, meta.relativize(f).toString().replace('\\', '/')));
        }
      }
      store.removeTemps(building); // of attempts that were killed mid-copy
      store.rename(building, destination);
      return new Summary(destination, s.reals(), s.fakes(), s.skippedPairs());
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot write dataset: " + destination + ": " + OutputPaths.describe(e));
    } finally {
      if (meta != null) TempFiles.deleteTree(meta);
      try {
        store.deleteTree(building);
      } catch (IOException e) {
        // nothing left to do: the next run deletes it first
      }
    }
  }

  /**
   * Every metadata file but checksums.json, from the plan and the rendered clips.
   *
   * @param files every file the workers wrote, relative to the dataset's folder
   */
  private static Summary writeMetadata(
      DatasetSpec spec,
      DatasetPlanner.Plan plan,
      List<ClipRenderer.Result> results,
      java.util.Collection<String> files,
      Path root)
      throws IOException {
    DatasetLayout layout = new DatasetLayout(spec.realSet());
    BlendSettings blend = BlendSettings.defaults();
    List<ClipJob> jobs = plan.jobs();
    // metadata in plan order, so it does not depend on which worker finished first
    Map<String, DatasetMetadata.FileLabel> labels = new TreeMap<>();
    List<DatasetMetadata.Fake> fakes = new ArrayList<>();
    List<List<String>> pairs = new ArrayList<>();
    Map<String, String> clipSha = new HashMap<>();
    int reals = 0;
    for (int i = 0; i < jobs.size(); i++) {
      ClipJob job = jobs.get(i);
      if (job.writeReals()) reals++;
      String targetIdentity = plan.identityOfClip().get(job.target());
      for (String c : spec.compression()) {
        labels.put(
            layout.real(c, job.target()),
            new DatasetMetadata.FileLabel("REAL", plan.split().get(targetIdentity), null));
      }
      if (!(job instanceof ClipJob.Fake fake)) continue;
      pairs.add(List.of(fake.target(), fake.sourceIdentity()));
      for (String c : spec.compression()) {
        labels.put(
            DatasetLayout.fake(fake.method(), c, fake.name()),
            new DatasetMetadata.FileLabel("FAKE", fake.split(), layout.real(c, fake.target())));
      }
      Path targetFile = plan.clipFile().get(fake.target());
      String targetSha =
          clipSha.computeIfAbsent(
              fake.target(),
              t -> Provenance.sha256(targetFile)); // once per clip, however many fakes
      fakes.add(
          fakeRecord(
              spec,
              fake,
              results.get(i),
              new DatasetMetadata.Target(
                  fake.target(), targetIdentity, targetFile.getFileName().toString(), targetSha),
              blend));
    }
    DatasetMetadata.write(root.resolve(DatasetLayout.METADATA), labels);

    Map<String, DatasetMetadata.Compression> compression = new TreeMap<>();
    for (String c : spec.compression()) {
      EncodeSettings e = DatasetLayout.encoding(c, Path.of("x" + DatasetLayout.extension(c)));
      compression.put(
          c,
          new DatasetMetadata.Compression(
              e.container(), e.codec(), e.crf() == null ? "lossless" : e.crf(), e.pixelFormat()));
    }
    // the source file of every clip, so that verify can see one video under two identities
    Map<String, String> sources = new TreeMap<>();
    plan.clipFile()
        .forEach(
            (clip, file) ->
                sources.put(clip, clipSha.computeIfAbsent(clip, c -> Provenance.sha256(file))));
    Map<String, List<ClipRenderer.Step>> realPerturbations = new TreeMap<>();
    plan.identityOfClip().keySet().forEach(c -> realPerturbations.put(c, spec.perturbationsFor(c)));
    DatasetMetadata.write(
        root.resolve(DatasetLayout.DATASET),
        new DatasetMetadata.Dataset(
            DatasetMetadata.SCHEMA_VERSION,
            "Doppel " + Version.get(),
            spec.name(),
            spec.seed(),
            Provenance.sha256(spec.bytes()),
            DatasetLayout.DESCRIPTION,
            compression,
            plan.split(),
            plan.identityOfClip(),
            sources,
            realPerturbations,
            CompressionRoundTrip.encoderOfBuild(),
            fakes,
            plan.skipped(),
            spec.deepfakeBench()));
    if (spec.deepfakeBench() != null) {
      for (Map.Entry<String, Object> e :
          spec.deepfakeBench().indexes(spec, plan, files).entrySet()) {
        DatasetMetadata.write(root.resolve(e.getKey()), e.getValue());
      }
    }

    Map<String, List<List<String>>> lists =
        Splits.pairLists(plan.split(), pairs, invertTargets(plan.identityOfClip(), pairs));
    for (Map.Entry<String, List<List<String>>> e : lists.entrySet()) {
      DatasetMetadata.write(root.resolve(DatasetLayout.splitList(e.getKey())), e.getValue());
    }
    return new Summary(root.toString(), reals, fakes.size(), plan.skipped().size());
  }

  private static List<ClipTask> tasks(
      DatasetSpec spec, DatasetPlanner.Plan plan, TrackerSettings tracker) {
    List<ClipTask> tasks = new ArrayList<>();
    String signer = ContentCredentials.signer().toPem();
    Map<Path, String> hashes = new HashMap<>();
    for (int i = 0; i < plan.jobs().size(); i++) {
      tasks.add(
          ClipTask.of(
              i,
              plan.jobs().get(i),
              spec,
              plan,
              tracker,
              signer,
              file -> hashes.computeIfAbsent(file.toAbsolutePath(), Provenance::sha256)));
    }
    return tasks;
  }

  /** dataset.json's record of one fake. */
  private static DatasetMetadata.Fake fakeRecord(
      DatasetSpec spec,
      ClipJob.Fake job,
      ClipRenderer.Result r,
      DatasetMetadata.Target target,
      BlendSettings blend) {
    Map<String, String> files = new TreeMap<>();
    spec.compression().forEach(c -> files.put(c, DatasetLayout.fake(job.method(), c, job.name())));
    return new DatasetMetadata.Fake(
        job.name(),
        "FAKE",
        job.split(),
        target,
        job.source(),
        "file name is <target>_<source>: the source identity's face placed on the target clip",
        job.methodRecord(),
        job.selection().toString(),
        blend,
        new DatasetMetadata.Frames(r.frames(), r.manipulated(), 0, r.manipulatedSegments()),
        files,
        DatasetLayout.mask(job.method(), job.name()),
        DatasetLayout.fakeAnnotations(job.method(), job.name()),
        spec.perturbationsFor(job.target()));
  }

  /** Pair lists name the source by identity: map both roles to identities for the split. */
  private static Map<String, String> invertTargets(
      Map<String, String> identityOfClip, List<List<String>> pairs) {
    Map<String, String> out = new TreeMap<>(identityOfClip);
    for (List<String> p : pairs) out.putIfAbsent(p.get(1), p.get(1));
    return out;
  }

  /** Every file of the dataset (but this list) by relative path, in path order. */
  static Map<String, DatasetMetadata.Checksum> checksums(Path root) throws IOException {
    Map<String, DatasetMetadata.Checksum> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = root.relativize(p).toString();
        if (rel.equals(DatasetLayout.CHECKSUMS)) continue;
        out.put(rel, new DatasetMetadata.Checksum(Files.size(p), Provenance.sha256(p)));
      }
    }
    return out;
  }
}
