package dev.doppel.video;

import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded frame: an upright BGR image that this object owns, and where it sits in time.
 *
 * @param index 0-based position in decode order
 * @param pts presentation timestamp in ticks of the stream's time base
 * @param micros the same timestamp in microseconds
 * @param audio a stream input's audio decoded since the previous frame (empty for files, whose
 *     audio the writer reads itself)
 */
public record VideoFrame(Mat image, long index, long pts, long micros, List<AudioChunk> audio)
    implements AutoCloseable {
  public VideoFrame(Mat image, long index, long pts, long micros) {
    this(image, index, pts, micros, List.of());
  }

  @Override
  public void close() {
    image.close();
  }
}
