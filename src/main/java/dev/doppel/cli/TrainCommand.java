package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.output.Progress;
import dev.doppel.train.TrainJob;
import dev.doppel.train.TrainOptions;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a pair model on clips of two people: extract their faces, train the recipe "
          + "(Python with PyTorch), evaluate, and write PREFIX-A2B.onnx, PREFIX-B2A.onnx, the "
          + "model card PREFIX.md and manifest entries.",
      "Work (face sets, checkpoints, logs) goes to PREFIX.train/ beside the model; rerunning "
          + "the same command resumes from the last checkpoint.",
      "Python: $DOPPEL_PYTHON, else the first of python3, /usr/bin/python3, python that has "
          + "torch, numpy, PIL and onnx."
    })
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--identity",
      paramLabel = "NAME=CLIPS",
      required = true,
      description =
          "A person and their clips: one clip, a folder of clips, or a folder from doppel "
              + "extract. Give two; the first is the model's a, the second its b.")
  Map<String, Path> identities = new LinkedHashMap<>();

  @Option(
      names = {"-o", "--output"},
      paramLabel = "PREFIX",
      required = true,
      description = "Model prefix, e.g. models/alice-bob.")
  Path prefix;

  @Option(
      names = "--spec",
      defaultValue = "cpu96",
      paramLabel = "SPEC",
      description =
          "Spec file, or a shipped spec: cpu96 (96 px, sized for a 2-core CPU), cpu128 "
              + "(128 px, about 2 h on 2 cores), gpu256 (256 px, for a GPU), tiny (a smoke "
              + "test). Default: ${DEFAULT-VALUE}.")
  String specName;

  @Option(names = "--steps", paramLabel = "N", description = "Override the spec's steps.")
  Integer steps;

  @Option(
      names = "--device",
      defaultValue = "auto",
      paramLabel = "auto|cpu|cuda",
      description =
          "Where PyTorch trains: auto (CUDA when it sees a GPU). Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(
      names = "--every",
      defaultValue = "1",
      paramLabel = "N",
      description = "Use every Nth frame of the clips. Default: ${DEFAULT-VALUE}.")
  int every;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch's CPU threads. Default: one per core.")
  Integer threads;

  @Option(
      names = "--resume",
      description = "Fail unless an earlier run of this command left a checkpoint to resume.")
  boolean resume;

  @Mixin CommonOptions common;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    common.applyLogging();
    if (threads != null && threads < 1) {
      throw DoppelException.usage("--threads " + threads + ": must be >= 1");
    }
    TrainOptions o =
        new TrainOptions(identities, prefix, specName, steps, device, every, resume, threads);
    // the recipe's own lines go to the work folder's log; -v shows them too
    PrintWriter log =
        common.verbose ? spec.commandLine().getErr() : new PrintWriter(Writer.nullWriter());
    TrainJob.Summary s;
    try (Progress progress = ProgressBarReporter.forTerminal(common.quiet)) {
      s = TrainJob.run(o, progress, log);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%s: %d steps; model card %s%n", prefix, s.steps(), s.card());
    s.graphs().forEach(g -> out.printf("  %s%n", g));
    return 0;
  }
}
