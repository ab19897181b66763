package dev.doppel.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded frame: an upright BGR image that this object owns, and where it sits in time.
 *
 * @param index 0-based position in decode order
 * @param pts presentation timestamp in ticks of the stream's time base
 * @param micros the same timestamp in microseconds
 */
public record VideoFrame(Mat image, long index, long pts, long micros) implements AutoCloseable {
  @Override
  public void close() {
    image.close();
  }
}
