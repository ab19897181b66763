package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.dataset.DatasetBuilder;
import dev.doppel.dataset.DatasetSpec;
import dev.doppel.dataset.DatasetVerifier;
import dev.doppel.dataset.MaskAgreement;
import dev.doppel.spark.SparkDataset;
import java.io.PrintWriter;
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
    name = "dataset",
    mixinStandardHelpOptions = true,
    description = {
      "Build a deepfake-detection dataset from a spec (JSON): real and fake clips in the "
          + "FaceForensics++ layout, binary mask videos, metadata.json (DFDC style), "
          + "dataset.json, identity-disjoint splits, per-frame annotations.",
      "'doppel dataset verify DIR' checks a built dataset."
    },
    subcommands = {DatasetCommand.Verify.class})
final class DatasetCommand implements Callable<Integer> {
  @Parameters(paramLabel = "SPEC", arity = "0..1", description = "Dataset spec (JSON).")
  Path spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description =
          "Dataset folder to create (must not exist). With --spark: a folder every worker "
              + "sees, or a Hadoop filesystem URI (hdfs://, s3a://, file://).")
  String output;

  @Option(
      names = {"-j", "--jobs"},
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Clips rendered at once (default ${DEFAULT-VALUE}); each worker loads its "
              + "own models. The result does not depend on N.")
  int workers;

  @Mixin SparkOption spark;

  @Mixin CommonOptions common;
  @Spec picocli.CommandLine.Model.CommandSpec cmd;

  @Override
  public Integer call() {
    common.applyLogging();
    if (workers < 1) throw DoppelException.usage("-j " + workers + ": must be at least 1");
    boolean onSpark = spark.requested();
    if (spec == null || output == null) {
      throw DoppelException.usage("dataset: give SPEC and -o DIR (or: dataset verify DIR)");
    }
    DatasetSpec read = DatasetSpec.read(spec);
    DatasetBuilder.Summary s =
        onSpark
            ? SparkDataset.build(read, output, common.tracker(), spark.master)
            : DatasetBuilder.build(read, Path.of(output), common.tracker(), workers);
    cmd.commandLine()
        .getOut()
        .printf(
            "%s: %d real clips, %d fakes, %d pairs left out " + "(identity-disjoint splits)%n",
            s.dir(), s.reals(), s.fakes(), s.skippedPairs());
    return 0;
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Check files, hashes, mask frame counts and timing, and split leakage.")
  static final class Verify implements Callable<Integer> {
    @Parameters(paramLabel = "DIR")
    Path dir;

    @Option(
        names = "--mask-iou",
        arity = "0..1",
        fallbackValue = "0.9",
        paramLabel = "MIN",
        description =
            "Also measure, per fake with a c0 copy, the per-frame IoU of its mask "
                + "with the pixels where c0 fake and c0 real differ; a problem below MIN "
                + "(default 0.9).")
    Double minIou;

    @Spec picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
      List<String> problems = new ArrayList<>(DatasetVerifier.verify(dir));
      if (minIou != null && problems.isEmpty()) {
        for (DatasetVerifier.MaskCheck c : DatasetVerifier.maskAgreement(dir)) {
          if (c.stats() == null) {
            cmd.commandLine()
                .getOut()
                .printf("%s: mask IoU not measured (%s)%n", c.fake(), c.skipped());
            continue;
          }
          MaskAgreement.Stats s = c.stats();
          cmd.commandLine()
              .getOut()
              .printf(
                  java.util.Locale.ROOT,
                  "%s: mask IoU min %.4f (frame %d), mean %.4f over %d frames%n",
                  c.fake(),
                  s.minIou(),
                  s.worstFrame(),
                  s.meanIou(),
                  s.frames());
          if (s.minIou() < minIou) {
            problems.add(
                c.fake()
                    + ": mask IoU "
                    + String.format(java.util.Locale.ROOT, "%.4f", s.minIou())
                    + " at frame "
                    + s.worstFrame()
                    + " is below "
                    + minIou);
          }
        }
      }
      PrintWriter err = cmd.commandLine().getErr();
      problems.forEach(p -> err.println("doppel: " + dir + ": " + p));
      err.flush();
      if (!problems.isEmpty()) {
        throw DoppelException.processing(
            "dataset verify " + dir + ": " + problems.size() + " problem(s)");
      }
      cmd.commandLine().getOut().printf("%s: OK%n", dir);
      return 0;
    }
  }
}
