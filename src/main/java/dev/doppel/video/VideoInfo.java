package dev.doppel.video;

import java.nio.file.Path;

/**
 * What Doppel needs to know about an input video before decoding it.
 *
 * @param width displayed width, after rotation metadata is applied
 * @param height displayed height, after rotation metadata is applied
 * @param rotation clockwise degrees (0, 90, 180, 270) the decoder turns each coded frame by
 * @param timeBase the video stream's time base; frame timestamps are counted in it
 * @param frameRate average frame rate (frames per second), for display and encoder rate control
 * @param frameCountEstimate container's frame count, or an estimate from duration; 0 if unknown
 * @param durationMicros container duration, or 0 if unknown
 * @param endPts where the video stream ends (start + duration) in time-base ticks, or -1
 */
public record VideoInfo(
    Path path,
    int width,
    int height,
    int rotation,
    Rational timeBase,
    double frameRate,
    long frameCountEstimate,
    long durationMicros,
    long endPts,
    String videoCodec,
    String audioCodec) {

  public boolean hasAudio() {
    return audioCodec != null;
  }
}
