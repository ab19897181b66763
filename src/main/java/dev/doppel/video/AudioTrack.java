package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import dev.doppel.DoppelException;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.IntPointer;

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
   * Returns null when {@code source} has no audio stream.
   *
   * @param trim where a trimmed input's output begins, or null to carry all of the audio
   */
  static AudioTrack open(Path source, Muxer muxer, Trim trim) {
    AVFormatContext in = new AVFormatContext(null);
    if (avformat_open_input(in, source.toString(), null, null) < 0) {
      throw DoppelException.processing("cannot read audio: " + source + ": not a media file");
    }
    if (avformat_find_stream_info(in, (org.bytedeco.javacpp.PointerPointer<?>) null) < 0) {
      avformat_close_input(in);
      throw DoppelException.processing("cannot read audio: " + source + ": no stream info");
    }
    int index = av_find_best_stream(in, AVMEDIA_TYPE_AUDIO, -1, -1, (AVCodec) null, 0);
    if (index < 0) {
      avformat_close_input(in);
      return null;
    }
    try {
      return new AudioTrack(in, index, muxer, trim);
    } catch (RuntimeException | Error e) {
      avformat_close_input(in); // the track never took ownership of it
      throw e;
    }
  }

  private AudioTrack(AVFormatContext input, int index, Muxer muxer, Trim trim) {
    this.input = input;
    this.inputIndex = index;
    this.muxer = muxer;
    this.trim = trim;
    AVStream inStream = input.streams(index);
    AVCodecParameters par = inStream.codecpar();
    outStream = muxer.addStream();
    if (trim != null) seekBefore(inStream, trim.origin());
    if (trim == null && isPlayableIn(muxer.format().name().getString(), par.codec_id())) {
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
        if (transcoder != null) transcoder.finish(outStream);
        return;
      }
      if (packet.stream_index() != inputIndex) {
        av_packet_unref(packet);
        continue;
      }
      long ts = packet.dts() != AV_NOPTS_VALUE ? packet.dts() : packet.pts();
      double seconds = ts == AV_NOPTS_VALUE ? 0 : ts * av_q2d(inStream.time_base()) - shift;
      if (transcoder != null) {
        transcoder.decode(packet, outStream);
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
      transcoder.finish(outStream);
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

  /** Decode, resample to the encoder's format, encode in the encoder's frame size. */
  private static final class Transcoder implements AutoCloseable {
    private final Muxer muxer;
    // not final: a constructor that fails half-way frees what it had allocated (see close)
    private AVCodecContext decoder;
    private AVCodecContext encoder;
    private SwrContext resampler;
    private AVFrame decoded = av_frame_alloc();
    private AVFrame chunk = av_frame_alloc();
    private AVPacket out = av_packet_alloc();
    private AVAudioFifo fifo;
    private int frameSize;
    private long samplesOut;
    private boolean started;
    private final Trim trim;

    /** Trimmed: output samples before this one may be encoded (the video has got this far). */
    private long allowedSamples = Long.MAX_VALUE;

    Transcoder(AVStream inStream, Muxer muxer, Trim trim) {
      this.muxer = muxer;
      this.trim = trim;
      try {
        AVCodecParameters par = inStream.codecpar();
        AVCodec dec = avcodec_find_decoder(par.codec_id());
        decoder = avcodec_alloc_context3(dec);
        avcodec_parameters_to_context(decoder, par);
        decoder.pkt_timebase(inStream.time_base());
        check(
            avcodec_open2(decoder, dec, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "decoder");

        int codecId = muxer.format().audio_codec();
        AVCodec enc = codecId == AV_CODEC_ID_OPUS ? avcodec_find_encoder_by_name("libopus") : null;
        if (enc == null) enc = avcodec_find_encoder(codecId);
        if (enc == null) throw DoppelException.processing("no audio encoder for this container");
        encoder = avcodec_alloc_context3(enc);
        int rate = pickSampleRate(enc, par.sample_rate());
        int channels = Math.min(2, Math.max(1, par.ch_layout().nb_channels()));
        av_channel_layout_default(encoder.ch_layout(), channels);
        encoder.sample_rate(rate);
        int[] formats = supported(enc, AV_CODEC_CONFIG_SAMPLE_FORMAT);
        encoder.sample_fmt(formats.length > 0 ? formats[0] : AV_SAMPLE_FMT_FLTP);
        encoder.bit_rate(channels * 64_000L);
        encoder.time_base(new AVRational().num(1).den(rate));
        if (muxer.needsGlobalHeader()) encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        check(
            avcodec_open2(encoder, enc, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "encoder");
        frameSize = encoder.frame_size() > 0 ? encoder.frame_size() : 1024;

        SwrContext swr = new SwrContext(null);
        resampler = swr;
        check(
            swr_alloc_set_opts2(
                swr,
                encoder.ch_layout(),
                encoder.sample_fmt(),
                rate,
                decoder.ch_layout(),
                decoder.sample_fmt(),
                decoder.sample_rate(),
                0,
                null),
            "resampler");
        check(swr_init(swr), "resampler");
        fifo = av_audio_fifo_alloc(encoder.sample_fmt(), channels, frameSize * 4);
      } catch (RuntimeException | Error e) {
        close();
        throw e;
      }
    }

    /**
     * What the encoder supports of one kind (sample formats, sample rates), empty when it takes
     * anything: FFmpeg 8's avcodec_get_supported_config, which replaces AVCodec's lists.
     */
    private static int[] supported(AVCodec enc, int config) {
      try (org.bytedeco.javacpp.PointerPointer<?> out =
              new org.bytedeco.javacpp.PointerPointer<>(1);
          IntPointer count = new IntPointer(1)) {
        count.put(0);
        if (avcodec_get_supported_config(null, enc, config, 0, out, count) < 0) return new int[0];
        org.bytedeco.javacpp.Pointer list = out.get(0);
        if (list == null || list.isNull() || count.get() <= 0) return new int[0];
        int[] values = new int[count.get()];
        new IntPointer(list).capacity(values.length).get(values);
        return values;
      }
    }

    private static int pickSampleRate(AVCodec enc, int wanted) {
      int[] rates = supported(enc, AV_CODEC_CONFIG_SAMPLE_RATE);
      if (rates.length == 0) return wanted;
      int best = rates[0];
      for (int rate : rates) {
        if (rate == wanted) return wanted;
        if (rate == 48000) best = 48000;
      }
      return best;
    }

    void describe(AVStream stream) {
      avcodec_parameters_from_context(stream.codecpar(), encoder);
      stream.time_base(encoder.time_base());
    }

    void decode(AVPacket packet, AVStream outStream) {
      if (avcodec_send_packet(decoder, packet) < 0) return; // skip a damaged packet
      drainDecoder(outStream);
    }

    private void drainDecoder(AVStream outStream) {
      while (avcodec_receive_frame(decoder, decoded) >= 0) {
        if (!started) {
          // the audio keeps its place against the video: an MPEG-PS/TS stream starts late
          // (0.5 s, 1.4 s), and counting output samples from 0 would move it that much earlier
          started = true;
          long ts = decoded.best_effort_timestamp();
          if (ts != AV_NOPTS_VALUE) {
            double seconds = ts * av_q2d(decoder.pkt_timebase());
            if (trim != null) seconds -= trim.origin(); // negative: samples before the cut
            samplesOut = Math.round(seconds * encoder.sample_rate());
          }
        }
        resampleIntoFifo(decoded.extended_data(), decoded.nb_samples());
        av_frame_unref(decoded);
        encodeFromFifo(outStream, false);
      }
    }

    /** Resamples {@code count} input samples (null input flushes the resampler). */
    private void resampleIntoFifo(org.bytedeco.javacpp.PointerPointer<?> in, int count) {
      int capacity = swr_get_out_samples(resampler, count);
      if (capacity <= 0) return;
      av_frame_unref(chunk);
      chunk.nb_samples(capacity).format(encoder.sample_fmt()).sample_rate(encoder.sample_rate());
      av_channel_layout_copy(chunk.ch_layout(), encoder.ch_layout());
      check(av_frame_get_buffer(chunk, 0), "audio buffer");
      int got = swr_convert(resampler, chunk.extended_data(), capacity, in, count);
      check(got, "resample");
      if (got > 0) check(av_audio_fifo_write(fifo, chunk.extended_data(), got), "audio fifo");
    }

    /** A trimmed track encodes samples only up to {@code seconds} of output time. */
    void allowUntil(double seconds) {
      if (trim != null) allowedSamples = Math.round(seconds * encoder.sample_rate());
    }

    /**
     * Encodes whole encoder frames from the FIFO; at the end also the short remainder. A trimmed
     * track first drops the samples before its cut and never encodes past the allowed end.
     */
    private void encodeFromFifo(AVStream outStream, boolean last) {
      if (trim != null && samplesOut < 0 && av_audio_fifo_size(fifo) > 0) {
        int drop = (int) Math.min(-samplesOut, av_audio_fifo_size(fifo));
        check(av_audio_fifo_drain(fifo, drop), "audio fifo");
        samplesOut += drop;
      }
      if (trim != null && samplesOut < 0) return;
      while (av_audio_fifo_size(fifo) >= frameSize || (last && av_audio_fifo_size(fifo) > 0)) {
        int n = Math.min(frameSize, av_audio_fifo_size(fifo));
        long room = allowedSamples - samplesOut;
        if (room < n && !last) return; // wait until the video has got further
        if (room <= 0) {
          av_audio_fifo_reset(fifo);
          return;
        }
        n = (int) Math.min(n, room);
        av_frame_unref(chunk);
        chunk.nb_samples(n).format(encoder.sample_fmt()).sample_rate(encoder.sample_rate());
        av_channel_layout_copy(chunk.ch_layout(), encoder.ch_layout());
        check(av_frame_get_buffer(chunk, 0), "audio buffer");
        check(av_audio_fifo_read(fifo, chunk.extended_data(), n), "audio fifo");
        chunk.pts(samplesOut);
        samplesOut += n;
        encode(chunk, outStream);
      }
    }

    private void encode(AVFrame frame, AVStream outStream) {
      check(avcodec_send_frame(encoder, frame), "audio encode");
      while (avcodec_receive_packet(encoder, out) >= 0) {
        out.stream_index(outStream.index());
        av_packet_rescale_ts(out, encoder.time_base(), outStream.time_base());
        muxer.write(out);
        av_packet_unref(out);
      }
    }

    void finish(AVStream outStream) {
      avcodec_send_packet(decoder, null);
      drainDecoder(outStream);
      resampleIntoFifo(null, 0);
      encodeFromFifo(outStream, true);
      encode(null, outStream);
    }

    private void check(int ret, String what) {
      if (ret < 0) {
        throw DoppelException.processing(
            "cannot convert audio (" + what + "): " + VideoReader.describeAvError(ret));
      }
    }

    @Override
    public void close() {
      // each freed once, and only if allocated (FFmpeg's free functions take a pointer to it)
      if (decoder != null) avcodec_free_context(decoder);
      if (encoder != null) avcodec_free_context(encoder);
      if (resampler != null) swr_free(resampler);
      if (fifo != null) av_audio_fifo_free(fifo);
      if (decoded != null) av_frame_free(decoded);
      if (chunk != null) av_frame_free(chunk);
      if (out != null) av_packet_free(out);
      decoder = null;
      encoder = null;
      resampler = null;
      fifo = null;
      decoded = null;
      chunk = null;
      out = null;
    }
  }
}
