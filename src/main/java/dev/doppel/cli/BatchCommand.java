package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.batch.BatchJob;
import dev.doppel.batch.BatchManifest;
import dev.doppel.batch.BatchPlanner;
import dev.doppel.batch.BatchReport;
import dev.doppel.batch.BatchRunner;
import dev.doppel.batch.Journal;
import dev.doppel.output.OutputClaim;
import dev.doppel.spark.SparkBatch;
import dev.doppel.swap.SwapperPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Swap faces in many clips listed in a manifest (CSV with a header row, or JSON Lines): "
          + "columns input, output, model, and any swap option (faces, direction, codec, crf, "
          + "source, recognizer, keep_mouth, ...).",
      "The whole manifest is checked before any work starts. Jobs run on -j workers; a failing "
          + "job fails alone. A journal beside the outputs makes a rerun skip finished jobs "
          + "(checked by size and SHA-256) and redo the rest.",
      "Exit codes: 0 all jobs succeeded, 3 some failed, 2 bad manifest."
    })
final class BatchCommand implements Callable<Integer> {
  static final int SOME_FAILED = 3;

  @Parameters(paramLabel = "MANIFEST", description = "CSV or JSON Lines (.jsonl) manifest.")
  Path manifestFile;

  @Option(
      names = {"-j", "--jobs"},
      defaultValue = "1",
      paramLabel = "N",
      description = "Jobs run at once. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(
      names = "--output-root",
      paramLabel = "DIR",
      description =
          "Every output must be inside this folder; the journal and report go here. "
              + "Default: the manifest's folder.")
  Path outputRoot;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "JSON report. Default: OUTPUT_ROOT/batch-report.json.")
  Path reportPath;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress bar.")
  boolean quiet;

  @Mixin SparkOption spark;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public Integer call() {
    if (workers < 1) throw DoppelException.usage("-j " + workers + ": must be at least 1");
    boolean onSpark = spark.requested();
    BatchManifest manifest = BatchManifest.read(manifestFile);
    Path base = manifestFile.toAbsolutePath().getParent();
    Path root = (outputRoot != null ? outputRoot.toAbsolutePath() : base).normalize();
    List<String> problems = new ArrayList<>();
    SwapRowParser parser = new SwapRowParser();
    List<BatchJob> jobs = BatchPlanner.plan(manifest, base, root, parser, problems);
    PrintWriter err = spec.commandLine().getErr();
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("doppel: " + p));
      err.flush();
      throw DoppelException.usage(
          manifestFile
              + ": "
              + problems.size()
              + " problem(s) in "
              + manifest.rows().size()
              + " rows; nothing was run");
    }
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw DoppelException.usage("cannot write: " + root + ": " + e.getMessage());
    }
    List<BatchRunner.Outcome> outcomes;
    // one batch at a time on an output root: a second would delete the first's temporaries
    try (OutputClaim claim = OutputClaim.take(root.resolve("doppel-batch"));
        Journal journal = new Journal(root);
        BatchProgress progress = BatchProgress.forTerminal(quiet, jobs.size());
        // the jobs' pair models stay loaded from job to job (one per model and worker)
        SwapperPool models = new SwapperPool()) {
      SwapperPool.activate(models);
      outcomes =
          onSpark
              ? SparkBatch.run(jobs, parser, journal, spark.master, progress::finished)
              : BatchRunner.run(jobs, workers, journal, progress::jobProgress, progress::finished);
    }
    BatchReport report = new BatchReport(manifestFile, root, outcomes);
    PrintWriter out = spec.commandLine().getOut();
    report.printTable(out);
    Path reportFile = reportPath != null ? reportPath : root.resolve("batch-report.json");
    report.write(reportFile);
    long failed = report.count(BatchRunner.Status.FAILED);
    out.printf(
        "%d done, %d skipped (finished earlier), %d failed; report %s%n",
        report.count(BatchRunner.Status.DONE),
        report.count(BatchRunner.Status.SKIPPED),
        failed,
        reportFile);
    return failed > 0 ? SOME_FAILED : 0;
  }
}
