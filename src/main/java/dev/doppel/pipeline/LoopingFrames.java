package dev.doppel.pipeline;

import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoInfo;
import dev.doppel.video.VideoReader;
import java.nio.file.Path;

/**
 * A clip's frames, replayed from the start until at least {@code minFrames} were handed out, with
 * timestamps continuing across the loops (for benchmarks and long-run memory checks).
 */
final class LoopingFrames implements AutoCloseable {
  private final Path input;
  private final long minFrames;
  private final long frameTicks;
  private final long frameMicros;
  private VideoReader reader;
  private long handedOut;
  private long ptsOffset;
  private long microsOffset;
  private long lastPts;
  private long lastMicros;

  LoopingFrames(Path input, long minFrames) {
    this.input = input;
    this.minFrames = minFrames;
    this.reader = VideoReader.open(input);
    VideoInfo info = reader.info();
    this.frameTicks = Math.max(1, Math.round(1 / (info.frameRate() * info.timeBase().toDouble())));
    this.frameMicros = Math.round(1e6 / info.frameRate());
  }

  /** The clip's stream description. */
  VideoInfo info() {
    return reader.info();
  }

  VideoFrame next() {
    VideoFrame f = reader.next();
    if (f == null) {
      if (handedOut >= minFrames || handedOut == 0) return null;
      reader.close();
      reader = VideoReader.open(input);
      ptsOffset = lastPts + frameTicks;
      microsOffset = lastMicros + frameMicros;
      f = reader.next();
      if (f == null) return null;
    }
    lastPts = ptsOffset + f.pts();
    lastMicros = microsOffset + f.micros();
    return new VideoFrame(f.image(), handedOut++, lastPts, lastMicros);
  }

  @Override
  public void close() {
    reader.close();
  }
}
