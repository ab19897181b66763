package dev.doppel.video;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_CLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import dev.doppel.DoppelException;
import dev.doppel.GracefulStop;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes the video stream of any file FFmpeg reads into upright BGR frames (or luma, {@link
 * #openLuma}) with their exact timestamps. Variable frame rate survives because each frame carries
 * its own pts. A still image is a one-frame clip (read by OpenCV, EXIF orientation applied); a
 * stream (URL, standard input, device) is read once, its audio decoded along with the frames; a
 * {@link TimeRange} makes the part read a clip of its own, from 0.
 *
 * <p>Frames handed out are copies owned by the caller; the grabber's buffer stay inside this
 * reader, which must be used from one thread.
 */
public final class VideoReader implements AutoCloseable {
  static {
    FFmpegLog.ensureConfigured();
  }

  /**
   * The largest frames Doppel reads: 8K UHD (7680x4320), any shape up to 8192 px a side. A frame is
   * held several times over in the pipeline's queues (about 16 frames in flight, 100 MB each at
   * 8K), so larger ones would risk the OOM killer rather than fail cleanly.
   */
  public static final int MAX_SIDE = 8192;

  public static final long MAX_PIXELS = 7680L * 4320;

  /**
   * A trimmed read seeks (to the key frame before the start) only when the start is this far in:
   * below it, decoding and dropping the frames before the start costs little and needs nothing of
   * the file's index.
   */
  static final long SEEK_AFTER_MICROS = 5_000_000;

  private final FFmpegFrameGrabber grabber;
  private VideoInfo info;
  private final long declaredFrames;
  private final TimeRange range;

  /** Container start time: {@link TimeRange} times count from it, as players show them. */
  private final long zeroMicros;

  private long decoded;
  private long nextIndex;
  private boolean ended;
  private boolean cutByRange;
  private long lastPts;
  private long repairedTimestamps;

  /** The first frame of a trimmed range, read by {@link #open} to learn where the clip begins. */
  private VideoFrame pending;

  /** What messages call the input: its path, URL, device or "-". */
  private final String name;

  /** A stream's audio, decoded here (it cannot be read twice) and handed out with the frames. */
  private final AudioChunk.Format streamAudio;

  private final boolean live;

  /** The frames' type: BGR, or one channel of luma ({@link #openLuma}). */
  private final int imageType;

  private final List<AudioChunk> audioSinceFrame = new ArrayList<>();
  private final List<AudioChunk> heldAudio = new ArrayList<>();

  private VideoReader(
      FFmpegFrameGrabber grabber,
      VideoInfo info,
      long declaredFrames,
      TimeRange range,
      int imageType) {
    this(grabber, info, declaredFrames, range, String.valueOf(info.path()), null, false, imageType);
  }

  private VideoReader(
      FFmpegFrameGrabber grabber,
      VideoInfo info,
      long declaredFrames,
      TimeRange range,
      String name,
      AudioChunk.Format streamAudio,
      boolean live,
      int imageType) {
    this.name = name;
    this.imageType = imageType;
    this.streamAudio = streamAudio;
    this.live = live;
    this.grabber = grabber;
    this.info = info;
    this.declaredFrames = declaredFrames;
    this.range = range;
    long start = grabber == null ? 0 : grabber.getFormatContext().start_time();
    this.zeroMicros = start == avutil.AV_NOPTS_VALUE ? 0 : start;
  }

  /** Opens a video, failing with a one-line message that names the file and the problem. */
  public static VideoReader open(Path path) {
    return open(path, TimeRange.ALL);
  }

  /**
   * Opens a file, URL, standard input or device (see {@link MediaSource}); a stream's audio comes
   * with its frames ({@link VideoFrame#audio()}, {@link #streamAudio()}).
   */
  public static VideoReader open(MediaSource source, TimeRange range) {
    if (source.isFile()) return open(source.file(), range);
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(source.location());
    if (source.format() != null) grabber.setFormat(source.format());
    grabber.setImageMode(FrameGrabber.ImageMode.COLOR);
    grabber.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
    grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
    // a server that stops answering fails the read after 30 s instead of hanging (microseconds)
    if (source.kind() == MediaSource.Kind.URL) grabber.setOption("rw_timeout", "30000000");
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      closeQuietly(grabber);
      throw DoppelException.processing(
          "cannot read video: " + source + ": cannot open it (" + ffmpegReason(e) + ")");
    }
    checkVideo(grabber, source.toString());
    AudioChunk.Format audio =
        grabber.getAudioStream() >= 0 && grabber.getSampleRate() > 0
            ? new AudioChunk.Format(grabber.getSampleRate(), grabber.getAudioChannels())
            : null;
    boolean live = source.live() || grabber.getLengthInTime() <= 0;
    return withRange(
        new VideoReader(
            grabber, describe(null, grabber), -1, range, source.toString(), audio, live, CV_8UC3));
  }

  /**
   * Opens the part {@code range} of a video. Its frames come out with timestamps from 0 (the first
   * frame at or after the start) and indices from 0; {@link #info()} describes the part.
   *
   * @throws DoppelException usage error when the range starts after the last frame
   */
  public static VideoReader open(Path path, TimeRange range) {
    return open(path, range, false);
  }

  /**
   * Opens a file whose frames come as one channel of full-range luma (8-bit, 0-255): the decoded Y
   * plane itself, not luma computed from BGR, where a brightened video's colours clip at 255 in
   * some channel long before its luma does. Stills come as their BGR image's luma.
   */
  public static VideoReader openLuma(Path path) {
    return open(path, TimeRange.ALL, true);
  }

  private static VideoReader open(Path path, TimeRange range, boolean luma) {
    checkReadable(path);
    if (Stills.isStill(path)) return still(path, range, luma);
    ContainerLength.requireWhole(path, "video");
    FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(path.toFile());
    grabber.setImageMode(luma ? FrameGrabber.ImageMode.GRAY : FrameGrabber.ImageMode.COLOR);
    grabber.setPixelFormat(luma ? avutil.AV_PIX_FMT_GRAY8 : avutil.AV_PIX_FMT_BGR24);
    try {
      grabber.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      closeQuietly(grabber);
      throw DoppelException.processing(
          "cannot read video: " + path + ": not a readable media file (" + ffmpegReason(e) + ")");
    }
    checkVideo(grabber, path.toString());
    return withRange(
        new VideoReader(
            grabber,
            describe(path, grabber),
            declaredFrames(grabber),
            range,
            luma ? CV_8UC1 : CV_8UC3));
  }

  /** Starts a reader's range (see {@link #startRange()}), closing it if that fails. */
  private static VideoReader withRange(VideoReader reader) {
    if (reader.range.isAll()) return reader;
    try {
      reader.startRange();
      return reader;
    } catch (RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** Fails, closing the grabber, when it found no video stream or frames too large. */
  private static void checkVideo(FFmpegFrameGrabber grabber, String name) {
    String problem =
        grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0
            ? "it has no video stream"
            : tooLarge(grabber.getImageWidth(), grabber.getImageHeight());
    if (problem != null) {
      closeQuietly(grabber);
      throw DoppelException.processing("cannot read video: " + name + ": " + problem);
    }
  }

  /** Why frames of this size are refused, or null when Doppel handles them. */
  private static String tooLarge(int w, int h) {
    if (w <= MAX_SIDE && h <= MAX_SIDE && (long) w * h <= MAX_PIXELS) return null;
    return "frames of "
        + w
        + "x"
        + h
        + " are larger than Doppel handles (at most "
        + MAX_SIDE
        + " px a side and "
        + MAX_PIXELS / 1_000_000.0
        + " megapixels, 8K UHD)";
  }

  /**
   * A still as a one-frame clip at 25 fps (so it lasts one frame); read with OpenCV rather than
   * FFmpeg, which would leave an EXIF-rotated photo on its side.
   */
  private static VideoReader still(Path path, TimeRange range, boolean luma) {
    if (range.startMicros() > 0) {
      throw DoppelException.usage(
          "cannot read image: " + path + ": a still has no time to start from; drop --start");
    }
    Mat image = Stills.read(path);
    String tooLarge = tooLarge(image.cols(), image.rows());
    if (tooLarge != null) {
      image.close();
      throw DoppelException.processing("cannot read image: " + path + ": " + tooLarge);
    }
    Rational tb = new Rational(1, 25);
    VideoInfo info =
        new VideoInfo(
            path,
            image.cols(),
            image.rows(),
            0,
            tb,
            25,
            1,
            40_000,
            1,
            Stills.extension(path),
            null);
    if (luma) {
      try (Mat bgr = image) {
        image = new Mat();
        cvtColor(bgr, image, COLOR_BGR2GRAY);
      }
    }
    VideoReader reader = new VideoReader(null, info, 1, TimeRange.ALL, luma ? CV_8UC1 : CV_8UC3);
    reader.pending = new VideoFrame(image, 0, 0, 0);
    reader.ended = true;
    return reader;
  }

  /**
   * Seeks near the range's start where that pays, reads its first frame and describes the part:
   * time 0 is that frame; it ends at the range's end or the stream's, whichever is first.
   */
  private void startRange() {
    boolean timestamped =
        (grabber.getFormatContext().iformat().flags() & avformat.AVFMT_NOTIMESTAMPS) == 0;
    if (range.startMicros() >= SEEK_AFTER_MICROS && timestamped && streamAudio == null && !live) {
      try {
        // JavaCV counts this from the container's start, as the range does
        grabber.setVideoTimestamp(range.startMicros());
      } catch (FrameGrabber.Exception e) {
        throw DoppelException.processing(
            "cannot read video: "
                + name
                + ": cannot seek to "
                + TimeRange.seconds(range.startMicros())
                + " s ("
                + ffmpegReason(e)
                + ")");
      }
    }
    VideoFrame first = nextInRange();
    if (first == null) {
      throw DoppelException.usage(
          "cannot read video: "
              + name
              + ": no frame "
              + range
              + " (the video is "
              + TimeRange.seconds(info.durationMicros())
              + " s long)");
    }
    pending = first;
    long origin = first.pts();
    Rational tb = info.timeBase();
    long endPts = -1;
    if (range.maxFrames() == Long.MAX_VALUE) {
      long endTicks = range.hasEnd() ? tb.microsToTicks(zeroMicros + range.endMicros()) : -1;
      if (info.endPts() > 0 && endTicks > 0) endPts = Math.min(info.endPts(), endTicks);
      else endPts = Math.max(info.endPts(), endTicks);
      if (endPts > 0) endPts -= origin;
    }
    long durationMicros =
        endPts > 0
            ? tb.ticksToMicros(endPts)
            : Math.max(0, info.durationMicros() - (first.micros() - zeroMicros));
    long frames = Math.min(range.maxFrames(), Math.round(durationMicros / 1e6 * info.frameRate()));
    info =
        new VideoInfo(
            info.path(),
            info.width(),
            info.height(),
            info.rotation(),
            tb,
            info.frameRate(),
            frames,
            durationMicros,
            endPts,
            info.videoCodec(),
            info.audioCodec(),
            range,
            origin);
    pending = new VideoFrame(first.image(), 0, 0, 0);
  }

  /**
   * How many frames the file says it holds, or -1 where it does not say: the stream's frame count
   * (MP4, MOV, AVI), or the stream's duration times its average frame rate if that is less (an MP4
   * cut with an edit list counts frames it never shows).
   */
  private static long declaredFrames(FFmpegFrameGrabber g) {
    AVStream stream = g.getFormatContext().streams(g.getVideoStream());
    if (stream.nb_frames() <= 0) return -1;
    long frames = stream.nb_frames();
    boolean timed = stream.duration() > 0 && stream.duration() != avutil.AV_NOPTS_VALUE;
    if (timed && stream.avg_frame_rate().num() > 0 && stream.avg_frame_rate().den() > 0) {
      frames =
          Math.min(
              frames,
              Math.round(
                  stream.duration()
                      * avutil.av_q2d(stream.time_base())
                      * avutil.av_q2d(stream.avg_frame_rate())));
    }
    return frames;
  }

  /**
   * At the end of the stream: fewer frames than the file counts means frames that could not be read
   * (a cut or damaged file), which must not pass for a complete input. 2% (at least 2 frames) is
   * allowed.
   */
  private void checkComplete() {
    if (declaredFrames <= 0) return;
    long tolerance = Math.max(2, declaredFrames / 50);
    if (decoded < declaredFrames - tolerance) {
      throw DoppelException.processing(
          "cannot decode video: "
              + name
              + ": truncated "
              + "or corrupt: decoded "
              + decoded
              + " of the "
              + declaredFrames
              + " frames it "
              + "declares");
    }
  }

  private static void checkReadable(Path path) {
    if (!Files.exists(path)) {
      throw DoppelException.usage("cannot read video: " + path + ": no such file");
    }
    if (Files.isDirectory(path)) {
      throw DoppelException.usage("cannot read video: " + path + ": is a directory");
    }
    if (!Files.isReadable(path)) {
      throw DoppelException.usage("cannot read video: " + path + ": permission denied");
    }
    if (!Files.isRegularFile(path)) {
      throw DoppelException.usage(
          "cannot read video: "
              + path
              + ": not a regular file (a "
              + "device, FIFO or socket); give a video file");
    }
    try {
      if (Files.size(path) == 0) {
        throw DoppelException.processing("cannot read video: " + path + ": the file is empty");
      }
    } catch (java.io.IOException e) {
      throw DoppelException.usage("cannot read video: " + path + ": " + e.getMessage());
    }
  }

  private static VideoInfo describe(Path path, FFmpegFrameGrabber g) {
    AVStream stream = g.getFormatContext().streams(g.getVideoStream());
    Rational timeBase = new Rational(stream.time_base().num(), stream.time_base().den());
    int rotation = clockwiseRotation(g.getDisplayRotation());
    boolean quarterTurn = rotation == 90 || rotation == 270;
    int width = quarterTurn ? g.getImageHeight() : g.getImageWidth();
    int height = quarterTurn ? g.getImageWidth() : g.getImageHeight();
    double fps = g.getFrameRate() > 0 ? g.getFrameRate() : 25.0;
    // the stream's own frame count; the grabber's estimate uses the container duration,
    // which includes a longer audio track
    long frames = stream.nb_frames() > 0 ? stream.nb_frames() : Math.max(0, g.getLengthInFrames());
    long duration = Math.max(0, g.getLengthInTime());
    String audioCodec = null;
    if (g.getAudioStream() >= 0) {
      AVCodecParameters par = g.getFormatContext().streams(g.getAudioStream()).codecpar();
      audioCodec = avcodec.avcodec_get_name(par.codec_id()).getString();
    }
    long endPts = -1;
    if (stream.duration() > 0 && stream.duration() != avutil.AV_NOPTS_VALUE) {
      long start = stream.start_time() == avutil.AV_NOPTS_VALUE ? 0 : stream.start_time();
      endPts = start + stream.duration();
    }
    String videoCodec = avcodec.avcodec_get_name(stream.codecpar().codec_id()).getString();
    return new VideoInfo(
        path,
        width,
        height,
        rotation,
        timeBase,
        fps,
        frames,
        duration,
        endPts,
        videoCodec,
        audioCodec);
  }

  /** FFmpeg's display matrix angle is counter-clockwise; players turn frames by its negative. */
  static int clockwiseRotation(double displayMatrixDegrees) {
    if (Double.isNaN(displayMatrixDegrees)) return 0;
    int quarterTurns = (int) Math.round(-displayMatrixDegrees / 90.0);
    return Math.floorMod(quarterTurns, 4) * 90;
  }

  public VideoInfo info() {
    return info;
  }

  /** Returns the next frame, or null at the end of the stream. The caller closes the frame. */
  public VideoFrame next() {
    if (pending != null) {
      VideoFrame first = pending;
      pending = null;
      nextIndex = 1;
      return first;
    }
    if (info.trimmed()) {
      VideoFrame f = nextInRange();
      if (f == null) return null;
      long pts = f.pts() - info.originPts();
      return new VideoFrame(
          f.image(), nextIndex++, pts, info.timeBase().ticksToMicros(pts), f.audio());
    }
    VideoFrame f = decode();
    if (f != null) nextIndex++;
    return f;
  }

  /** The next decoded frame inside the range, with its source timestamp, or null past it. */
  private VideoFrame nextInRange() {
    while (!cutByRange) {
      VideoFrame f = decode();
      if (f == null) return null;
      long t = f.micros() - zeroMicros;
      if (range.before(t)) {
        f.close();
        // its audio may reach past the start: the writer cuts it there
        heldAudio.addAll(f.audio());
        long keepFrom = f.micros() - 2_000_000;
        heldAudio.removeIf(a -> a.micros() < keepFrom);
        continue;
      }
      if (!heldAudio.isEmpty()) {
        List<AudioChunk> audio = new ArrayList<>(heldAudio);
        audio.addAll(f.audio());
        heldAudio.clear();
        f = new VideoFrame(f.image(), f.index(), f.pts(), f.micros(), List.copyOf(audio));
      }
      if (range.past(t, nextIndex)) {
        f.close();
        cutByRange = true;
        return null;
      }
      return f;
    }
    return null;
  }

  /** The next frame of the stream with its source timestamp (index: decode order), or null. */
  private VideoFrame decode() {
    if (ended) return null;
    if (live && GracefulStop.requested()) {
      ended = true;
      return null;
    }
    Frame frame;
    try {
      if (streamAudio != null) {
        frame = grabber.grabFrame(true, true, true, false, false);
        while (frame != null && frame.image == null) {
          if (frame.samples != null) audioSinceFrame.add(AudioChunk.copyOf(frame));
          frame = grabber.grabFrame(true, true, true, false, false);
        }
      } else {
        frame = grabber.grabImage();
      }
    } catch (FrameGrabber.Exception e) {
      throw DoppelException.processing(
          "cannot decode video: " + name + ": frame " + decoded + ": " + ffmpegReason(e), e);
    }
    if (frame == null || frame.image == null) {
      ended = true;
      if (range.isAll()) checkComplete();
      return null;
    }
    Mat upright = new Mat();
    // A view of the grabber's BGR24 (or GRAY8) buffer, built here rather than by JavaCV's
    // converter, which takes the row stride over the width for the channel count: 4 channels for a
    // 16 px wide frame whose 48-byte rows are padded to 64.
    try (BytePointer data = new BytePointer((ByteBuffer) frame.image[0]);
        Mat decodedImage =
            new Mat(frame.imageHeight, frame.imageWidth, imageType, data, frame.imageStride)) {
      switch (info.rotation()) {
        case 90 -> rotate(decodedImage, upright, ROTATE_90_CLOCKWISE);
        case 180 -> rotate(decodedImage, upright, ROTATE_180);
        case 270 -> rotate(decodedImage, upright, ROTATE_90_COUNTERCLOCKWISE);
        default -> decodedImage.copyTo(upright);
      }
    }
    long micros = frame.timestamp;
    long pts = info.timeBase().microsToTicks(micros);
    if (decoded > 0 && pts <= lastPts) {
      // No timestamp (the decoder's flushed last frame of B-frames in AVI, every frame of a raw
      // elementary stream: JavaCV reports 0), or one out of order: like the ffmpeg CLI, which
      // predicts a missing timestamp from the previous one, the frame comes one frame later
      pts = lastPts + frameTicks();
      micros = info.timeBase().ticksToMicros(pts);
      repairedTimestamps++;
    }
    lastPts = pts;
    return new VideoFrame(upright, decoded++, pts, micros, takeAudio());
  }

  private List<AudioChunk> takeAudio() {
    if (audioSinceFrame.isEmpty()) return List.of();
    List<AudioChunk> audio = List.copyOf(audioSinceFrame);
    audioSinceFrame.clear();
    return audio;
  }

  /** A stream's audio decoded after the last frame handed out (its tail, at the end), or empty. */
  public List<AudioChunk> remainingAudio() {
    return takeAudio();
  }

  /** The format of a stream input's audio (see {@link VideoFrame#audio()}), or null. */
  public AudioChunk.Format streamAudio() {
    return streamAudio;
  }

  /**
   * Whether the input is live (see {@link MediaSource#live()}, or a URL with no duration): Ctrl-C
   * ends its reading ({@link GracefulStop}) instead of the job.
   */
  public boolean live() {
    return live;
  }

  /** Frames so far whose timestamp was missing or out of order (see {@link #next()}). */
  public long repairedTimestamps() {
    return repairedTimestamps;
  }

  /** One frame at the stream's average rate (25 fps when it declares none), in ticks, >= 1. */
  private long frameTicks() {
    double fps = info.frameRate() > 0 && Double.isFinite(info.frameRate()) ? info.frameRate() : 25;
    return Math.max(1, info.timeBase().microsToTicks(Math.round(1_000_000 / fps)));
  }

  /** Decodes every remaining frame, handing each to {@code action} and closing it afterwards. */
  public void forEachFrame(java.util.function.Consumer<VideoFrame> action) {
    for (VideoFrame frame = next(); frame != null; frame = next()) {
      try (VideoFrame f = frame) {
        action.accept(f);
      }
    }
  }

  @Override
  public void close() {
    if (pending != null) {
      pending.close();
      pending = null;
    }
    if (grabber != null) closeQuietly(grabber);
  }

  private static void closeQuietly(FFmpegFrameGrabber g) {
    try {
      g.close();
    } catch (FrameGrabber.Exception | RuntimeException ignored) {
      // closing a half-opened grabber can fail; nothing is left to release
    }
  }

  /** FFmpeg's own words for an error, without JavaCV's function-name prefix. */
  static String ffmpegReason(Exception e) {
    String m = String.valueOf(e.getMessage());
    int colon = m.lastIndexOf(": ");
    String reason = colon >= 0 ? m.substring(colon + 2) : m;
    reason = reason.replaceAll("\\s*\\(Has setFormat\\(\\) been called\\?\\)", "");
    int err = m.indexOf("error ");
    if (err >= 0) {
      String code = m.substring(err + 6).replaceAll("[^-0-9].*", "");
      try {
        return describeAvError(Integer.parseInt(code));
      } catch (NumberFormatException ignored) {
        // fall through
      }
    }
    return reason.strip();
  }

  static String describeAvError(int code) {
    byte[] buf = new byte[256];
    avutil.av_strerror(code, buf, buf.length);
    String s = new String(buf, java.nio.charset.StandardCharsets.UTF_8);
    return s.substring(0, Math.max(0, s.indexOf(0) < 0 ? s.length() : s.indexOf(0)));
  }
}
