package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.blend.BlendSettings;
import dev.doppel.output.Progress;
import dev.doppel.pipeline.SwapJob;
import dev.doppel.pipeline.SwapOptions;
import dev.doppel.swap.FaceSelection;
import dev.doppel.video.MediaFiles;
import dev.doppel.video.MediaSource;
import dev.doppel.video.Stills;
import dev.doppel.video.TimeRange;
import dev.doppel.video.VideoWriter;
import java.nio.file.Path;
import java.util.List;
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
  @Parameters(
      paramLabel = "IN",
      description =
          "Input video or image; a URL FFmpeg opens (https://, rtsp://), - for standard input, "
              + "a device (/dev/video0); or a folder or a quoted pattern ('photos/*.jpg') of "
              + "files, whose results go into the folder -o under their own names.")
  String in;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "OUT",
      description =
          "Output video, or image (jpg, png, webp, bmp, tif) for a still input, --frames 1 or "
              + "--preview; - for standard output (with --format).")
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
      names = "--to",
      paramLabel = "NAME",
      description =
          "With a model from doppel train, the identity to swap faces into (a model of three or "
              + "more identities needs it; for a pair it replaces --direction).")
  String to;

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
    encode.applySigning();
    MediaSource source = MediaSource.parse(in);
    if (source.isFile() && MediaFiles.isMany(source.file())) return swapEach(source.file());
    SwapOptions options = options();
    SwapJob.Summary s;
    try (Progress progress = ProgressBarReporter.forTerminal(common.quiet)) {
      s = SwapJob.run(options, progress);
    }
    // with -o -, the standard output carries the video: words go to the error stream
    (VideoWriter.isStdout(output) ? spec.commandLine().getErr() : spec.commandLine().getOut())
        .printf("%s: %d frames, %d faces swapped%n", output, s.frames(), s.facesSwapped());
    s.notes()
        .forEach(n -> spec.commandLine().getErr().println("doppel: note: " + source + ": " + n));
    if (s.sizeNote() != null) {
      spec.commandLine().getErr().println("doppel: note: " + output + ": " + s.sizeNote());
    }
    return 0;
  }

  /**
   * IN is a folder or a pattern: each image and video is swapped into the output folder under its
   * own name, one after another. A file that fails is reported and the rest go on; the exit code is
   * then 1.
   */
  private int swapEach(Path input) {
    if (preview != null) {
      throw DoppelException.usage("--preview takes one input, not a folder or a pattern");
    }
    checkOutputFolder(input, output);
    List<Path> inputs = MediaFiles.expand(input);
    options(inputs.get(0), MediaFiles.outputFor(input, inputs.get(0), output)); // options' errors
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    int failed = 0;
    long faces = 0;
    for (Path file : inputs) {
      Path result = MediaFiles.outputFor(input, file, output);
      try {
        java.nio.file.Files.createDirectories(result.toAbsolutePath().getParent());
        SwapJob.Summary s;
        try (Progress progress = ProgressBarReporter.forTerminal(common.quiet)) {
          s = SwapJob.run(options(file, result), progress);
        }
        out.printf("%s: %d frames, %d faces swapped%n", result, s.frames(), s.facesSwapped());
        faces += s.facesSwapped();
        s.notes().forEach(n -> err.println("doppel: note: " + file + ": " + n));
      } catch (DoppelException e) {
        err.println("doppel: " + e.getMessage());
        failed++;
      } catch (java.io.IOException e) {
        err.println("doppel: cannot write: " + result.getParent() + ": " + e.getMessage());
        failed++;
      }
    }
    out.printf(
        "%s: %d of %d files written to %s, %d faces swapped in all%s%n",
        input,
        inputs.size() - failed,
        inputs.size(),
        output,
        faces,
        failed > 0 ? "; " + failed + " failed" : "");
    return failed > 0 ? DoppelException.PROCESSING : 0;
  }

  /** With many inputs, -o names a folder (made if missing), never a file. */
  static void checkOutputFolder(Path input, Path output) {
    if (java.nio.file.Files.isRegularFile(output) || MediaFiles.isMedia(output)) {
      throw DoppelException.usage(
          "-o "
              + output
              + ": "
              + input
              + " names many files; -o must be a folder for their results");
    }
  }

  /** The parsed command line as a job, checked; {@code doppel batch} builds its rows so too. */
  SwapOptions options() {
    MediaSource source = MediaSource.parse(in);
    return options(source, output);
  }

  private SwapOptions options(Path input, Path output) {
    return options(MediaSource.file(input), output);
  }

  private SwapOptions options(MediaSource source, Path output) {
    // a stream has no file: its name stands in for messages, and the builder ignores it
    Path input = source.isFile() ? source.file() : Path.of("-");
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
    boolean image = Stills.isStill(output);
    if (preview != null && !image) {
      throw DoppelException.usage("--preview writes an image: give -o something.png");
    }
    TimeRange range = trim.range();
    if (image && preview == null && !Stills.isStill(input) && range.maxFrames() != 1) {
      throw DoppelException.usage(
          "cannot write image: "
              + output
              + ": "
              + source
              + " is a video; give a video output, --frames 1 (and --start TIME) for one of its"
              + " frames, or --preview FRAME for a side-by-side look");
    }
    SwapOptions.Builder b =
        SwapOptions.builder(input, output, model)
            .direction(direction)
            .to(to)
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
            .range(range)
            .source(source);
    if (preview != null) b.preview(preview);
    else if (!image) b.encode(encode.settingsFor(output));
    return b.build();
  }
}
