package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.output.Progress;
import dev.doppel.pipeline.FacesJob;
import dev.doppel.pipeline.FacesOptions;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.MediaSource;
import dev.doppel.video.Stills;
import dev.doppel.video.VideoWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "faces",
    mixinStandardHelpOptions = true,
    description = {
      "Find and track every face: an annotated video and/or per-frame face data.",
      "Without -o or --json, JSON Lines go to standard output. A video with no face is not an "
          + "error: its frames have empty face lists."
    })
final class FacesCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "IN",
      description =
          "Input video (anything FFmpeg reads), image (jpg, png, webp, bmp, tif), URL, - for "
              + "standard input, or a device (/dev/video0).")
  String in;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "VIDEO",
      description =
          "Write a video (or, for a still input or --frames 1, an image) with boxes, mesh and "
              + "track ids drawn.")
  Path output;

  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = "Write JSON Lines: one line per frame with every face's data.")
  Path json;

  @Mixin TrimOptions trim = new TrimOptions();

  @Mixin CommonOptions common;

  @ArgGroup(exclusive = false, heading = "Encoding (with -o):%n")
  EncodeOptions encode = new EncodeOptions();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    common.applyLogging();
    encode.applySigning();
    MediaSource source = MediaSource.parse(in);
    Path input = source.isFile() ? source.file() : null;
    EncodeSettings settings =
        output == null || Stills.isStill(output) ? null : encode.settingsFor(output);
    if (output != null
        && Stills.isStill(output)
        && (input == null || !Stills.isStill(input))
        && trim.range().maxFrames() != 1) {
      throw DoppelException.usage(
          "cannot write image: "
              + output
              + ": "
              + source
              + " is a video; give a video output, or --frames 1 (and --start TIME)");
    }
    boolean jsonToStdout =
        (output == null && json == null) || (json != null && json.toString().equals("-"));
    PrintWriter stdout = jsonToStdout ? spec.commandLine().getOut() : null;
    if (jsonToStdout && output != null && VideoWriter.isStdout(output)) {
      throw DoppelException.usage("-o - and --json - cannot both use the standard output");
    }
    FacesOptions options =
        new FacesOptions(
            input,
            output,
            jsonToStdout ? null : json,
            stdout,
            settings,
            common.tracker(),
            !encode.noLabel,
            trim.range(),
            source);
    FacesJob.Summary s;
    try (Progress progress = ProgressBarReporter.forTerminal(common.quiet)) {
      s = FacesJob.run(options, progress);
    }
    if (s.sizeNote() != null) {
      spec.commandLine().getErr().println("doppel: note: " + output + ": " + s.sizeNote());
    }
    if (stdout == null) {
      (output != null && VideoWriter.isStdout(output)
              ? spec.commandLine().getErr()
              : spec.commandLine().getOut())
          .printf(
              "%s: %d frames, %d with faces, %d tracks%n",
              source, s.frames(), s.framesWithFaces(), s.trackIds().size());
    }
    return 0;
  }
}
