package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.Provenance;
import dev.doppel.swap.Swapper;
import dev.doppel.video.EncodeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Renders a dataset's {@link ClipJob}s on N worker threads. Each worker loads the models it needs
 * once and closes them when it ends; the first failure stops the others (they finish their current
 * clip) and is rethrown. Results come back in job order.
 */
final class ClipJobRunner {
  private final DatasetSpec spec;
  private final DatasetLayout layout;
  private final Path root;
  private final TrackerSettings tracker;
  private final Map<String, Path> clipFile;
  private final FaceBlender blender;

  ClipJobRunner(
      DatasetSpec spec,
      DatasetLayout layout,
      Path root,
      TrackerSettings tracker,
      Map<String, Path> clipFile,
      FaceBlender blender) {
    this.spec = spec;
    this.layout = layout;
    this.root = root;
    this.tracker = tracker;
    this.clipFile = clipFile;
    this.blender = blender;
  }

  List<ClipRenderer.Result> run(List<ClipJob> jobs, int workers) {
    ClipRenderer.Result[] results = new ClipRenderer.Result[jobs.size()];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < Math.max(1, Math.min(workers, jobs.size())); w++) {
      Thread t =
          new Thread(
              () -> {
                Map<String, Swapper> loaded = new HashMap<>();
                try {
                  for (int i = next.getAndIncrement();
                      i < jobs.size() && failure.get() == null;
                      i = next.getAndIncrement()) {
                    ClipJob job = jobs.get(i);
                    Swapper swapper = null;
                    if (job instanceof ClipJob.Fake fake) {
                      swapper =
                          loaded.computeIfAbsent(
                              fake.recipe().modelKey(), k -> fake.recipe().open());
                      fake.recipe().prepare(swapper);
                    }
                    results[i] = render(job, swapper);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  loaded.values().forEach(Swapper::close);
                }
              },
              "dataset-" + w);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw DoppelException.processing("dataset build interrupted");
      }
    }
    Throwable e = failure.get();
    if (e instanceof RuntimeException r) throw r;
    if (e instanceof Error err) throw err;
    if (e != null) throw new IllegalStateException(e);
    return Arrays.asList(results);
  }

  /**
   * @param swapper the fake's loaded swapper; null for reals only
   */
  private ClipRenderer.Result render(ClipJob job, Swapper swapper) throws IOException {
    String target = job.target();
    ClipJob.Fake fake = job instanceof ClipJob.Fake f ? f : null;
    List<ClipRenderer.Output> reals = new ArrayList<>();
    List<ClipRenderer.Output> fakes = new ArrayList<>();
    Map<String, String> fakeTags = Provenance.containerTags("face-swap", true);
    for (String c : spec.compression()) {
      if (job.writeReals()) {
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
    ClipRenderer.Output mask = null;
    Path notes = null;
    if (fake != null) {
      Path maskFile = root.resolve(DatasetLayout.mask(fake.method(), fake.name()));
      notes = root.resolve(DatasetLayout.fakeAnnotations(fake.method(), fake.name()));
      Files.createDirectories(maskFile.getParent());
      Files.createDirectories(notes.getParent());
      mask =
          new ClipRenderer.Output(
              maskFile,
              EncodeSettings.forOutput(maskFile, "ffv1", null, null),
              Provenance.containerTags("dataset-mask", false));
    }
    Path realNotes = job.writeReals() ? root.resolve(layout.realAnnotations(target)) : null;
    if (realNotes != null) Files.createDirectories(realNotes.getParent());
    ClipRenderer.Fake rendered =
        fake == null
            ? null
            : new ClipRenderer.Fake(swapper, blender, fake.selection()::pick, fakes, mask, notes);
    return ClipRenderer.render(
        clipFile.get(target),
        tracker,
        new ClipRenderer.Reals(reals, realNotes),
        rendered,
        spec.perturbationsFor(target),
        spec.seed() * 31 + target.hashCode());
  }
}
