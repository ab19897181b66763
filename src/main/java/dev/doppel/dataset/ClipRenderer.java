package dev.doppel.dataset;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_core.max;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.doppel.DoppelException;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.Face;
import dev.doppel.face.FaceJson;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.AtomicFile;
import dev.doppel.output.Json;
import dev.doppel.render.FaceRenderer;
import dev.doppel.swap.Swapper;
import dev.doppel.video.CompressionRoundTrip;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoInfo;
import dev.doppel.video.VideoReader;
import dev.doppel.video.VideoWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Renders one (target clip, source identity) of a dataset in a single decoding pass: every decoded
 * frame is perturbed identically for the real and the fake, then written to the real's and the
 * fake's writers of every compression level, so the codec never tells them apart. The mask video
 * holds exactly the pixels Doppel wrote (alpha > 0, binary, FFV1, frame-exact with the fake); the
 * annotations file one JSON line per frame.
 */
public final class ClipRenderer {
  private ClipRenderer() {}

  private static void line(AtomicFile file, FrameAnnotation a) throws IOException {
    OutputStream out = file.stream();
    out.write(Json.MAPPER.writeValueAsString(a).getBytes(StandardCharsets.UTF_8));
    out.write('\n');
  }

  /** One encoded copy: where it goes and how it is encoded. */
  public record Output(Path path, EncodeSettings settings, Map<String, String> tags) {}

  /** One perturbation step applied to every frame (DeeperForensics-style), in order. */
  public record Step(Perturbation kind, int level) implements java.io.Serializable {
    /** The level's setting (scale, variance, kernel, factor or CRF), for dataset.json. */
    @JsonProperty("parameter")
    public double parameter() {
      return kind.parameter(level);
    }
  }

  /**
   * @param frames frames written
   * @param manipulated frames in which at least one face was swapped
   */
  public record Result(
      long frames, long manipulated, long maskPixels, List<long[]> manipulatedSegments)
      implements java.io.Serializable {}

  /** One line of the annotations file. */
  public record FrameAnnotation(long frame, long pts, double time, List<FaceAnnotation> faces) {}

  public record FaceAnnotation(
      FaceJson.FaceRecord face, boolean swapped, @JsonProperty("mask_area") long maskArea) {}

  /**
   * The unmanipulated copies of a clip.
   *
   * @param outputs one per compression level (empty when another pass wrote them)
   * @param annotations the real clip's per-frame faces (nothing swapped), or null
   */
  public record Reals(List<Output> outputs, Path annotations) {
    public static final Reals NONE = new Reals(List.of(), null);
  }

  /**
   * The fake of a clip: what renders it and where it goes.
   *
   * @param choose which of a frame's faces to swap (e.g. the largest, or all)
   * @param outputs one per compression level
   * @param mask the binary mask video of the swapped pixels
   * @param annotations the fake's per-frame faces, or null
   */
  public record Fake(
      Swapper swapper,
      FaceBlender blender,
      UnaryOperator<List<Face>> choose,
      List<Output> outputs,
      Output mask,
      Path annotations) {}

  /**
   * @param fakeCopies null: reals only
   * @param seed decides the perturbations' random choices, per frame: real and fake alike, and the
   *     same on every pass over this clip
   */
  public static Result render(
      Path target,
      TrackerSettings tracker,
      Reals realCopies,
      Fake fakeCopies,
      List<Step> perturbations,
      long seed) {
    List<Output> reals = realCopies.outputs();
    Path realAnnotations = realCopies.annotations();
    boolean none = fakeCopies == null;
    Swapper swapper = none ? null : fakeCopies.swapper();
    UnaryOperator<List<Face>> choose = none ? found -> List.of() : fakeCopies.choose();
    List<Output> fakes = none ? List.of() : fakeCopies.outputs();
    Output mask = none ? null : fakeCopies.mask();
    Path annotations = none ? null : fakeCopies.annotations();
    FaceRenderer renderer = none ? null : new FaceRenderer(swapper, fakeCopies.blender());
    List<Step> frameSteps =
        perturbations.stream().filter(p -> p.kind().isFrameOperation()).toList();
    Integer crf =
        perturbations.stream()
            .filter(p -> !p.kind().isFrameOperation())
            .map(p -> (int) p.kind().parameter(p.level()))
            .findFirst()
            .orElse(null);
    Sink realSink = null;
    Sink fakeSink = null;
    VideoWriter maskWriter = null;
    long frames = 0;
    long manipulated = 0;
    long maskPixels = 0;
    List<long[]> segments = new ArrayList<>();
    try (VideoReader reader = VideoReader.open(target);
        FaceTracker faces = new FaceTracker(tracker);
        AtomicFile notes = annotations == null ? null : new AtomicFile(annotations);
        AtomicFile realNotes = realAnnotations == null ? null : new AtomicFile(realAnnotations);
        // frame-sized work images, reused frame after frame
        Scalar black = new Scalar(0.0);
        Mat written = new Mat(); // every pixel Doppel wrote in this frame
        Mat one = new Mat(); // the pixels of one swapped face
        Mat maskBgr = new Mat()) {
      realSink = new Sink(reals, reader.info(), target, crf);
      fakeSink = new Sink(fakes, reader.info(), target, crf);
      if (mask != null) {
        maskWriter =
            VideoWriter.create(mask.path(), reader.info(), mask.settings(), null, mask.tags());
      }
      for (VideoFrame f = reader.next(); f != null; f = reader.next()) {
        Mat real = f.image(); // owned by the frame
        try (VideoFrame frame = f;
            Mat fake = swapper != null ? real.clone() : new Mat()) { // reals-only: no copy
          written.create(real.rows(), real.cols(), CV_8UC1);
          written.put(black);
          List<Face> found = faces.next(real, frame.micros() / 1e6);
          List<Face> chosen = swapper == null ? List.of() : choose.apply(found);
          List<FaceAnnotation> notesOfFrame = new ArrayList<>();
          List<FaceAnnotation> realNotesOfFrame = new ArrayList<>();
          boolean any = false;
          for (Face face : found) {
            long area = 0;
            boolean swap = chosen.contains(face);
            if (swap) {
              one.create(real.rows(), real.cols(), CV_8UC1);
              one.put(black);
              renderer.render(fake, face, one);
              threshold(one, one, 0, 255, THRESH_BINARY);
              area = countNonZero(one);
              max(written, one, written);
              any = true;
            }
            FaceJson.FaceRecord record = FaceJson.face(face, dev.doppel.face.Affine.IDENTITY);
            notesOfFrame.add(new FaceAnnotation(record, swap, area));
            realNotesOfFrame.add(new FaceAnnotation(record, false, 0));
          }
          long seedOfFrame = seed * 1_000_003L + frame.index();
          for (Step s : frameSteps) {
            s.kind().apply(real, s.level(), new Random(seedOfFrame));
            if (swapper != null) s.kind().apply(fake, s.level(), new Random(seedOfFrame));
          }
          realSink.write(real, frame.pts());
          if (swapper != null) fakeSink.write(fake, frame.pts());
          if (maskWriter != null) {
            cvtColor(written, maskBgr, COLOR_GRAY2BGR);
            maskWriter.write(maskBgr, frame.pts());
          }
          maskPixels += countNonZero(written);
          if (any) {
            manipulated++;
            long[] last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (last != null && last[1] == frame.index() - 1) last[1] = frame.index();
            else segments.add(new long[] {frame.index(), frame.index()});
          }
          double time = frame.micros() / 1e6;
          if (notes != null) {
            line(notes, new FrameAnnotation(frame.index(), frame.pts(), time, notesOfFrame));
          }
          if (realNotes != null) {
            line(
                realNotes, new FrameAnnotation(frame.index(), frame.pts(), time, realNotesOfFrame));
          }
          frames++;
        }
      }
      if (frames == 0) {
        throw DoppelException.processing("cannot read video: " + target + ": no frames");
      }
      realSink.finish();
      fakeSink.finish();
      if (maskWriter != null) maskWriter.finish();
      if (notes != null) notes.commit();
      if (realNotes != null) realNotes.commit();
      return new Result(frames, manipulated, maskPixels, segments);
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot write annotations of " + target + ": " + e.getMessage());
    } finally {
      if (realSink != null) realSink.close();
      if (fakeSink != null) fakeSink.close();
      if (maskWriter != null) maskWriter.close();
    }
  }

  /**
   * The encoded copies of one clip (real or fake), behind the optional video-compression
   * perturbation, whose encoder may give frames back later than they went in.
   */
  private static final class Sink implements AutoCloseable {
    private final List<VideoWriter> writers = new ArrayList<>();
    private final Integer crf;
    private final double fps;
    private CompressionRoundTrip compression; // opened on the first frame, at its size
    private final ArrayDeque<Long> pending = new ArrayDeque<>();

    Sink(List<Output> outputs, VideoInfo info, Path source, Integer crf) {
      this.crf = crf;
      this.fps = info.frameRate();
      try {
        for (Output o : outputs) {
          writers.add(VideoWriter.create(o.path(), info, o.settings(), source, o.tags()));
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    void write(Mat frame, long pts) {
      if (writers.isEmpty()) return;
      if (crf == null) {
        for (VideoWriter w : writers) w.write(frame, pts);
        return;
      }
      if (compression == null) {
        compression = new CompressionRoundTrip(frame.cols(), frame.rows(), fps, crf);
      }
      pending.add(pts);
      emit(compression.push(frame));
    }

    void finish() {
      if (compression != null) emit(compression.flush());
      if (!pending.isEmpty()) {
        throw DoppelException.processing("video compression lost " + pending.size() + " frames");
      }
      for (VideoWriter w : writers) w.finish();
    }

    private void emit(List<Mat> frames) {
      try {
        for (Mat m : frames) {
          long pts = pending.remove();
          for (VideoWriter w : writers) w.write(m, pts);
        }
      } finally {
        frames.forEach(Mat::close);
      }
    }

    @Override
    public void close() {
      writers.forEach(VideoWriter::close);
      if (compression != null) compression.close();
    }
  }
}
