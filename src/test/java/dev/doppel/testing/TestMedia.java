package dev.doppel.testing;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;

import dev.doppel.video.EncodeSettings;
import dev.doppel.video.Rational;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoInfo;
import dev.doppel.video.VideoReader;
import dev.doppel.video.VideoWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Media made inside tests: synthetic clips, WAV files, and readers of what was written. */
public final class TestMedia {
  private TestMedia() {}

  /** The first index of {@code what} in {@code bytes}, or -1. */
  public static int indexOf(byte[] bytes, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= bytes.length; i++) {
      for (int k = 0; k < what.length; k++) if (bytes[i + k] != what[k]) continue outer;
      return i;
    }
    return -1;
  }

  public static Path samples() {
    return Path.of("samples").toAbsolutePath();
  }

  public static Path sample(String name) {
    return samples().resolve(name);
  }

  /** A synthetic frame: gradient background, a moving disc and the frame number as text. */
  public static Mat syntheticFrame(int width, int height, int index) {
    Mat m = new Mat(height, width, CV_8UC3);
    byte[] row = new byte[width * 3];
    org.bytedeco.javacpp.BytePointer data = m.data();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        row[3 * x] = (byte) (x * 255 / width);
        row[3 * x + 1] = (byte) (y * 255 / height);
        row[3 * x + 2] = (byte) ((index * 7) & 0xff);
      }
      data.position(y * m.step()).put(row, 0, row.length);
    }
    data.position(0);
    try (Point c = new Point((index * 13) % width, height / 2);
        Scalar white = new Scalar(255, 255, 255, 0);
        Point text = new Point(10, Math.max(20, height / 4))) {
      circle(m, c, Math.max(4, height / 10), white, -1, 8, 0);
      putText(m, String.valueOf(index), text, FONT_HERSHEY_SIMPLEX, 1.0, white, 2, 8, false);
    }
    return m;
  }

  /** Writes a clip of synthetic frames at the given timestamps (time base 1/timeBaseDen). */
  public static Path writeClip(
      Path file,
      int width,
      int height,
      long[] pts,
      int timeBaseDen,
      double fps,
      String codec,
      Path audio) {
    VideoInfo info =
        new VideoInfo(
            file,
            width,
            height,
            0,
            new Rational(1, timeBaseDen),
            fps,
            pts.length,
            0,
            -1,
            "rawvideo",
            null);
    EncodeSettings settings = EncodeSettings.forOutput(file, codec, null, null);
    try (VideoWriter w = VideoWriter.create(file, info, settings, audio, Map.of())) {
      for (int i = 0; i < pts.length; i++) {
        try (Mat frame = syntheticFrame(width, height, i)) {
          w.write(frame, pts[i]);
        }
      }
      w.finish();
    }
    return file;
  }

  /** The first {@code frames} frames of a clip, re-encoded (no audio): short real test input. */
  public static Path trim(Path in, Path out, int frames) {
    return trim(in, out, frames, false);
  }

  /** As {@link #trim(Path, Path, int)}, with the clip's audio carried over when asked. */
  public static Path trim(Path in, Path out, int frames, boolean withAudio) {
    try (VideoReader reader = VideoReader.open(in);
        VideoWriter w =
            VideoWriter.create(
                out,
                reader.info(),
                EncodeSettings.forOutput(out, null, null, null),
                withAudio ? in : null,
                Map.of())) {
      for (int i = 0; i < frames; i++) {
        try (VideoFrame f = reader.next()) {
          if (f == null) break;
          w.write(f.image(), f.pts());
        }
      }
      w.finish();
    }
    return out;
  }

  /** Constant-rate timestamps 0..n-1 in a 1/fps time base. */
  public static long[] constantRate(int n) {
    long[] pts = new long[n];
    for (int i = 0; i < n; i++) pts[i] = i;
    return pts;
  }

  /** A 16-bit mono PCM WAV of a sine tone. */
  public static Path writeWav(Path file, double seconds, int sampleRate, double hz)
      throws IOException {
    int n = (int) Math.round(seconds * sampleRate);
    ByteBuffer pcm = ByteBuffer.allocate(n * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      pcm.putShort((short) (12000 * Math.sin(2 * Math.PI * hz * i / sampleRate)));
    }
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes(StandardCharsets.US_ASCII))
        .putInt(36 + n * 2)
        .put("WAVE".getBytes(StandardCharsets.US_ASCII));
    h.put("fmt ".getBytes(StandardCharsets.US_ASCII))
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) 1)
        .putInt(sampleRate)
        .putInt(sampleRate * 2)
        .putShort((short) 2)
        .putShort((short) 16);
    h.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(n * 2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(h.array());
    out.write(pcm.array());
    Files.write(file, out.toByteArray());
    return file;
  }

  /** Every frame's pts as our reader decodes them. */
  public static List<Long> readPts(Path file) {
    List<Long> pts = new ArrayList<>();
    try (VideoReader r = VideoReader.open(file)) {
      r.forEachFrame(f -> pts.add(f.pts()));
    }
    return pts;
  }

  /** The interpreter doppel train would use (torch, numpy, PIL, onnx), or null. */
  public static String python() {
    try {
      return dev.doppel.train.PythonRuntime.find().executable();
    } catch (dev.doppel.DoppelException e) {
      return null;
    }
  }

  /** Whether the ffmpeg/ffprobe command-line tools are installed (.ci/run installs them). */
  public static boolean hasFfmpegTools() {
    try {
      return run("ffprobe", "-version").exitCode == 0 && run("ffmpeg", "-version").exitCode == 0;
    } catch (IOException e) {
      return false;
    }
  }

  public record Result(int exitCode, String out) {}

  public static Result run(String... command) throws IOException {
    return runIn(Path.of("."), command);
  }

  /** Runs {@code ffmpeg -v error -y ARGS}; a failure is an IOException with ffmpeg's words. */
  public static void ffmpeg(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
    cmd.addAll(List.of(args));
    Result r = run(cmd.toArray(String[]::new));
    if (r.exitCode() != 0)
      throw new IOException("ffmpeg " + String.join(" ", args) + ": " + r.out());
  }

  /** Runs a command in {@code folder}, its output and errors together. */
  public static Result runIn(Path folder, String... command) throws IOException {
    Process p =
        new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", command));
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** ffprobe's view of one stream: a list of "key=value" lines. */
  public static String ffprobe(Path file, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ffprobe", "-v", "error"));
    cmd.addAll(List.of(args));
    cmd.add(file.toString());
    Result r = run(cmd.toArray(String[]::new));
    if (r.exitCode != 0) throw new IOException("ffprobe failed: " + r.out);
    return r.out;
  }
}
