package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swresample.*;

import dev.doppel.DoppelException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVAudioFifo;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Encodes decoded audio with the output container's default codec (AAC for mp4/mov, Opus for webm):
 * resampled to the encoder's format, in the encoder's frame size, each frame stamped by its place
 * on the output's timeline. A trimmed track drops the samples before its cut and encodes none past
 * the point the video has reached.
 */
final class AudioEncoder implements AutoCloseable {
  private final Muxer muxer;
  private final AudioTrack.Trim trim;
  // not final: a constructor that fails half-way frees what it had allocated (see close)
  private AVCodecContext encoder;
  private SwrContext resampler;
  private AVFrame chunk = av_frame_alloc();
  private AVPacket out = av_packet_alloc();
  private AVAudioFifo fifo;
  private AVStream stream;
  private final int frameSize;
  private long samplesOut;

  /** Trimmed: output samples before this one may be encoded (the video has got this far). */
  private long allowedSamples = Long.MAX_VALUE;

  /**
   * @param inLayout channel layout of the samples given to {@link #add}
   * @param inFormat their sample format
   * @param inRate their sample rate
   * @param wantedRate the source's rate, kept if the encoder takes it
   * @param sourceChannels the source's channel count (the output has 1 or 2)
   */
  AudioEncoder(
      Muxer muxer,
      AVChannelLayout inLayout,
      int inFormat,
      int inRate,
      int wantedRate,
      int sourceChannels,
      AudioTrack.Trim trim) {
    this.muxer = muxer;
    this.trim = trim;
    try {
      int codecId = muxer.format().audio_codec();
      AVCodec enc = codecId == AV_CODEC_ID_OPUS ? avcodec_find_encoder_by_name("libopus") : null;
      if (enc == null) enc = avcodec_find_encoder(codecId);
      if (enc == null) throw DoppelException.processing("no audio encoder for this container");
      encoder = avcodec_alloc_context3(enc);
      int rate = pickSampleRate(enc, wantedRate);
      int channels = Math.min(2, Math.max(1, sourceChannels));
      av_channel_layout_default(encoder.ch_layout(), channels);
      encoder.sample_rate(rate);
      int[] formats = supported(enc, AV_CODEC_CONFIG_SAMPLE_FORMAT);
      encoder.sample_fmt(formats.length > 0 ? formats[0] : AV_SAMPLE_FMT_FLTP);
      encoder.bit_rate(channels * 64_000L);
      encoder.time_base(new AVRational().num(1).den(rate));
      if (muxer.needsGlobalHeader()) encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
      check(avcodec_open2(encoder, enc, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "encoder");
      frameSize = encoder.frame_size() > 0 ? encoder.frame_size() : 1024;

      SwrContext swr = new SwrContext(null);
      resampler = swr;
      check(
          swr_alloc_set_opts2(
              swr,
              encoder.ch_layout(),
              encoder.sample_fmt(),
              rate,
              inLayout,
              inFormat,
              inRate,
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
    try (PointerPointer<?> list = new PointerPointer<>(1);
        IntPointer count = new IntPointer(1)) {
      count.put(0);
      if (avcodec_get_supported_config(null, enc, config, 0, list, count) < 0) return new int[0];
      org.bytedeco.javacpp.Pointer values = list.get(0);
      if (values == null || values.isNull() || count.get() <= 0) return new int[0];
      int[] result = new int[count.get()];
      new IntPointer(values).capacity(result.length).get(result);
      return result;
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

  /** Describes the encoded audio on the output stream its packets are written to. */
  void describe(AVStream stream) {
    this.stream = stream;
    avcodec_parameters_from_context(stream.codecpar(), encoder);
    stream.time_base(encoder.time_base());
  }

  /** Where on the output's timeline the first sample given lies (negative: before a cut). */
  void startAt(double seconds) {
    samplesOut = Math.round(seconds * encoder.sample_rate());
  }

  /** A trimmed track encodes samples only up to {@code seconds} of output time. */
  void allowUntil(double seconds) {
    if (trim != null) allowedSamples = Math.round(seconds * encoder.sample_rate());
  }

  /** Resamples and encodes {@code count} samples in the input format given at construction. */
  void add(PointerPointer<?> data, int count) {
    resampleIntoFifo(data, count);
    encodeFromFifo(false);
  }

  /** Flushes the resampler and the encoder. */
  void finish() {
    resampleIntoFifo(null, 0);
    encodeFromFifo(true);
    encode(null);
  }

  /** Resamples {@code count} input samples (null input flushes the resampler). */
  private void resampleIntoFifo(PointerPointer<?> in, int count) {
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

  /**
   * Encodes whole encoder frames from the FIFO; at the end also the short remainder. A trimmed
   * track first drops the samples before its cut and never encodes past the allowed end.
   */
  private void encodeFromFifo(boolean last) {
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
      encode(chunk);
    }
  }

  private void encode(AVFrame frame) {
    check(avcodec_send_frame(encoder, frame), "audio encode");
    while (avcodec_receive_packet(encoder, out) >= 0) {
      out.stream_index(stream.index());
      av_packet_rescale_ts(out, encoder.time_base(), stream.time_base());
      muxer.write(out);
      av_packet_unref(out);
    }
  }

  static void check(int ret, String what) {
    if (ret < 0) {
      throw DoppelException.processing(
          "cannot convert audio (" + what + "): " + VideoReader.describeAvError(ret));
    }
  }

  @Override
  public void close() {
    // each freed once, and only if allocated (FFmpeg's free functions take a pointer to it)
    if (encoder != null) avcodec_free_context(encoder);
    if (resampler != null) swr_free(resampler);
    if (fifo != null) av_audio_fifo_free(fifo);
    if (chunk != null) av_frame_free(chunk);
    if (out != null) av_packet_free(out);
    encoder = null;
    resampler = null;
    fifo = null;
    chunk = null;
    out = null;
  }
}
