package dev.doppel.batch;

import dev.doppel.DoppelException;
import dev.doppel.output.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs batch jobs on N workers. A job that fails fails alone (its row is reported, the others go
 * on); finished jobs of an earlier run are skipped when the journal and their output agree; outputs
 * appear only complete (each job writes a temporary file and renames it), and temporary files a
 * killed run left behind are removed before the job is redone (by the job's {@link
 * dev.doppel.output.OutputClaim}).
 */
public final class BatchRunner {
  private BatchRunner() {}

  /** What became of one job. */
  /**
   * @param notes the task's lines for the user; empty unless it ran
   */
  public record Outcome(
      BatchJob job,
      Status status,
      long frames,
      long facesSwapped,
      double seconds,
      String error,
      List<String> notes) {}

  public enum Status {
    DONE,
    SKIPPED,
    FAILED
  }

  /**
   * @param progressFor a progress reporter for each job (called on the worker thread)
   * @param onFinish called once per job as it ends (any thread)
   */
  public static List<Outcome> run(
      List<BatchJob> jobs,
      int workers,
      Journal journal,
      Function<BatchJob, Progress> progressFor,
      java.util.function.Consumer<Outcome> onFinish) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, workers),
            r -> {
              Thread t = new Thread(r, "doppel-batch-worker");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (BatchJob job : jobs) {
        futures.add(
            pool.submit(
                () -> {
                  Outcome o = runOne(job, journal, progressFor);
                  onFinish.accept(o);
                  return o;
                }));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : futures) {
        try {
          outcomes.add(f.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error err) throw err;
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("batch interrupted", e);
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  static Outcome runOne(BatchJob job, Journal journal, Function<BatchJob, Progress> progressFor) {
    if (journal.finished(job)) {
      return new Outcome(job, Status.SKIPPED, 0, 0, 0, null, List.of());
    }
    journal.started(job);
    long t0 = System.nanoTime();
    try (Progress progress = progressFor.apply(job)) {
      // outputs were checked to lie inside the output root: their folders may be created
      Files.createDirectories(job.output().toAbsolutePath().getParent());
      BatchTask.Result s = job.task().run(progress);
      double seconds = (System.nanoTime() - t0) / 1e9;
      journal.finished(job, s.frames(), s.facesSwapped(), seconds);
      return new Outcome(job, Status.DONE, s.frames(), s.facesSwapped(), seconds, null, s.notes());
    } catch (RuntimeException | IOException | OutOfMemoryError e) {
      // whatever one job throws, it fails alone: the other rows still run and are reported
      String error = e instanceof DoppelException ? e.getMessage() : "internal error: " + e;
      journal.failed(job, error);
      return new Outcome(
          job, Status.FAILED, 0, 0, (System.nanoTime() - t0) / 1e9, error, List.of());
    }
  }
}
