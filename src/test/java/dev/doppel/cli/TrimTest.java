package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.VideoReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --start}, {@code --end}, {@code --duration} and {@code --frames}. The input, made with the
 * ffmpeg CLI, shows its own frame number (left half: number mod 25, right half: number / 25, as
 * grey levels) and beeps from 8.0 s to 8.2 s, so the test reads which source frames came out and
 * where the audio went. Starts from 5 s seek ({@code VideoReader.SEEK_AFTER_MICROS}); earlier ones
 * and a raw stream without timestamps decode and drop.
 */
class TrimTest {
  private static final int FPS = 25;
  private static final double BEEP = 8.0;

  @TempDir static Path dir;
  private static Path mp4;

  @BeforeAll
  static void makeClip() throws Exception {
    assumeTrue(TestMedia.hasFfmpegTools(), "ffmpeg CLI not installed (.ci/run installs it)");
    mp4 = dir.resolve("numbered.mp4");
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "nullsrc=s=160x120:r=25:d=12,geq=lum='if(lt(X,W/2),16+mod(N,25)*8,16+floor(N/25)*7)'"
            + ":cb=128:cr=128",
        "-f",
        "lavfi",
        "-i",
        "aevalsrc='if(between(t,"
            + BEEP
            + ","
            + (BEEP + 0.2)
            + "),0.5*sin(2*PI*1000*t),0)'"
            + ":s=48000:d=12",
        "-c:v",
        "libx264",
        "-qp",
        "0",
        "-g",
        "50",
        "-bf",
        "2",
        "-c:a",
        "aac",
        "-shortest",
        mp4.toString());
  }

  static Stream<Arguments> ranges() {
    return Stream.of(
        // seek: the first frame at or after 7.5 s is 188 (7.52 s); 9 s ends before frame 225
        Arguments.of("mp4", List.of("--start", "7.5", "--end", "9"), 188, 224),
        Arguments.of("mp4", List.of("--start", "0:02", "--duration", "1"), 50, 74),
        Arguments.of("mp4", List.of("--frames", "10"), 0, 9),
        Arguments.of("mp4", List.of("--start", "6.01", "--frames", "30"), 151, 180),
        Arguments.of("mpg", List.of("--start", "6", "--frames", "10"), 150, 159),
        Arguments.of("h264", List.of("--start", "6", "--duration", "400ms"), 150, 159));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("ranges")
  void swapWritesExactlyTheFramesOfTheRangeFromZero(
      String kind, List<String> range, int first, int last) throws Exception {
    Path in = input(kind);
    Path out = dir.resolve(kind + String.join("", range).replace(':', '_') + ".mp4");
    List<String> args =
        new ArrayList<>(
            List.of(
                "swap",
                in.toString(),
                "-o",
                out.toString(),
                "--faces",
                "none",
                "--model",
                "models/pair96",
                "-q"));
    args.addAll(range);
    Cli swap = Cli.run(args.toArray(String[]::new));
    assertEquals(0, swap.exitCode(), swap.err());

    List<Integer> numbers = frameNumbers(out);
    List<Integer> expected = new ArrayList<>();
    for (int n = first; n <= last; n++) expected.add(n);
    assertEquals(expected, numbers, "source frames in the output");
    List<Long> pts = TestMedia.readPts(out);
    assertEquals(0, pts.get(0), "the output starts at 0");

    JsonNode sidecar =
        Json.MAPPER.readTree(dir.resolve(out.getFileName() + ".doppel.json").toFile());
    JsonNode recorded = sidecar.path("settings").path("input_range");
    assertFalse(recorded.isMissingNode(), "the sidecar records the range");
    if (kind.equals("mp4")) {
      assertEquals(
          first / (double) FPS, recorded.path("first_frame_source_seconds").asDouble(), 1e-6);
    }
    if (kind.equals("mp4") && first / (double) FPS <= BEEP && last / (double) FPS > BEEP) {
      double expectedBeep = BEEP - first / (double) FPS;
      assertEquals(expectedBeep, beepOnset(out), 0.002, "the audio is cut in sync");
    }
    if (!kind.equals("h264")) {
      // the audio ends where the video ends: (last - first + 1) frames
      double videoSeconds = (last - first + 1) / (double) FPS;
      assertEquals(videoSeconds, audioSeconds(out), 0.03, "audio length");
    }
  }

  @Test
  void facesJsonCountsFramesAndTimesFromTheStart() throws Exception {
    Path json = dir.resolve("faces.jsonl");
    Cli faces =
        Cli.run(
            "faces",
            mp4.toString(),
            "--json",
            json.toString(),
            "--start",
            "7.5",
            "--frames",
            "5",
            "-q");
    assertEquals(0, faces.exitCode(), faces.err());
    List<String> lines = Files.readAllLines(json);
    assertEquals(5, lines.size());
    for (int i = 0; i < 5; i++) {
      JsonNode frame = Json.MAPPER.readTree(lines.get(i));
      assertEquals(i, frame.path("frame").asInt());
      assertEquals(i / (double) FPS, frame.path("time").asDouble(), 1e-6);
    }
  }

  @Test
  void aRangePastTheEndIsRefusedAndWritesNothing() throws Exception {
    Path out = dir.resolve("past.mp4");
    Cli swap =
        Cli.run(
            "swap",
            mp4.toString(),
            "-o",
            out.toString(),
            "--faces",
            "none",
            "--model",
            "models/pair96",
            "--start",
            "12.5",
            "-q");
    assertEquals(2, swap.exitCode());
    assertEquals(
        "doppel: cannot read video: " + mp4 + ": no frame from 12.5 s (the video is 12 s long)",
        swap.err().strip());
    assertFalse(Files.exists(out));
    try (Stream<Path> files = Files.list(dir)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith(".past")));
    }
  }

  @Test
  void badRangesAreUsageErrors() {
    String[][] cases = {
      {"--start", "5", "--end", "4", "--end 4 must come after --start 5"},
      {"--start", "1:75", "'1:75': minutes and seconds of a clock time run 0 to 59"},
      {"--end", "2", "--duration", "1", "--end and --duration both say where to stop: give one"},
      {"--frames", "0", "--frames 0: must be at least 1"},
      {"--duration", "0", "--duration 0: must be more than 0"},
      {"--start", "soon", "'soon' is not a time"},
    };
    for (String[] c : cases) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "swap",
                  mp4.toString(),
                  "-o",
                  dir.resolve("bad.mp4").toString(),
                  "--model",
                  "models/pair96"));
      args.addAll(List.of(c).subList(0, c.length - 1));
      Cli swap = Cli.run(args.toArray(String[]::new));
      assertEquals(2, swap.exitCode(), String.join(" ", c));
      assertTrue(swap.err().contains(c[c.length - 1]), swap.err());
    }
  }

  private static Path input(String kind) throws Exception {
    return switch (kind) {
      case "mp4" -> mp4;
      case "mpg" -> converted("numbered.mpg", "-c:v", "mpeg1video", "-q:v", "1", "-c:a", "mp2");
      case "h264" -> converted("numbered.h264", "-an", "-c:v", "libx264", "-qp", "0", "-f", "h264");
      default -> throw new IllegalArgumentException(kind);
    };
  }

  private static Path converted(String name, String... codec) throws Exception {
    Path out = dir.resolve(name);
    if (Files.exists(out)) return out;
    List<String> args = new ArrayList<>(List.of("-i", mp4.toString()));
    args.addAll(List.of(codec));
    args.add(out.toString());
    ffmpeg(args.toArray(String[]::new));
    return out;
  }

  /** The source frame number each output frame shows (see the class comment). */
  private static List<Integer> frameNumbers(Path video) {
    List<Integer> numbers = new ArrayList<>();
    try (VideoReader r = VideoReader.open(video)) {
      r.forEachFrame(
          f -> {
            int low = (int) Math.round((grey(f.image(), 20) * 219 / 255) / 8);
            int high = (int) Math.round((grey(f.image(), 100) * 219 / 255) / 7);
            numbers.add(high * 25 + low);
          });
    }
    return numbers;
  }

  private static double grey(Mat bgr, int x) {
    try (Rect r = new Rect(x, 30, 40, 60);
        Mat block = new Mat(bgr, r)) {
      return org.bytedeco.opencv.global.opencv_core.mean(block).get(1);
    }
  }

  /** When the output's audio first rises above a quarter of the beep's level, in seconds. */
  private static double beepOnset(Path video) throws Exception {
    short[] s = pcm(video);
    for (int i = 0; i < s.length; i++) {
      if (Math.abs(s[i]) > 4000) return i / 48000.0;
    }
    throw new AssertionError("no beep in " + video);
  }

  private static double audioSeconds(Path video) throws Exception {
    JsonNode packets =
        Json.MAPPER
            .readTree(
                TestMedia.ffprobe(
                    video,
                    "-select_streams",
                    "a",
                    "-show_entries",
                    "packet=pts_time,duration_time",
                    "-of",
                    "json"))
            .path("packets");
    double start = Double.MAX_VALUE;
    double end = 0;
    for (JsonNode p : packets) {
      start = Math.min(start, Math.max(0, p.path("pts_time").asDouble()));
      end = Math.max(end, p.path("pts_time").asDouble() + p.path("duration_time").asDouble());
    }
    return end - start;
  }

  /** The audio as 48 kHz mono samples, decoded by the ffmpeg CLI (priming samples dropped). */
  private static short[] pcm(Path video) throws Exception {
    Path raw = dir.resolve(video.getFileName() + ".s16");
    ffmpeg(
        "-i",
        video.toString(),
        "-map",
        "0:a",
        "-ac",
        "1",
        "-ar",
        "48000",
        "-f",
        "s16le",
        raw.toString());
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
    short[] s = new short[b.remaining() / 2];
    b.asShortBuffer().get(s);
    return s;
  }

  private static void ffmpeg(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y"));
    cmd.addAll(List.of(args));
    TestMedia.Result r = TestMedia.run(cmd.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.out());
  }
}
