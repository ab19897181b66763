package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.blend.BlendSettings;
import dev.doppel.output.Progress;
import dev.doppel.pipeline.SwapJob;
import dev.doppel.pipeline.SwapOptions;
import dev.doppel.swap.FaceSelection;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "swap",
    mixinStandardHelpOptions = true,
    description = {
      "Replace faces in a video: with a trained pair model's rendering of its other identity,",
      "or with the face of a photo through a one-shot model (inswapper_128.onnx + --source).",
      "The output keeps the input's frames, timestamps and audio, and is labelled synthetic."
    })
final class SwapCommand implements Callable<Integer> {
  @Parameters(paramLabel = "IN", description = "Input video.")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "OUT",
      description = "Output video (or PNG with --preview).")
  Path output;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "MODEL",
      description =
          "A pair model: one direction's file (models/pair96-astronaut2hopper.onnx) "
              + "or the pair's prefix (models/pair96) with --direction; or a one-shot model "
              + "(inswapper_128.onnx) with --source and --recognizer.")
  Path model;

  @Option(
      names = "--source",
      paramLabel = "PHOTO",
      description =
          "Photo of the new face, for a one-shot model. Repeat to average several "
              + "photos of one person.")
  java.util.List<Path> sources = new java.util.ArrayList<>();

  @Option(
      names = "--source-face",
      paramLabel = "N",
      description =
          "Which face of each source photo to use, 1 = leftmost (needed when a "
              + "photo shows more than one).")
  Integer sourceFace;

  @Option(
      names = "--recognizer",
      paramLabel = "MODEL",
      description =
          "ArcFace-style recogniser (w600k_r50.onnx): for one-shot models and "
              + "--faces like:PHOTO.")
  Path recognizer;

  @Option(
      names = "--like-threshold",
      defaultValue = "0.4",
      paramLabel = "COSINE",
      description =
          "With --faces like:PHOTO, the least cosine similarity to the reference "
              + "face. Default: ${DEFAULT-VALUE} (FaceFusion's default distance 0.6 = 1 - cosine).")
  double likeThreshold;

  @Option(
      names = "--direction",
      paramLabel = "a2b|b2a",
      description = "Which way to swap when --model names a pair. Default: a2b.")
  String direction;

  @Option(
      names = "--faces",
      paramLabel = "WHICH",
      description =
          "all, largest, track=N, like:PHOTO (faces that look like the photo's; "
              + "needs --recognizer), or none (re-encode only). Default: every face; with a "
              + "model from doppel train, every face the model judges to be its source "
              + "identity (--faces all swaps them all).")
  String faces;

  @Option(
      names = "--blend",
      defaultValue = "feather",
      paramLabel = "feather|poisson",
      description =
          "Feathered alpha blend, or Poisson (seamless clone). Default: " + "${DEFAULT-VALUE}.")
  BlendSettings.Mode blend;

  @Option(
      names = "--colour",
      paramLabel = "lab|histogram|none",
      description =
          "Colour transfer to the target's skin: LAB mean and deviation, or "
              + "histogram matching. Default: lab for pair models, none for one-shot models.")
  BlendSettings.ColourTransfer colour;

  @Option(
      names = "--erode",
      defaultValue = "0.04",
      paramLabel = "FRACTION",
      description = "Shrink the mask by this fraction of the crop. Default: ${DEFAULT-VALUE}.")
  double erode;

  @Option(
      names = "--feather",
      defaultValue = "0.06",
      paramLabel = "FRACTION",
      description =
          "Soften the mask edge by this fraction of the crop. Default: " + "${DEFAULT-VALUE}.")
  double feather;

  @Option(
      names = "--keep-mouth",
      description = "Keep the target's mouth opening (teeth, tongue) instead of the model's.")
  boolean keepMouth;

  @Option(
      names = "--single-thread",
      description =
          "Decode, analyse, swap and encode one after another on one thread instead "
              + "of as a pipeline (same output, slower; for comparison and debugging).")
  boolean singleThread;

  @Option(
      names = "--preview",
      paramLabel = "FRAME",
      description = "Write only a PNG of this frame: input | swapped | mask.")
  Long preview;

  @Mixin TrimOptions trim = new TrimOptions();

  @Mixin ModelRunOptions run = new ModelRunOptions();

  @Mixin CommonOptions common;

  @ArgGroup(exclusive = false, heading = "Encoding:%n")
  EncodeOptions encode = new EncodeOptions();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    common.applyLogging();
    SwapOptions options = options();
    SwapJob.Summary s;
    try (Progress progress = ProgressBarReporter.forTerminal(common.quiet)) {
      s = SwapJob.run(options, progress);
    }
    spec.commandLine()
        .getOut()
        .printf("%s: %d frames, %d faces swapped%n", output, s.frames(), s.facesSwapped());
    s.notes()
        .forEach(n -> spec.commandLine().getErr().println("doppel: note: " + input + ": " + n));
    if (s.sizeNote() != null) {
      spec.commandLine().getErr().println("doppel: note: " + output + ": " + s.sizeNote());
    }
    return 0;
  }

  /** The parsed command line as a job, checked; {@code doppel batch} builds its rows so too. */
  SwapOptions options() {
    BlendSettings blendSettings = new BlendSettings(erode, feather, colour, blend, keepMouth);
    // written so that NaN fails too
    if (!(erode >= 0 && erode <= 0.3) || !(feather >= 0 && feather <= 0.3)) {
      throw DoppelException.usage("--erode and --feather must be between 0 and 0.3");
    }
    if (!(likeThreshold >= -1 && likeThreshold <= 1)) {
      throw DoppelException.usage(
          "--like-threshold " + likeThreshold + ": must be a cosine " + "between -1 and 1");
    }
    if (preview != null && preview < 0) {
      throw DoppelException.usage("--preview " + preview + ": frames count from 0");
    }
    boolean png = output.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
    if ((preview != null) != png) {
      throw DoppelException.usage(
          preview != null
              ? "--preview writes a PNG: give -o something.png"
              : "cannot write video: " + output + ": a .png output needs --preview FRAME");
    }
    SwapOptions.Builder b =
        SwapOptions.builder(input, output, model)
            .direction(direction)
            .faces(FaceSelection.parse(faces != null ? faces : "all", likeThreshold))
            .guard(faces == null)
            .blend(blendSettings)
            .tracker(common.tracker())
            .label(!encode.noLabel)
            .sources(sources, sourceFace)
            .recognizer(recognizer)
            .pipelined(!singleThread)
            .int8(run.int8)
            .device(run.device())
            .range(trim.range());
    if (preview != null) b.preview(preview);
    else b.encode(encode.settingsFor(output));
    return b.build();
  }
}
