package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import dev.doppel.DoppelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVDictionaryEntry;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The audio of a source file carried into the output: packets are copied untouched when the output
 * container accepts the codec, otherwise decoded and re-encoded with the container's default audio
 * codec (AAC for mp4/mov, Opus for webm). Packets are pulled up to a given time so the muxer can
 * interleave them with video.
 *
 * <p>A trimmed input's audio is always re-encoded, cut to the sample where the video begins and
 * where it ends: copied packets could only be cut at packet edges (21 ms for AAC) and would start
 * before the first frame.
 */
final class AudioTrack implements AutoCloseable {
  static {
    FFmpegLog.ensureConfigured();
  }

  private AVFormatContext input;
  private final int inputIndex;
  private final AVStream outStream;
  private final Muxer muxer;
  private final AVPacket packet = av_packet_alloc();
  private final Transcoder transcoder;
  private final Trim trim;
  private boolean inputDone;

  /**
   * Where a trimmed input's audio is cut, in source seconds: from {@code origin} (the output's time
   * 0) to the end of the video, which {@link #writeRest(double)} gives.
   */
  record Trim(double origin) {}

  /**
   * Every track of {@code source} the output carries: its audio streams (the one FFmpeg ranks best
   * first, so it stays the default track; the others in file order) and, when the input is not
   * trimmed, the subtitle streams the output container accepts, copied. Each track reads the file
   * through its own demuxer.
   *
   * @param trim where a trimmed input's output begins, or null to carry all of the audio
   */
  static List<AudioTrack> openAll(Path source, Muxer muxer, Trim trim) {
    List<Integer> indices = new ArrayList<>();
    AVFormatContext probe = openInput(source);
    try {
      int best = av_find_best_stream(probe, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
      if (best >= 0) indices.add(best);
      for (int i = 0; i < probe.nb_streams(); i++) {
        AVCodecParameters par = probe.streams(i).codecpar();
        if (i == best) continue;
        if (par.codec_type() == AVMEDIA_TYPE_AUDIO
            || (par.codec_type() == AVMEDIA_TYPE_SUBTITLE
                && trim == null
                && avformat_query_codec(muxer.format(), par.codec_id(), FF_COMPLIANCE_NORMAL)
                    == 1)) {
          indices.add(i);
        }
      }
    } finally {
      avformat_close_input(probe);
    }
    List<AudioTrack> tracks = new ArrayList<>();
    try {
      for (int index : indices) {
        AVFormatContext in = openInput(source);
        try {
          tracks.add(new AudioTrack(in, index, muxer, trim));
        } catch (RuntimeException | Error e) {
          avformat_close_input(in); // the track never took ownership of it
          throw e;
        }
      }
      return tracks;
    } catch (RuntimeException | Error e) {
      tracks.forEach(AudioTrack::close);
      throw e;
    }
  }

  private static AVFormatContext openInput(Path source) {
    AVFormatContext in = new AVFormatContext(null);
    if (avformat_open_input(in, source.toString(), null, null) < 0) {
      throw DoppelException.processing("cannot read audio: " + source + ": not a media file");
    }
    if (avformat_find_stream_info(in, (org.bytedeco.javacpp.PointerPointer<?>) null) < 0) {
      avformat_close_input(in);
      throw DoppelException.processing("cannot read audio: " + source + ": no stream info");
    }
    return in;
  }

  private AudioTrack(AVFormatContext input, int index, Muxer muxer, Trim trim) {
    this.input = input;
    this.inputIndex = index;
    this.muxer = muxer;
    this.trim = trim;
    AVStream inStream = input.streams(index);
    AVCodecParameters par = inStream.codecpar();
    outStream = muxer.addStream();
    copyLanguageAndTitle(inStream, outStream);
    if (trim != null) seekBefore(inStream, trim.origin());
    // a pipe gets re-encoded audio: a copied stream may lack the header a container needs up
    // front (ADTS AAC from MPEG-TS has none), which a file gets when its trailer is written
    boolean subtitle = par.codec_type() == AVMEDIA_TYPE_SUBTITLE;
    if (subtitle
        || (trim == null
            && !muxer.streamed()
            && isPlayableIn(muxer.format().name().getString(), par.codec_id()))) {
      avcodec_parameters_copy(outStream.codecpar(), par);
      outStream.codecpar().codec_tag(0);
      outStream.time_base(inStream.time_base());
      transcoder = null;
    } else {
      try {
        transcoder = new Transcoder(inStream, muxer, trim);
      } catch (RuntimeException | Error e) {
        av_packet_free(packet); // this track is never returned, so never closed
        throw e;
      }
      transcoder.describe(outStream);
    }
  }

  /** A track's language and title (which tell several audio tracks apart), where it has them. */
  private static void copyLanguageAndTitle(AVStream from, AVStream to) {
    AVDictionary tags = new AVDictionary(null);
    for (String key : new String[] {"language", "title"}) {
      AVDictionaryEntry e = av_dict_get(from.metadata(), key, null, 0);
      if (e == null) continue;
      String value = e.value().getString();
      if (!value.isEmpty() && !value.equals("und")) av_dict_set(tags, key, value, 0);
    }
    if (av_dict_count(tags) > 0) to.metadata(tags);
    else av_dict_free(tags);
  }

  /**
   * Whether common players accept this codec in this container. Stricter than FFmpeg's own check,
   * which allows e.g. PCM in mp4 that browsers and phones refuse to play.
   */
  static boolean isPlayableIn(String container, int codecId) {
    java.util.Set<Integer> ok =
        switch (container) {
          case "mp4", "mov" ->
              java.util.Set.of(
                  AV_CODEC_ID_AAC,
                  AV_CODEC_ID_MP3,
                  AV_CODEC_ID_AC3,
                  AV_CODEC_ID_EAC3,
                  AV_CODEC_ID_OPUS,
                  AV_CODEC_ID_ALAC,
                  AV_CODEC_ID_FLAC);
          case "webm" -> java.util.Set.of(AV_CODEC_ID_OPUS, AV_CODEC_ID_VORBIS);
          case "avi" -> java.util.Set.of(AV_CODEC_ID_MP3, AV_CODEC_ID_AC3, AV_CODEC_ID_PCM_S16LE);
          default -> null; // matroska carries anything FFmpeg can mux
        };
    return ok == null || ok.contains(codecId);
  }

  /**
   * Starts reading half a second before the cut, so the decoder has warmed up (AAC's priming
   * samples) by the first sample kept. A file that cannot seek is read from its start.
   */
  private void seekBefore(AVStream stream, double seconds) {
    double from = Math.max(0, seconds - 0.5);
    if (from <= 0) return;
    long ts = Math.round(from / av_q2d(stream.time_base()));
    if (av_seek_frame(input, inputIndex, ts, AVSEEK_FLAG_BACKWARD) < 0) {
      av_seek_frame(input, -1, 0, AVSEEK_FLAG_BACKWARD);
    }
  }

  /**
   * Moves packets up to {@code untilSeconds} (inclusive; output time, which is source time unless
   * the input is trimmed) into the muxer.
   */
  void writeUntil(double untilSeconds) {
    AVStream inStream = input.streams(inputIndex);
    double shift = trim != null ? trim.origin() : 0;
    if (transcoder != null) transcoder.allowUntil(untilSeconds);
    while (!inputDone) {
      int ret = av_read_frame(input, packet);
      if (ret < 0) {
        inputDone = true;
        if (transcoder != null) transcoder.finish();
        return;
      }
      if (packet.stream_index() != inputIndex) {
        av_packet_unref(packet);
        continue;
      }
      long ts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : packet.pts();
      double seconds = ts == AV_NOPTS_VALUE ? 0 : ts * av_q2d(inStream.time_base()) - shift;
      if (transcoder != null) {
        transcoder.decode(packet);
      } else {
        packet.stream_index(outStream.index());
        av_packet_rescale_ts(packet, inStream.time_base(), outStream.time_base());
        packet.pos(-1);
        muxer.write(packet);
      }
      av_packet_unref(packet);
      if (seconds > untilSeconds) return;
    }
  }

  /**
   * Writes the rest of the audio: all of it, or for a trimmed input up to {@code videoEndSeconds}
   * (output time), where the output's video ends.
   */
  void writeRest(double videoEndSeconds) {
    if (trim == null) {
      writeUntil(Double.POSITIVE_INFINITY);
      return;
    }
    writeUntil(videoEndSeconds);
    if (!inputDone) {
      inputDone = true;
      transcoder.finish();
    }
  }

  @Override
  public void close() {
    if (transcoder != null) transcoder.close();
    av_packet_free(packet);
    if (input != null) {
      avformat_close_input(input);
      input = null;
    }
  }

  /** Decodes the source's packets and hands the samples to an {@link AudioEncoder}. */
  private static final class Transcoder implements AutoCloseable {
    // not final: a constructor that fails half-way frees what it had allocated (see close)
    private AVCodecContext decoder;
    private AVFrame decoded = av_frame_alloc();
    private AudioEncoder encoder;
    private boolean started;
    private final Trim trim;

    Transcoder(AVStream inStream, Muxer muxer, Trim trim) {
      this.trim = trim;
      try {
        AVCodecParameters par = inStream.codecpar();
        AVCodec dec = avcodec_find_decoder(par.codec_id());
        decoder = avcodec_alloc_context3(dec);
        avcodec_parameters_to_context(decoder, par);
        decoder.pkt_timebase(inStream.time_base());
        AudioEncoder.check(
            avcodec_open2(decoder, dec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "decoder");
        encoder =
            new AudioEncoder(
                muxer,
                decoder.ch_layout(),
                decoder.sample_fmt(),
                decoder.sample_rate(),
                par.sample_rate(),
                par.ch_layout().nb_channels(),
                trim);
      } catch (RuntimeException | Error e) {
        close();
        throw e;
      }
    }

    void describe(AVStream stream) {
      encoder.describe(stream);
    }

    void allowUntil(double seconds) {
      encoder.allowUntil(seconds);
    }

    void decode(AVPacket packet) {
      if (avcodec_send_packet(decoder, packet) < 0) return; // skip a damaged packet
      drainDecoder();
    }

    private void drainDecoder() {
      while (avcodec_receive_frame(decoder, decoded) >= 0) {
        if (!started) {
          // the audio keeps its place against the video: an MPEG-PS/TS stream starts late
          // (0.5 s, 1.4 s), and counting output samples from 0 would move it that much earlier
          started = true;
          long ts = decoded.best_effort_timestamp();
          if (ts != AV_NOPTS_VALUE) {
            double seconds = ts * av_q2d(decoder.pkt_timebase());
            if (trim != null) seconds -= trim.origin(); // negative: samples before the cut
            encoder.startAt(seconds);
          }
        }
        encoder.add(decoded.extended_data(), decoded.nb_samples());
        av_frame_unref(decoded);
      }
    }

    void finish() {
      avcodec_send_packet(decoder, null);
      drainDecoder();
      encoder.finish();
    }

    @Override
    public void close() {
      // each freed once, and only if allocated (FFmpeg's free functions take a pointer to it)
      if (decoder != null) avcodec_free_context(decoder);
      if (decoded != null) av_frame_free(decoded);
      if (encoder != null) encoder.close();
      decoder = null;
      decoded = null;
      encoder = null;
    }
  }
}
