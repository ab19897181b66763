package dev.doppel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.output.Json;
import dev.doppel.testing.TestMedia;
import dev.doppel.video.VideoReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Valid media of many kinds, made here with the ffmpeg CLI from its test pattern: each keeps
 * ffprobe's frame count and frame timing through the reader, {@code swap --faces none} and {@code
 * faces --json}. (The timestamp-less cases of AVI, MPEG-PS and raw H.264 are in {@link
 * MediaTimestampsTest}.)
 */
class MediaCorpusTest {
  private static final String PATTERN = "testsrc2=s=128x96:r=25:d=0.8"; // 20 frames
  private static final String TONE = "sine=frequency=440:sample_rate=48000:d=0.8";

  @TempDir Path dir;

  static Stream<Arguments> corpus() {
    return Stream.of(
        media(
            "interlaced.ts",
            "-i",
            TONE,
            "-c:v",
            "mpeg2video",
            "-flags",
            "+ilme+ildct",
            "-top",
            "1",
            "-c:a",
            "mp2"),
        media("10bit.mp4", "-c:v", "libx264", "-pix_fmt", "yuv420p10le"),
        media("yuv444.mp4", "-c:v", "libx264", "-pix_fmt", "yuv444p"),
        media("gray.mkv", "-c:v", "ffv1", "-pix_fmt", "gray"),
        media(
            "odd-size.webm", "-vf", "scale=161:97", "-c:v", "libvpx-vp9", "-deadline", "realtime"),
        media("rotated.mp4", "-c:v", "libx264", "ROTATE"),
        media(
            "vfr.mkv",
            "-vf",
            "setpts='(if(lt(N,10),N*0.04,0.4+(N-10)*0.1))/TB'",
            "-fps_mode",
            "vfr",
            "-c:v",
            "libx264"),
        media(
            "two-audio.mkv",
            "-i",
            TONE,
            "-i",
            "sine=frequency=880:sample_rate=44100:d=0.8",
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-map",
            "2:a",
            "-c:v",
            "libx264",
            "-c:a:0",
            "aac",
            "-c:a:1",
            "libopus",
            "-metadata:s:a:0",
            "language=eng",
            "-metadata:s:a:1",
            "language=fra"),
        media("subtitles.mkv", "SUBTITLES", "-c:v", "libx264", "-c:s", "srt"),
        media("animation.gif", "-c:v", "gif"),
        media("mjpeg.avi", "-i", TONE, "-c:v", "mjpeg", "-q:v", "3", "-c:a", "pcm_s16le"),
        media("prores.mov", "-i", TONE, "-c:v", "prores_ks", "-c:a", "pcm_s16le"),
        media("av1.mkv", "-c:v", "libaom-av1", "-cpu-used", "8", "-crf", "45"),
        media(
            "vp9.webm",
            "-i",
            TONE,
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-c:a",
            "libopus"));
  }

  private static Arguments media(String name, String... args) {
    return Arguments.of(name, List.of(args));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void keepsFrameCountAndTiming(String name, List<String> args) throws Exception {
    assumeTrue(TestMedia.hasFfmpegTools(), "ffmpeg CLI not installed (.ci/run installs it)");
    Path in = make(name, args);
    List<Double> probed = frameTimes(in);
    assertTrue(probed.size() >= 20, name + ": ffprobe sees " + probed.size() + " frames");
    assertTrue(probed.stream().allMatch(t -> t != null), name + ": every frame has a timestamp");

    List<Double> ours = new ArrayList<>();
    int[] size = new int[2];
    try (VideoReader r = VideoReader.open(in)) {
      size[0] = r.info().width();
      size[1] = r.info().height();
      r.forEachFrame(f -> ours.add(f.micros() / 1e6));
    }
    assertTimes(probed, ours, name + ": the reader");
    if (name.startsWith("rotated")) {
      assertEquals(96, size[0], "a quarter-turned frame is read upright");
      assertEquals(128, size[1]);
    }

    Path out = dir.resolve(name + ".out.mkv");
    Cli swap =
        Cli.run(
            "swap",
            in.toString(),
            "-o",
            out.toString(),
            "--faces",
            "none",
            "--model",
            "models/pair96",
            "-q");
    assertEquals(0, swap.exitCode(), name + ": " + swap.err());
    assertTimes(probed, frameTimes(out), name + ": swap's output");
    assertEquals(
        streamTypes(in), streamTypes(out), name + ": every audio and subtitle stream kept");

    Path json = dir.resolve(name + ".jsonl");
    Cli faces = Cli.run("faces", in.toString(), "--json", json.toString(), "-q");
    assertEquals(0, faces.exitCode(), name + ": " + faces.err());
    List<Double> analysed = new ArrayList<>();
    for (String line : Files.readAllLines(json)) {
      analysed.add(Json.MAPPER.readTree(line).path("time").asDouble());
    }
    assertTimes(probed, analysed, name + ": faces --json");
  }

  /** Same count, and the same times counted from the first frame (to the millisecond). */
  private static void assertTimes(List<Double> expected, List<Double> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": frame count");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(
          expected.get(i) - expected.get(0),
          actual.get(i) - actual.get(0),
          0.0011,
          what + ": frame " + i + " time");
    }
  }

  private Path make(String name, List<String> args) throws Exception {
    Path out = dir.resolve(name);
    List<String> cmd =
        new ArrayList<>(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", PATTERN));
    List<String> rest = new ArrayList<>(args);
    if (rest.remove("SUBTITLES")) {
      Path srt = dir.resolve("words.srt");
      Files.writeString(
          srt,
          "1\n00:00:00,000 --> 00:00:00,400\nHello\n\n2\n00:00:00,400 --> 00:00:00,800\nBye\n");
      cmd.addAll(List.of("-i", srt.toString(), "-map", "0:v", "-map", "1:s"));
    }
    // "-i X" in the arguments: X is another lavfi source
    for (int i = 0; i < rest.size(); i++) {
      if (rest.get(i).equals("-i") && !rest.get(i + 1).endsWith(".srt")) {
        cmd.addAll(List.of("-f", "lavfi", "-i", rest.get(i + 1)));
        i++;
      } else {
        cmd.add(rest.get(i));
      }
    }
    // ffmpeg 5.1 writes the rotate tag as a display matrix only when copying the stream
    boolean rotate = cmd.remove("ROTATE");
    Path made = rotate ? dir.resolve("unrotated-" + name) : out;
    cmd.add(made.toString());
    TestMedia.Result r = TestMedia.run(cmd.toArray(String[]::new));
    assertEquals(0, r.exitCode(), name + ": " + r.out());
    if (rotate) {
      r =
          TestMedia.run(
              "ffmpeg",
              "-v",
              "error",
              "-y",
              "-i",
              made.toString(),
              "-c",
              "copy",
              "-metadata:s:v:0",
              "rotate=90",
              out.toString());
      assertEquals(0, r.exitCode(), name + ": " + r.out());
    }
    return out;
  }

  /** The file's streams in order, as ffprobe lists them: type and language (video, audio:eng). */
  private static List<String> streamTypes(Path file) throws Exception {
    List<String> types = new ArrayList<>();
    for (JsonNode s :
        Json.MAPPER
            .readTree(TestMedia.ffprobe(file, "-show_entries", "stream=codec_type", "-of", "json"))
            .path("streams")) {
      types.add(s.path("codec_type").asText());
    }
    return types;
  }

  /** ffprobe's best-effort timestamp of each frame of the first video stream, in seconds. */
  private static List<Double> frameTimes(Path file) throws Exception {
    JsonNode probe =
        Json.MAPPER.readTree(
            TestMedia.ffprobe(
                file,
                "-select_streams",
                "v:0",
                "-show_entries",
                "frame=best_effort_timestamp_time",
                "-of",
                "json"));
    List<Double> times = new ArrayList<>();
    for (JsonNode frame : probe.path("frames")) {
      JsonNode t = frame.path("best_effort_timestamp_time");
      times.add(t.isMissingNode() || t.asText().equals("N/A") ? null : t.asDouble());
    }
    return times;
  }
}
