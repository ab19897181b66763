package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.provenance.c2pa.ContentCredentials;
import dev.doppel.provenance.c2pa.SigningIdentity;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.VideoWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Output encoding options. */
final class EncodeOptions {
  @Option(
      names = "--codec",
      description =
          "h264 (default for .mp4/.mov/.mkv), vp9 (default for .webm), av1, ffv1 "
              + "(lossless), mpeg4 (default for .avi), h265 and h264rgb (gpl build only; h264rgb "
              + "with --crf 0 is lossless RGB, FaceForensics++'s c0).")
  String codec;

  @Option(names = "--crf", description = "Constant quality, lower is better (x264/VP9 scale).")
  Integer crf;

  @Option(names = "--bitrate", paramLabel = "BITS", description = "Target bitrate, e.g. 4M, 800k.")
  String bitrate;

  @Option(
      names = "--no-label",
      description =
          "Do not label the output as made by Doppel: no container tags or XMP, no C2PA"
              + " Content Credentials, no sidecar, no invisible watermark.")
  boolean noLabel;

  @Option(
      names = "--sign-key",
      paramLabel = "KEY.pem",
      description =
          "Sign the output's C2PA Content Credentials with this private key (PEM, unencrypted;"
              + " EC P-256/384/521, RSA or Ed25519), with --sign-cert. Default: $DOPPEL_SIGN_KEY"
              + " and $DOPPEL_SIGN_CERT, else this installation's development certificate, which"
              + " no one trusts (doppel inspect says so).")
  Path signKey;

  @Option(
      names = "--sign-cert",
      paramLabel = "CHAIN.pem",
      description = "The signer's certificate, then its issuers (PEM), for --sign-key.")
  Path signCert;

  @Option(
      names = "--format",
      paramLabel = "mkv|webm|mp4|mov",
      description =
          "Container of a video written to standard output (-o -): mkv, webm, mp4 or mov "
              + "(fragmented, as a pipe cannot seek back).")
  String format;

  /** Makes --sign-key/--sign-cert the signer of this run's Content Credentials. */
  void applySigning() {
    if ((signKey == null) != (signCert == null)) {
      throw DoppelException.usage("--sign-key and --sign-cert go together");
    }
    if (signKey == null) return;
    if (noLabel) {
      throw DoppelException.usage("--no-label writes no Content Credentials to sign");
    }
    for (Path p : new Path[] {signKey, signCert}) {
      if (!java.nio.file.Files.isRegularFile(p)) {
        throw DoppelException.usage("cannot read " + p + ": no such file");
      }
    }
    ContentCredentials.signWith(SigningIdentity.load(signKey, signCert));
  }

  EncodeSettings settingsFor(Path output) {
    if (VideoWriter.isStdout(output)) {
      if (format == null) {
        throw DoppelException.usage(
            "-o - writes to standard output: say which container with"
                + " --format mkv, webm, mp4 or mov");
      }
      String f = format.toLowerCase(java.util.Locale.ROOT);
      if (!java.util.Set.of("mkv", "webm", "mp4", "mov").contains(f)) {
        throw DoppelException.usage("--format " + format + ": use mkv, webm, mp4 or mov");
      }
      return EncodeSettings.forOutput(Path.of("stdout." + f), codec, crf, parseBitrate(bitrate));
    }
    if (format != null) {
      throw DoppelException.usage(
          "--format is for -o - (standard output); a file's container follows its extension");
    }
    return EncodeSettings.forOutput(output, codec, crf, parseBitrate(bitrate));
  }

  static Long parseBitrate(String s) {
    if (s == null) return null;
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    double factor = t.endsWith("m") ? 1e6 : t.endsWith("k") ? 1e3 : 1;
    if (factor != 1) t = t.substring(0, t.length() - 1);
    try {
      double bits = Double.parseDouble(t) * factor;
      // 1 kbit/s .. 1 Gbit/s: beyond that encoders fail with FFmpeg's "Invalid argument"
      if (!(bits >= 1e3 && bits <= 1e9)) {
        throw dev.doppel.DoppelException.usage(
            "--bitrate " + s + ": must be between 1k and " + "1000M bits per second");
      }
      return Math.round(bits);
    } catch (NumberFormatException e) {
      throw dev.doppel.DoppelException.usage("--bitrate " + s + ": use a number like 4M or 800k");
    }
  }
}
