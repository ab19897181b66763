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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs whose frames come without timestamps, made with the ffmpeg CLI: an MPEG-4 part 2 AVI with
 * B-frames and AC3 audio (the decoder's flushed last frame has neither pts nor dts), an MPEG-PS
 * file with MPEG-1 video and B-frames, and a raw H.264 elementary stream (no timestamps at all).
 * Each keeps ffprobe's frame count and timing through the reader, {@code swap} and {@code faces
 * --json}.
 */
class MediaTimestampsTest {
  private static final int FRAMES = 20;
  private static final double FPS = 25;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"xvid.avi", "mpeg1.mpg", "raw.h264"})
  void framesWithoutTimestampsKeepCountAndTiming(String name) throws Exception {
    assumeTrue(TestMedia.hasFfmpegTools(), "ffmpeg CLI not installed (.ci/run installs it)");
    Path in = make(name);
    List<Double> probed = bestEffortTimes(in);
    assertEquals(FRAMES, probed.size(), "ffprobe's frame count of " + name);

    List<Double> ours = new ArrayList<>();
    try (VideoReader r = VideoReader.open(in)) {
      r.forEachFrame(f -> ours.add(f.micros() / 1e6));
    }
    assertEquals(FRAMES, ours.size(), "frames read");
    int missing = 0;
    for (int i = 0; i < FRAMES; i++) {
      Double p = probed.get(i);
      if (p != null) {
        assertEquals(p, ours.get(i), 0.001, name + " frame " + i + ": ffprobe's timestamp");
      } else {
        missing++;
        // no timestamp: one frame after the previous one, as the ffmpeg CLI predicts it
        double expected = i == 0 ? ours.get(0) : ours.get(i - 1) + 1 / FPS;
        assertEquals(expected, ours.get(i), 0.001, name + " frame " + i + " (no timestamp)");
      }
    }
    // MPEG-PS: every frame has a pts, but B-frames leave the last one without a dts
    if (!name.endsWith(".mpg")) {
      assertTrue(missing > 0, name + " was meant to have frames without timestamps");
    }

    Path out = dir.resolve(name + ".out.mp4");
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
    assertEquals(0, swap.exitCode(), swap.err());
    List<Double> written = bestEffortTimes(out);
    assertEquals(FRAMES, written.size(), "frames written");
    for (int i = 0; i < FRAMES; i++) {
      assertEquals(
          ours.get(i) - ours.get(0),
          written.get(i) - written.get(0),
          0.001,
          name + " frame " + i + " in the output, from the first frame");
    }
    // the video lasts N frames: last packet's end minus first packet's start (the MP4 keeps the
    // source's start time, and ffprobe's stream duration then reads the edit list, not this)
    JsonNode packets =
        Json.MAPPER
            .readTree(
                TestMedia.ffprobe(
                    out,
                    "-select_streams",
                    "v",
                    "-show_entries",
                    "packet=pts_time,duration_time",
                    "-of",
                    "json"))
            .path("packets");
    double first = Double.MAX_VALUE;
    double end = 0;
    for (JsonNode p : packets) {
      first = Math.min(first, p.path("pts_time").asDouble());
      end = Math.max(end, p.path("pts_time").asDouble() + p.path("duration_time").asDouble());
    }
    assertEquals(FRAMES / FPS, end - first, 0.001, name + ": output video duration");
    if (!name.endsWith(".h264")) {
      // the audio keeps its place against the video (an MPEG-PS's MP2 is re-encoded to AAC,
      // whose first packet is the encoder's priming, at most 1024 samples)
      double inOffset = start(in, "a") - start(in, "v");
      double outOffset = start(out, "a") - start(out, "v");
      assertEquals(inOffset, outOffset, 0.06, name + ": audio start against video");
    }

    Path json = dir.resolve(name + ".jsonl");
    Cli faces = Cli.run("faces", in.toString(), "--json", json.toString(), "-q");
    assertEquals(0, faces.exitCode(), faces.err());
    List<String> lines = Files.readAllLines(json);
    assertEquals(FRAMES, lines.size());
    for (int i = 0; i < FRAMES; i++) {
      JsonNode frame = Json.MAPPER.readTree(lines.get(i));
      assertEquals(ours.get(i), frame.path("time").asDouble(), 0.001, "faces --json frame " + i);
    }
  }

  /** The test file, made from the astronaut sample with the ffmpeg CLI. */
  private Path make(String name) throws Exception {
    Path out = dir.resolve(name);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-i",
                TestMedia.sample("astronaut.mp4").toString(),
                "-frames:v",
                String.valueOf(FRAMES),
                "-r",
                String.valueOf((int) FPS)));
    switch (name) {
      case "xvid.avi" ->
          cmd.addAll(List.of("-c:v", "mpeg4", "-vtag", "XVID", "-bf", "2", "-c:a", "ac3"));
      case "mpeg1.mpg" -> cmd.addAll(List.of("-c:v", "mpeg1video", "-bf", "2", "-c:a", "mp2"));
      case "raw.h264" -> cmd.addAll(List.of("-c:v", "libx264", "-bf", "2", "-an", "-f", "h264"));
      default -> throw new IllegalArgumentException(name);
    }
    cmd.add(out.toString());
    TestMedia.Result r = TestMedia.run(cmd.toArray(String[]::new));
    assertEquals(0, r.exitCode(), r.out());
    return out;
  }

  /** ffprobe's start time of the file's first stream of this type ("v" or "a"), in seconds. */
  private static double start(Path file, String type) throws Exception {
    JsonNode probe =
        Json.MAPPER.readTree(
            TestMedia.ffprobe(
                file,
                "-select_streams",
                type + ":0",
                "-show_entries",
                "stream=start_time",
                "-of",
                "json"));
    return probe.path("streams").path(0).path("start_time").asDouble();
  }

  /** ffprobe's best-effort timestamp of each frame in seconds; null where it has none. */
  private static List<Double> bestEffortTimes(Path file) throws Exception {
    JsonNode probe =
        Json.MAPPER.readTree(
            TestMedia.ffprobe(
                file,
                "-select_streams",
                "v",
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
