package dev.doppel.video;

import java.nio.Buffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacv.Frame;

/**
 * Decoded audio of a stream input, copied out of the decoder: planar float samples and the source
 * time of the first. A stream is read once, so its audio travels with the video frames (see {@link
 * VideoFrame#audio()}) to the writer.
 */
public record AudioChunk(float[][] planes, int sampleRate, long micros) {
  public int channels() {
    return planes.length;
  }

  public int samples() {
    return planes.length == 0 ? 0 : planes[0].length;
  }

  /** A copy of a JavaCV audio frame in float sample mode (planar or interleaved). */
  static AudioChunk copyOf(Frame frame) {
    int channels = Math.max(1, frame.audioChannels);
    Buffer[] buffers = frame.samples;
    float[][] planes = new float[channels][];
    if (buffers.length == channels) {
      for (int c = 0; c < channels; c++) {
        FloatBuffer b = ((FloatBuffer) buffers[c]).duplicate();
        planes[c] = new float[b.remaining()];
        b.get(planes[c]);
      }
    } else {
      FloatBuffer b = ((FloatBuffer) buffers[0]).duplicate();
      int n = b.remaining() / channels;
      for (int c = 0; c < channels; c++) planes[c] = new float[n];
      for (int i = 0; i < n; i++) {
        for (int c = 0; c < channels; c++) planes[c][i] = b.get();
      }
    }
    return new AudioChunk(planes, frame.sampleRate, frame.timestamp);
  }

  /** The format of a stream's audio as the writer is told it before the first chunk. */
  public record Format(int sampleRate, int channels) {}
}
