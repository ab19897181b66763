package dev.doppel.dataset;

import dev.doppel.DoppelException;
import dev.doppel.swap.Swapper;
import dev.doppel.swap.SwapperPool;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Renders a dataset's {@link ClipTask}s on N worker threads of this JVM. Workers share a {@link
 * SwapperPool} (a model is loaded once per worker that uses it) closed at the end; the first
 * failure stops the others (they finish their current clip) and is rethrown. Results come back in
 * task order.
 */
final class ClipJobRunner {
  private ClipJobRunner() {}

  static List<ClipRenderer.Result> run(List<ClipTask> tasks, Path root, int workers) {
    ClipRenderer.Result[] results = new ClipRenderer.Result[tasks.size()];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    try (SwapperPool models = new SwapperPool()) {
      for (int w = 0; w < Math.max(1, Math.min(workers, tasks.size())); w++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    for (int i = next.getAndIncrement();
                        i < tasks.size() && failure.get() == null;
                        i = next.getAndIncrement()) {
                      results[i] = render(tasks.get(i), root, models);
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
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
    }
    Throwable e = failure.get();
    if (e instanceof RuntimeException r) throw r;
    if (e instanceof Error err) throw err;
    if (e != null) throw new IllegalStateException(e);
    return Arrays.asList(results);
  }

  /** Renders one task under {@code root}, with a swapper borrowed from {@code models}. */
  static ClipRenderer.Result render(ClipTask task, Path root, SwapperPool models)
      throws IOException {
    if (task.fake() == null) return task.render(root, null);
    ClipTask.FakeTask fake = task.fake();
    Swapper swapper = models.borrow(fake.modelKey(), fake::open);
    try {
      fake.prepare(swapper);
      return task.render(root, swapper);
    } finally {
      models.giveBack(fake.modelKey(), swapper);
    }
  }
}
