package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

import dev.doppel.DoppelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Converts BGR frames to the codec's pixel format and encodes them. Frames keep the caller's
 * timestamps in the source time base, so variable frame rate passes through unchanged.
 */
final class VideoEncoder implements AutoCloseable {
  private final String encoderName;
  private final int width;
  private final int height;
  private final int codedWidth;
  private final int codedHeight;
  private AVCodecContext context;
  private AVFrame frame;
  private AVPacket packet;
  private SwsContext sws;
  private final Mat padded;
  private final PointerPointer<BytePointer> srcData = new PointerPointer<>(1);
  private final IntPointer srcStride = new IntPointer(1);

  VideoEncoder(
      EncodeSettings settings,
      int width,
      int height,
      Rational timeBase,
      double fps,
      boolean globalHeader) {
    this.encoderName = Codecs.encoderName(settings.codec());
    this.width = width;
    this.height = height;
    boolean even = Codecs.needsEvenSize(encoderName);
    this.codedWidth = even ? (width + 1) & ~1 : width;
    this.codedHeight = even ? (height + 1) & ~1 : height;
    this.padded = codedWidth != width || codedHeight != height ? new Mat() : null;
    AVCodec codec = avcodec_find_encoder_by_name(encoderName);
    context = avcodec_alloc_context3(codec);
    try {
      context.width(codedWidth);
      context.height(codedHeight);
      int pixFmt = Codecs.pixelFormat(encoderName);
      context.pix_fmt(pixFmt);
      context.time_base(new AVRational().num(timeBase.num()).den(timeBase.den()));
      AVRational rate = av_d2q(fps, 100_000);
      context.framerate(rate);
      context.gop_size((int) Math.max(1, Math.round(fps * 2)));
      if (pixFmt == AV_PIX_FMT_YUV420P) {
        // Our decoder converts with BT.601 coefficients; tag outputs so players invert the same
        // way.
        context.colorspace(AVCOL_SPC_SMPTE170M);
        context.color_range(AVCOL_RANGE_MPEG);
      } else {
        // RGB kept as RGB: H.264 (libx264rgb) must say so or decoders read the planes as YUV
        context.colorspace(AVCOL_SPC_RGB);
        context.color_range(AVCOL_RANGE_JPEG);
      }
      context.thread_count(0);
      if (globalHeader) context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
      AVDictionary options = rateControl(settings);
      try {
        int ret = avcodec_open2(context, codec, options);
        if (ret < 0) {
          throw DoppelException.processing(
              "cannot open encoder "
                  + encoderName
                  + " for "
                  + codedWidth
                  + "x"
                  + codedHeight
                  + ": "
                  + VideoReader.describeAvError(ret));
        }
      } finally {
        av_dict_free(options);
      }
      frame = av_frame_alloc();
      frame.format(pixFmt).width(codedWidth).height(codedHeight);
      if (av_frame_get_buffer(frame, 0) < 0) throw new OutOfMemoryError("av_frame_get_buffer");
      packet = av_packet_alloc();
      sws =
          sws_getContext(
              codedWidth,
              codedHeight,
              AV_PIX_FMT_BGR24,
              codedWidth,
              codedHeight,
              pixFmt,
              SWS_BICUBIC | SWS_ACCURATE_RND,
              null,
              null,
              (double[]) null);
    } catch (RuntimeException | Error e) {
      close(); // what was allocated so far: the context, frame, packet, the padding Mat
      throw e;
    }
  }

  /**
   * Rate control per encoder. x264/x265/VP9/AV1 take a true CRF. OpenH264 has no CRF: a crf there
   * bounds the quantiser (qmin = qmax = crf) in quality mode, the closest equivalent.
   */
  private AVDictionary rateControl(EncodeSettings s) {
    AVDictionary options = new AVDictionary(null);
    if (s.bitrate() != null) {
      context.bit_rate(s.bitrate());
      return options;
    }
    int crf = s.crf() != null ? s.crf() : defaultCrf(encoderName);
    switch (encoderName) {
      case "libopenh264" -> {
        av_dict_set(options, "rc_mode", "quality", 0);
        context.qmin(Math.max(1, crf - 2));
        context.qmax(Math.min(51, crf + 2));
        context.bit_rate(0);
      }
      case "libvpx-vp9" -> {
        av_dict_set(options, "crf", String.valueOf(crf), 0);
        av_dict_set(options, "deadline", "good", 0);
        av_dict_set(options, "cpu-used", "4", 0);
        av_dict_set(options, "row-mt", "1", 0);
        context.bit_rate(0);
      }
      case "ffv1" -> av_dict_set(options, "level", "3", 0);
      case "mpeg4" -> {
        context.flags(context.flags() | AV_CODEC_FLAG_QSCALE);
        context.global_quality(FF_QP2LAMBDA * Math.max(1, Math.min(31, crf / 6)));
      }
      case "libx265" -> {
        av_dict_set(options, "crf", String.valueOf(crf), 0);
        av_dict_set(options, "x265-params", "log-level=error", 0); // it logs past av_log
      }
      default -> av_dict_set(options, "crf", String.valueOf(crf), 0);
    }
    return options;
  }

  static int defaultCrf(String encoder) {
    return switch (encoder) {
      case "libvpx-vp9" -> 32;
      case "libsvtav1", "libaom-av1" -> 35;
      case "libx265" -> 26;
      default -> 23;
    };
  }

  String encoderName() {
    return encoderName;
  }

  /**
   * Why the stream is larger than the frames, or null: H.264, H.265 and MPEG-4 store 4:2:0 video,
   * whose sizes are even (H.264's frame cropping counts in 2-pixel units), so odd sizes are padded;
   * FFmpeg and most players then show the padded size.
   */
  String sizeNote() {
    if (padded == null) return null;
    return "stored as "
        + codedWidth
        + "x"
        + codedHeight
        + ", not "
        + width
        + "x"
        + height
        + ": "
        + encoderName
        + " writes 4:2:0 video in even sizes, so the last column/row is "
        + "repeated (use --codec ffv1, vp9 or av1 for the exact size)";
  }

  AVRational timeBase() {
    return context.time_base();
  }

  /**
   * Describes the stream. When the frame was padded to an even size, the padding is declared as
   * frame cropping (mp4 'clap', Matroska PixelCrop), so FFmpeg-based readers show the true size.
   */
  void copyParametersTo(AVStream stream) {
    avcodec_parameters_from_context(stream.codecpar(), context);
    if (padded != null) {
      ByteBuffer crop = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      crop.putInt(0).putInt(codedHeight - height).putInt(0).putInt(codedWidth - width);
      addSideData(stream.codecpar(), AV_PKT_DATA_FRAME_CROPPING, crop.array());
    }
    stream.time_base(context.time_base());
    stream.avg_frame_rate(context.framerate());
  }

  private static void addSideData(AVCodecParameters par, int type, byte[] data) {
    try (PointerPointer<AVPacketSideData> array = new PointerPointer<>(1);
        IntPointer count = new IntPointer(1)) {
      array.put(0, par.coded_side_data());
      count.put(par.nb_coded_side_data());
      AVPacketSideData entry = av_packet_side_data_new(array, count, type, data.length, 0);
      if (entry == null) throw new OutOfMemoryError("av_packet_side_data_new");
      entry.data().capacity(data.length).put(data);
      par.coded_side_data(new AVPacketSideData(array.get(0)));
      par.nb_coded_side_data(count.get());
    }
  }

  /** Encodes one BGR image of the declared size; packets go to {@code sink}. */
  void encode(Mat bgr, long pts, Consumer<AVPacket> sink) {
    if (bgr.cols() != width || bgr.rows() != height || bgr.type() != opencv_core.CV_8UC3) {
      throw new IllegalArgumentException(
          "frame "
              + bgr.cols()
              + "x"
              + bgr.rows()
              + " does not match encoder "
              + width
              + "x"
              + height);
    }
    Mat source = bgr;
    if (padded != null) {
      opencv_core.copyMakeBorder(
          bgr,
          padded,
          0,
          codedHeight - height,
          0,
          codedWidth - width,
          opencv_core.BORDER_REPLICATE);
      source = padded;
    }
    if (av_frame_make_writable(frame) < 0) throw new OutOfMemoryError("av_frame_make_writable");
    srcData.put(0, source.data());
    srcStride.put(0, (int) source.step());
    sws_scale(sws, srcData, srcStride, 0, codedHeight, frame.data(), frame.linesize());
    frame.pts(pts);
    send(frame, sink);
  }

  void flush(Consumer<AVPacket> sink) {
    send(null, sink);
  }

  private void send(AVFrame f, Consumer<AVPacket> sink) {
    int ret = avcodec_send_frame(context, f);
    if (ret < 0) {
      throw DoppelException.processing(
          "encoding failed (" + encoderName + "): " + VideoReader.describeAvError(ret));
    }
    while (true) {
      ret = avcodec_receive_packet(context, packet);
      if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF()) return;
      if (ret < 0) {
        throw DoppelException.processing(
            "encoding failed (" + encoderName + "): " + VideoReader.describeAvError(ret));
      }
      sink.accept(packet);
      av_packet_unref(packet);
    }
  }

  @Override
  public void close() {
    if (context != null) {
      avcodec_free_context(context);
      context = null;
    }
    if (frame != null) {
      av_frame_free(frame);
      frame = null;
    }
    if (packet != null) {
      av_packet_free(packet);
      packet = null;
    }
    if (sws != null) {
      sws_freeContext(sws);
      sws = null;
    }
    if (padded != null) padded.close();
    srcData.close();
    srcStride.close();
  }
}
