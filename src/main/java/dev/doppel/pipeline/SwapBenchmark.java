package dev.doppel.pipeline;

import dev.doppel.face.TrackerSettings;
import dev.doppel.output.Progress;
import dev.doppel.swap.Device;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What {@code doppel bench} compares on one clip: FFmpeg decoding alone, decoding + encoding with
 * the same encoder settings (the floor no swap pipeline can beat), and the real swap path ({@link
 * SwapJob} with its pipeline), each looped to the same frame count.
 */
public final class SwapBenchmark {
  private SwapBenchmark() {}

  /** Frames per second of a pass, and resident memory: after 100 frames, at the end, peak. */
  public record Rate(
      long frames, double seconds, double rssAfter100Mb, double rssEndMb, double rssPeakMb) {
    public double fps() {
      return frames / seconds;
    }
  }

  public static Rate decodeOnly(Path input, long minFrames) {
    RssProgress rss = new RssProgress();
    long n = 0;
    long t0 = System.nanoTime();
    try (LoopingFrames frames = new LoopingFrames(input, minFrames)) {
      for (VideoFrame f = frames.next(); f != null; f = frames.next()) {
        f.close();
        n++;
        rss.step();
      }
    }
    return rss.rate(n, (System.nanoTime() - t0) / 1e9);
  }

  public static Rate transcodeOnly(Path input, long minFrames, String codec, Path scratch)
      throws IOException {
    Path out = Files.createTempFile(scratch, "doppel-bench-", ".mp4");
    RssProgress rss = new RssProgress();
    long n = 0;
    long t0 = System.nanoTime();
    try (LoopingFrames frames = new LoopingFrames(input, minFrames);
        dev.doppel.video.BackgroundEncoder writer =
            new dev.doppel.video.BackgroundEncoder(
                VideoWriter.create(
                    out,
                    frames.info(),
                    EncodeSettings.forOutput(out, codec, null, null),
                    null,
                    Map.of()),
                4)) {
      for (VideoFrame f = frames.next(); f != null; f = frames.next()) {
        try (VideoFrame frame = f) {
          writer.write(frame.image(), frame.pts());
        }
        n++;
        rss.step();
      }
      writer.finish();
    } finally {
      Files.deleteIfExists(out);
    }
    return rss.rate(n, (System.nanoTime() - t0) / 1e9);
  }

  /** The swap job on the clip, looped; {@code pipelined} false runs it on one thread. */
  public static Map.Entry<SwapJob.Summary, Rate> swap(
      Path input,
      Path model,
      long minFrames,
      TrackerSettings tracker,
      String codec,
      Path scratch,
      boolean pipelined,
      boolean int8,
      Device device,
      boolean labelled)
      throws IOException {
    Path out = Files.createTempFile(scratch, "doppel-bench-", ".mp4");
    Files.delete(out);
    RssProgress rss = new RssProgress();
    try {
      SwapOptions o =
          SwapOptions.builder(input, out, model)
              .encode(EncodeSettings.forOutput(out, codec, null, null))
              .tracker(tracker)
              .label(labelled)
              .pipelined(pipelined)
              .int8(int8)
              .device(device)
              .build();
      SwapJob.Summary s = SwapJob.run(o, rss, minFrames);
      return Map.entry(s, rss.rate(s.frames(), s.loopSeconds()));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(dev.doppel.output.Provenance.sidecarFor(out));
    }
  }

  /** Counts frames and samples RSS: after the first 100 (warm-up), every 100, at the end. */
  private static final class RssProgress implements Progress {
    private long frames;
    private double after100;
    private double peak;

    @Override
    public void start(String task, long totalFrames) {}

    @Override
    public void step() {
      frames++;
      if (frames == 100) after100 = FacesBenchmark.rssMb();
      if (frames % 100 == 0) peak = Math.max(peak, FacesBenchmark.rssMb());
    }

    Rate rate(long n, double seconds) {
      double end = FacesBenchmark.rssMb();
      return new Rate(n, seconds, after100, end, Math.max(peak, end));
    }

    @Override
    public void close() {}
  }
}
