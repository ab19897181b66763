package dev.doppel.batch;

import dev.doppel.DoppelException;
import dev.doppel.output.Progress;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
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
    Ran r;
    try (Progress progress = progressFor.apply(job)) {
      r = execute(job.task(), job.output(), progress);
    }
    return record(job, r, journal);
  }

  /**
   * What one task did, without its job: what a Spark executor sends back.
   *
   * @param status DONE or FAILED
   */
  public record Ran(
      Status status,
      long frames,
      long facesSwapped,
      double seconds,
      String error,
      List<String> notes)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    public static Ran failed(String error) {
      return new Ran(Status.FAILED, 0, 0, 0, error, List.of());
    }
  }

  /** Runs one task; whatever it throws, it fails alone (the other rows still run). */
  public static Ran execute(BatchTask task, Path output, Progress progress) {
    long t0 = System.nanoTime();
    try {
      // outputs were checked to lie inside the output root: their folders may be created
      Files.createDirectories(output.toAbsolutePath().getParent());
      BatchTask.Result s = task.run(progress);
      return new Ran(
          Status.DONE,
          s.frames(),
          s.facesSwapped(),
          (System.nanoTime() - t0) / 1e9,
          null,
          List.copyOf(s.notes()));
    } catch (RuntimeException | IOException | OutOfMemoryError e) {
      String error = e instanceof DoppelException ? e.getMessage() : "internal error: " + e;
      return new Ran(Status.FAILED, 0, 0, (System.nanoTime() - t0) / 1e9, error, List.of());
    }
  }

  /** Writes what a task did to the journal and makes it the job's outcome. */
  public static Outcome record(BatchJob job, Ran r, Journal journal) {
    if (r.status() == Status.DONE) {
      journal.finished(job, r.frames(), r.facesSwapped(), r.seconds());
    } else {
      journal.failed(job, r.error());
    }
    return new Outcome(
        job, r.status(), r.frames(), r.facesSwapped(), r.seconds(), r.error(), r.notes());
  }
}
