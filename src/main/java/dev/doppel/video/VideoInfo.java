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
 * @param range the part of the input read ({@link TimeRange#ALL} for all of it)
 * @param originPts ticks subtracted from every source timestamp: the first frame read of a trimmed
 *     input, which comes out at 0 (0 when untrimmed: frames keep the source's timestamps)
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
    String audioCodec,
    TimeRange range,
    long originPts) {

  /** An untrimmed input's description. */
  public VideoInfo(
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
    this(
        path,
        width,
        height,
        rotation,
        timeBase,
        frameRate,
        frameCountEstimate,
        durationMicros,
        endPts,
        videoCodec,
        audioCodec,
        TimeRange.ALL,
        0);
  }

  public boolean trimmed() {
    return !range.isAll();
  }

  /**
   * What a sidecar records of a trimmed read: the range asked for and the source time of the first
   * frame read (the output's time 0); null when the whole input was read.
   */
  public java.util.Map<String, Object> rangeRecord() {
    if (!trimmed()) return null;
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(range.describe());
    m.put("first_frame_source_seconds", originSeconds());
    return m;
  }

  /** Source time, in seconds, of the output's time 0. */
  public double originSeconds() {
    return originPts * timeBase.toDouble();
  }

  public boolean hasAudio() {
    return audioCodec != null;
  }
}
