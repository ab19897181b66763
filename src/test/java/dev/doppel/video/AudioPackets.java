package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;

/** Reads a file's audio packets directly with libavformat, to check what the writer did. */
final class AudioPackets {
  private AudioPackets() {}

  /** SHA-256 over every audio packet's payload, in order. */
  static String digest(Path file) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    forEach(
        file,
        (p, tb) -> {
          byte[] b = new byte[p.size()];
          p.data().get(b);
          md.update(b);
        });
    return HexFormat.of().formatHex(md.digest());
  }

  /** Seconds from the first audio packet's start to the last one's end. */
  static double seconds(Path file) throws Exception {
    double[] range = {Double.MAX_VALUE, 0};
    forEach(
        file,
        (p, tb) -> {
          range[0] = Math.min(range[0], p.pts() * tb);
          range[1] = Math.max(range[1], (p.pts() + p.duration()) * tb);
        });
    return range[1] - range[0];
  }

  interface PacketVisitor {
    void visit(AVPacket p, double timeBase);
  }

  static void forEach(Path file, PacketVisitor v) {
    AVFormatContext ctx = new AVFormatContext(null);
    if (avformat_open_input(ctx, file.toString(), null, null) < 0) {
      throw new IllegalStateException("cannot open " + file);
    }
    AVPacket p = av_packet_alloc();
    try {
      avformat_find_stream_info(ctx, (org.bytedeco.javacpp.PointerPointer<?>) null);
      int index = av_find_best_stream(ctx, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
      if (index < 0) throw new IllegalStateException("no audio in " + file);
      double tb = av_q2d(ctx.streams(index).time_base());
      while (av_read_frame(ctx, p) >= 0) {
        if (p.stream_index() == index) v.visit(p, tb);
        av_packet_unref(p);
      }
    } finally {
      av_packet_free(p);
      avformat_close_input(ctx);
    }
  }
}
