package dev.doppel.cli;

import dev.doppel.face.BlazeFaceDetector;
import dev.doppel.face.TrackerSettings;
import picocli.CommandLine.Option;

/** Options every command that analyses faces shares. */
final class CommonOptions {
  @Option(
      names = {"-q", "--quiet"},
      description = "No progress bar.")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      description = "FFmpeg warnings and stack traces.")
  boolean verbose;

  @Option(
      names = "--detector",
      defaultValue = "full",
      paramLabel = "short|full",
      description =
          "Face detector: short (faces near the camera) or full (any distance). "
              + "Default: ${DEFAULT-VALUE}.")
  BlazeFaceDetector.Range detector;

  @Option(
      names = "--detect-every",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Run the detector at least every N frames; faces are tracked between. "
              + "Default: ${DEFAULT-VALUE}.")
  int detectEvery;

  @Option(
      names = "--max-faces",
      defaultValue = "8",
      paramLabel = "N",
      description = "Track at most N faces at once. Default: ${DEFAULT-VALUE}.")
  int maxFaces;

  @Option(names = "--no-smoothing", description = "Raw landmarks, no temporal filter.")
  boolean noSmoothing;

  TrackerSettings tracker() {
    if (detectEvery < 1) throw dev.doppel.DoppelException.usage("--detect-every must be >= 1");
    if (maxFaces < 1) throw dev.doppel.DoppelException.usage("--max-faces must be >= 1");
    return new TrackerSettings(detector, detectEvery, 0.5, 0.5, maxFaces, !noSmoothing);
  }

  void applyLogging() {
    dev.doppel.video.FFmpegLog.configure(verbose);
  }
}
