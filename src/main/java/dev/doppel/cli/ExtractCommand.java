package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.face.AlignmentTemplate;
import dev.doppel.output.Progress;
import dev.doppel.pipeline.ExtractJob;
import dev.doppel.pipeline.ExtractOptions;
import dev.doppel.video.MediaFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "extract",
    mixinStandardHelpOptions = true,
    description = {
      "Write an aligned face set for training: per track a folder of crops (PNG), their masks "
          + "and a JSON per crop.",
      "Fails (exit 1) when no input has a face."
    })
final class ExtractCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "IN",
      arity = "1..*",
      description = "Input videos or photos; a folder or quoted pattern stands for its files.")
  List<Path> inputs;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FACESET",
      required = true,
      description = "New (or empty) folder for the face set.")
  Path output;

  @Option(
      names = "--size",
      defaultValue = "256",
      description = "Crop side in pixels. " + "Default: ${DEFAULT-VALUE}.")
  int size;

  @Option(
      names = "--every",
      defaultValue = "1",
      paramLabel = "N",
      description = "Keep every Nth frame. Default: ${DEFAULT-VALUE}.")
  int every;

  @Option(
      names = "--template",
      defaultValue = "FACE",
      description =
          "Alignment template: FACE (whole face, for training) or ARCFACE (tight). "
              + "Default: ${DEFAULT-VALUE}.")
  AlignmentTemplate template;

  @Option(
      names = "--min-face",
      defaultValue = "48",
      paramLabel = "PX",
      description = "Skip faces smaller than this (frame pixels). Default: ${DEFAULT-VALUE}.")
  int minFace;

  @Mixin TrimOptions trim = new TrimOptions();

  @Mixin CommonOptions common;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    common.applyLogging();
    if (size < 16 || size > 2048) throw DoppelException.usage("--size must be 16..2048");
    if (every < 1) throw DoppelException.usage("--every must be >= 1");
    ExtractOptions options =
        new ExtractOptions(
            inputs.stream()
                .flatMap(
                    in -> MediaFiles.isMany(in) ? MediaFiles.expand(in).stream() : Stream.of(in))
                .toList(),
            output,
            size,
            every,
            template,
            minFace,
            common.tracker(),
            trim.range());
    ExtractJob.Summary s;
    try (Progress progress = ProgressBarReporter.forTerminal(common.quiet)) {
      s = ExtractJob.run(options, progress);
    }
    var out = spec.commandLine().getOut();
    out.printf("%s: %d crops in %d tracks%n", output, s.crops(), s.cropsPerTrack().size());
    s.cropsPerTrack().forEach((track, n) -> out.printf("  %s: %d%n", track, n));
    return 0;
  }
}
