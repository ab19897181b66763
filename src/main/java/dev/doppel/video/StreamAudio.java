package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;

import java.util.List;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The audio of a stream input (standard input, a URL, a device), which the reader decodes along
 * with the video because the stream cannot be opened a second time: encoded into the output on the
 * video's timeline. A trimmed input's audio is cut where its video starts and ends.
 */
final class StreamAudio implements AutoCloseable {
  private final AudioChunk.Format format;
  private final AudioEncoder encoder;
  private final double origin;
  private boolean started;

  StreamAudio(Muxer muxer, AudioChunk.Format format, VideoInfo video) {
    this.format = format;
    this.origin = video.originSeconds();
    AudioTrack.Trim trim = video.trimmed() ? new AudioTrack.Trim(origin) : null;
    AVChannelLayout layout = new AVChannelLayout();
    try {
      av_channel_layout_default(layout, format.channels());
      encoder =
          new AudioEncoder(
              muxer,
              layout,
              AV_SAMPLE_FMT_FLTP,
              format.sampleRate(),
              format.sampleRate(),
              format.channels(),
              trim);
    } finally {
      av_channel_layout_uninit(layout);
      layout.close();
    }
    encoder.describe(muxer.addStream());
  }

  void write(List<AudioChunk> chunks) {
    for (AudioChunk chunk : chunks) {
      // a stream that changes its layout mid-way: those samples cannot join this track
      if (chunk.channels() != format.channels() || chunk.samples() == 0) continue;
      if (!started) {
        started = true;
        encoder.startAt(chunk.micros() / 1e6 - origin);
      }
      FloatPointer[] planes = new FloatPointer[chunk.channels()];
      try {
        for (int c = 0; c < planes.length; c++) planes[c] = new FloatPointer(chunk.planes()[c]);
        try (PointerPointer<FloatPointer> data = new PointerPointer<>(planes)) {
          encoder.add(data, chunk.samples());
        }
      } finally {
        for (FloatPointer p : planes) {
          if (p != null) p.close();
        }
      }
    }
  }

  void allowUntil(double seconds) {
    encoder.allowUntil(seconds);
  }

  void finish(double videoEndSeconds) {
    encoder.allowUntil(videoEndSeconds);
    encoder.finish();
  }

  @Override
  public void close() {
    encoder.close();
  }
}
