package dev.doppel.video;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

import dev.doppel.DoppelException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Encodes BGR frames into a new video with the source's timestamps and audio.
 *
 * <p>Frame timing is kept exactly: the output stream uses the source's time base, each frame keeps
 * its pts, and each packet's duration is the gap to the next frame (the last frame lasts until the
 * source stream's end), so frame count, timestamps and duration match the source. Nothing appears
 * at the destination until {@link #finish()} succeeds.
 */
public final class VideoWriter implements AutoCloseable {
  static {
    FFmpegLog.ensureConfigured();
  }

  private final Muxer muxer;
  private final VideoEncoder encoder;
  private final AVStream stream;
  private final List<AudioTrack> audio;
  private final StreamAudio streamAudio;
  private final VideoInfo source;
  private final TreeSet<Long> submittedPts = new TreeSet<>();
  private final ArrayDeque<AVPacket> waitingForDuration = new ArrayDeque<>();
  private boolean closed;

  /** Where the video written so far ends, in seconds: the last packet's pts plus duration. */
  private double videoEndSeconds;

  private VideoWriter(
      Muxer muxer,
      VideoEncoder encoder,
      AVStream stream,
      List<AudioTrack> audio,
      StreamAudio streamAudio,
      VideoInfo source) {
    this.muxer = muxer;
    this.encoder = encoder;
    this.stream = stream;
    this.audio = audio;
    this.streamAudio = streamAudio;
    this.source = source;
  }

  /** The standard output as a destination ({@code -o -}). */
  public static boolean isStdout(Path destination) {
    return destination.toString().equals("-");
  }

  /**
   * Opens a writer for frames of {@code source}'s size and timing.
   *
   * @param audioFrom file whose audio stream is carried over, or null for a silent output
   * @param metadata container tags (e.g. the synthetic-content label)
   */
  public static VideoWriter create(
      Path destination,
      VideoInfo source,
      EncodeSettings settings,
      Path audioFrom,
      Map<String, String> metadata) {
    return create(destination, source, settings, audioFrom, null, metadata);
  }

  /**
   * As {@link #create(Path, VideoInfo, EncodeSettings, Path, Map)}, for a stream input whose audio
   * comes with its frames ({@link #writeAudio}).
   *
   * @param streamAudio the format of that audio, or null
   */
  public static VideoWriter create(
      Path destination,
      VideoInfo source,
      EncodeSettings settings,
      Path audioFrom,
      AudioChunk.Format streamAudio,
      Map<String, String> metadata) {
    String encoderName = Codecs.encoderName(settings.codec());
    int min = Codecs.minimumSide(encoderName);
    if (source.width() < min || source.height() < min) {
      throw DoppelException.processing(
          "cannot write video: "
              + destination
              + ": "
              + encoderName
              + " cannot encode frames smaller than "
              + min
              + "x"
              + min
              + " (these are "
              + source.width()
              + "x"
              + source.height()
              + "); use --codec ffv1, vp9 or mpeg4");
    }
    Muxer muxer = new Muxer(destination, settings.container());
    VideoEncoder encoder = null;
    List<AudioTrack> audio = List.of();
    StreamAudio pushed = null;
    try {
      encoder =
          new VideoEncoder(
              settings,
              source.width(),
              source.height(),
              source.timeBase(),
              source.frameRate(),
              muxer.needsGlobalHeader());
      AVStream stream = muxer.addStream();
      encoder.copyParametersTo(stream);
      AudioTrack.Trim trim = source.trimmed() ? new AudioTrack.Trim(source.originSeconds()) : null;
      audio = audioFrom != null ? AudioTrack.openAll(audioFrom, muxer, trim) : List.of();
      pushed = streamAudio != null ? new StreamAudio(muxer, streamAudio, source) : null;
      muxer.start(metadata);
      return new VideoWriter(muxer, encoder, stream, audio, pushed, source);
    } catch (RuntimeException e) {
      if (pushed != null) pushed.close();
      audio.forEach(AudioTrack::close);
      if (encoder != null) encoder.close();
      muxer.close();
      throw e;
    }
  }

  public String encoderName() {
    return encoder.encoderName();
  }

  /** Why the output's size differs from the frames' (odd sizes in 4:2:0 codecs), or null. */
  public String sizeNote() {
    return encoder.sizeNote();
  }

  /** Encodes one frame; {@code pts} is in the source time base and must increase. */
  public void write(Mat bgr, long pts) {
    if (!submittedPts.isEmpty() && pts <= submittedPts.last()) {
      throw DoppelException.processing(
          "cannot write video: frame timestamps must increase ("
              + pts
              + " after "
              + submittedPts.last()
              + " in "
              + source.path()
              + ")");
    }
    submittedPts.add(pts);
    encoder.encode(bgr, pts, this::accept);
    writeReadyPackets(false);
  }

  /** Encodes a stream input's audio (chunks in order, as the reader handed them out). */
  public void writeAudio(List<AudioChunk> chunks) {
    if (streamAudio != null) streamAudio.write(chunks);
  }

  /** Flushes the encoder and the audio, writes the trailer and moves the file into place. */
  public void finish() {
    finish(complete -> {});
  }

  /**
   * As {@link #finish()}; {@code beforeMove} gets the complete file under its temporary name just
   * before it is moved into place (to write its sidecar first).
   */
  public void finish(java.util.function.Consumer<Path> beforeMove) {
    encoder.flush(this::accept);
    writeReadyPackets(true);
    for (AudioTrack track : audio) track.writeRest(videoEndSeconds);
    if (streamAudio != null) streamAudio.finish(videoEndSeconds);
    muxer.commit(beforeMove);
  }

  private void accept(AVPacket packet) {
    waitingForDuration.add(av_packet_clone(packet));
  }

  /** Writes packets whose duration is known: the next frame has arrived, or this is the end. */
  private void writeReadyPackets(boolean end) {
    while (!waitingForDuration.isEmpty()) {
      AVPacket p = waitingForDuration.peek();
      Long next = submittedPts.higher(p.pts());
      if (next == null && !end) return;
      waitingForDuration.poll();
      p.duration(next != null ? next - p.pts() : lastFrameDuration(p.pts()));
      p.stream_index(stream.index());
      double seconds = p.dts() * av_q2d(encoder.timeBase());
      videoEndSeconds =
          Math.max(videoEndSeconds, (p.pts() + p.duration()) * av_q2d(encoder.timeBase()));
      av_packet_rescale_ts(p, encoder.timeBase(), stream.time_base());
      for (AudioTrack track : audio) track.writeUntil(seconds);
      if (streamAudio != null) streamAudio.allowUntil(videoEndSeconds);
      muxer.write(p);
      av_packet_free(p);
    }
    // Encoders hold back at most a few dozen frames (x264's lookahead is the deepest); a
    // bounded window of recent timestamps is enough to find every packet's successor.
    while (submittedPts.size() > 256) submittedPts.pollFirst();
  }

  private long lastFrameDuration(long lastPts) {
    if (source.endPts() > lastPts) return source.endPts() - lastPts;
    Long previous = submittedPts.lower(lastPts);
    if (previous != null) return lastPts - previous;
    return Math.max(1, Math.round(1.0 / (source.frameRate() * source.timeBase().toDouble())));
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    waitingForDuration.forEach(p -> av_packet_free(p));
    waitingForDuration.clear();
    audio.forEach(AudioTrack::close);
    if (streamAudio != null) streamAudio.close();
    encoder.close();
    muxer.close();
  }
}
