package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.doppel.DoppelException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * Passes frames through an H.264 encoder and straight back through a decoder, in memory: the "video
 * compression" distortion of DeeperForensics-1.0, which compresses a clip at a given CRF before
 * anything else sees it. The encoder may hold frames back (x264's look-ahead and frame threads), so
 * {@link #push} returns whatever decoded frames are ready, in presentation order, and {@link
 * #flush} the rest; over a whole clip, frames out equal frames in.
 */
public final class CompressionRoundTrip implements AutoCloseable {
  private final VideoEncoder encoder;
  private final int width;
  private final int height;
  private AVCodecContext decoder;
  private AVFrame decoded;
  private SwsContext sws;
  private final Mat coded = new Mat(); // decoded frame at the coded (even) size, reused
  private final PointerPointer<BytePointer> dstData = new PointerPointer<>(1);
  private final IntPointer dstStride = new IntPointer(1);
  private final List<Mat> ready = new ArrayList<>();
  private long pts;

  /** H.264 at {@code crf} (libx264 under -Pgpl; the default build's OpenH264 bounds its QP). */
  public CompressionRoundTrip(int width, int height, double fps, int crf) {
    this.width = width;
    this.height = height;
    EncodeSettings settings = new EncodeSettings("mp4", "h264", crf, null);
    int ticksPerSecond = (int) Math.max(1, Math.round(fps * 1000));
    encoder =
        new VideoEncoder(settings, width, height, new Rational(1, ticksPerSecond), fps, false);
    AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    decoder = avcodec_alloc_context3(codec);
    int ret = avcodec_open2(decoder, codec, (AVDictionary) null);
    if (ret < 0) {
      close();
      throw DoppelException.processing(
          "cannot open the H.264 decoder: " + VideoReader.describeAvError(ret));
    }
    decoded = av_frame_alloc();
  }

  /** The FFmpeg encoder doing the compression (libx264 or libopenh264). */
  public String encoderName() {
    return encoder.encoderName();
  }

  /** The encoder this build compresses with: libx264 (-Pgpl) or libopenh264. */
  public static String encoderOfBuild() {
    return Codecs.encoderName("h264");
  }

  /** Compresses one BGR frame; returns the frames decoded so far (caller closes them). */
  public List<Mat> push(Mat bgr) {
    encoder.encode(bgr, pts++ * 1000, this::decode);
    return drain();
  }

  /** Ends the stream; returns the frames the encoder still held (caller closes them). */
  public List<Mat> flush() {
    encoder.flush(this::decode);
    decode(null);
    return drain();
  }

  private List<Mat> drain() {
    List<Mat> out = new ArrayList<>(ready);
    ready.clear();
    return out;
  }

  private void decode(AVPacket packet) {
    int ret = avcodec_send_packet(decoder, packet);
    if (ret < 0 && ret != AVERROR_EOF()) {
      throw DoppelException.processing(
          "decoding the compressed frame failed: " + VideoReader.describeAvError(ret));
    }
    while ((ret = avcodec_receive_frame(decoder, decoded)) >= 0) {
      ready.add(toBgr(decoded));
      av_frame_unref(decoded);
    }
    if (ret != AVERROR_EAGAIN() && ret != AVERROR_EOF()) {
      throw DoppelException.processing(
          "decoding the compressed frame failed: " + VideoReader.describeAvError(ret));
    }
  }

  private Mat toBgr(AVFrame f) {
    sws =
        sws_getCachedContext(
            sws,
            f.width(),
            f.height(),
            f.format(),
            f.width(),
            f.height(),
            AV_PIX_FMT_BGR24,
            SWS_BICUBIC | SWS_ACCURATE_RND,
            null,
            null,
            (double[]) null);
    coded.create(f.height(), f.width(), CV_8UC3);
    dstData.put(0, coded.data());
    dstStride.put(0, (int) coded.step());
    sws_scale(sws, f.data(), f.linesize(), 0, f.height(), dstData, dstStride);
    try (Rect visible = new Rect(0, 0, width, height);
        Mat crop = coded.apply(visible)) {
      return crop.clone(); // the caller's copy, without the encoder's even-size padding
    }
  }

  @Override
  public void close() {
    ready.forEach(Mat::close);
    ready.clear();
    encoder.close();
    if (decoder != null) {
      avcodec_free_context(decoder);
      decoder = null;
    }
    if (decoded != null) {
      av_frame_free(decoded);
      decoded = null;
    }
    if (sws != null) {
      sws_freeContext(sws);
      sws = null;
    }
    coded.close();
    dstData.close();
    dstStride.close();
  }
}
