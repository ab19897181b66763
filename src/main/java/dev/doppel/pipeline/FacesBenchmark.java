package dev.doppel.pipeline;

import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.StageTimes;
import dev.doppel.face.TrackerSettings;
import dev.doppel.video.BackgroundEncoder;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoInfo;
import dev.doppel.video.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Times the {@code faces} pipeline stage by stage on one clip (looped to reach a frame count) and
 * samples the process's resident memory, so long runs can be checked for flat memory.
 */
public final class FacesBenchmark {
  private FacesBenchmark() {}

  /**
   * @param stageMillisPerFrame mean wall milliseconds per frame of each stage
   * @param rssStartMb resident memory after the first 100 frames (warm-up), MiB
   * @param rssEndMb resident memory at the end, MiB
   */
  public record Result(
      VideoInfo info,
      long frames,
      double seconds,
      Map<String, Double> stageMillisPerFrame,
      long detectCalls,
      long meshCalls,
      double rssStartMb,
      double rssEndMb,
      double rssPeakMb) {
    public double fps() {
      return frames / seconds;
    }
  }

  /** The swap pipeline is timed by {@link SwapBenchmark}. */
  public static Result run(
      Path input, long minFrames, TrackerSettings tracker, Path scratchDir, String codec)
      throws IOException {
    Path out = Files.createTempFile(scratchDir, "doppel-bench-", ".mp4");
    StageTimes times;
    long frames = 0;
    double rssStart = 0;
    double peak = 0;
    long start = System.nanoTime();
    VideoInfo info;
    try (LoopingFrames clip = new LoopingFrames(input, minFrames);
        FaceTracker faceTracker = new FaceTracker(tracker);
        BackgroundEncoder writer =
            new BackgroundEncoder(
                VideoWriter.create(
                    out,
                    clip.info(),
                    EncodeSettings.forOutput(out, codec, null, null),
                    null,
                    Map.of()),
                4)) {
      info = clip.info();
      times = faceTracker.times();
      while (true) {
        long t0 = System.nanoTime();
        VideoFrame frame = clip.next();
        times.add("decode", System.nanoTime() - t0);
        if (frame == null) break;
        try (frame) {
          List<Face> faces = faceTracker.next(frame.image(), frame.micros() / 1e6);
          long t1 = System.nanoTime();
          FaceAnnotator.draw(frame.image(), faces);
          long t2 = System.nanoTime();
          writer.write(frame.image(), frame.pts());
          times.add("draw", t2 - t1);
          times.add("wait for encoder", System.nanoTime() - t2);
        }
        frames++;
        if (frames == 100) rssStart = rssMb();
        if (frames % 100 == 0) peak = Math.max(peak, rssMb());
      }
      writer.finish();
      times.add("encode (own thread)", Math.round(writer.encodeMillis() * 1e6));
    } finally {
      Files.deleteIfExists(out);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double rssEnd = rssMb();
    Map<String, Double> perFrame = new java.util.LinkedHashMap<>();
    for (String stage :
        List.of("decode", "detect", "mesh", "draw", "wait for encoder", "encode (own thread)")) {
      perFrame.put(stage, times.millis(stage) / frames);
    }
    return new Result(
        info,
        frames,
        seconds,
        perFrame,
        times.calls("detect"),
        times.calls("mesh"),
        rssStart,
        rssEnd,
        Math.max(peak, rssEnd));
  }

  /** Resident set size of this process in MiB (Linux), or 0 where /proc is missing. */
  public static double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException ignored) {
      // not Linux: memory is simply not reported
    }
    return 0;
  }
}
