package dev.doppel.pipeline;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.hconcat;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import dev.doppel.DoppelException;
import dev.doppel.GracefulStop;
import dev.doppel.blend.BlendSettings;
import dev.doppel.blend.FaceBlender;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.StageTimes;
import dev.doppel.identity.FacePhotos;
import dev.doppel.identity.IdentityGuard;
import dev.doppel.identity.LookalikeFilter;
import dev.doppel.identity.Recognizer;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.Progress;
import dev.doppel.output.Provenance;
import dev.doppel.render.FaceRenderer;
import dev.doppel.swap.FaceSelection;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.ModelKind;
import dev.doppel.swap.ModelResolver;
import dev.doppel.swap.OneShotSwapper;
import dev.doppel.swap.PairSwapper;
import dev.doppel.swap.SwapperPool;
import dev.doppel.video.BackgroundEncoder;
import dev.doppel.video.Stills;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import dev.doppel.video.VideoWriter;
import dev.doppel.watermark.Payload;
import dev.doppel.watermark.WatermarkEmbedder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * {@code doppel swap}: track faces, render the selected ones with the model, blend them back and
 * encode with the source's timestamps and audio; label the output as synthetic.
 */
public final class SwapJob {
  private SwapJob() {}

  /**
   * @param loopSeconds wall time of the frame loop (decode to the last queued frame), without model
   *     loading and file finishing
   * @param times busy time per stage: decode, analyse, swap, write (handing frames to the encoder),
   *     encode (the encoder's own thread)
   */
  /**
   * @param notes lines for the user (a face the identity guard left alone)
   */
  public record Summary(
      long frames,
      long facesSwapped,
      double loopSeconds,
      StageTimes times,
      String sizeNote,
      List<String> notes) {}

  public static Summary run(SwapOptions o, Progress progress) {
    return run(o, progress, 0);
  }

  /**
   * @param loopToFrames replay the input until this many frames were swapped (benchmarks)
   */
  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  static Summary run(SwapOptions o, Progress progress, long loopToFrames) {
    checkPaths(o);
    try (OutputClaim claim =
        VideoWriter.isStdout(o.output()) ? null : OutputClaim.take(o.output())) {
      return runClaimed(o, progress, loopToFrames);
    }
  }

  /** The output must not overwrite an input, a model or its own sidecar. */
  private static void checkPaths(SwapOptions o) {
    List<OutputPaths.Named> inputs = new ArrayList<>();
    if (o.source().isFile()) inputs.add(new OutputPaths.Named("IN", o.input()));
    inputs.add(new OutputPaths.Named("--model", o.model()));
    o.sources().forEach(p -> inputs.add(new OutputPaths.Named("--source", p)));
    if (o.recognizer() != null) inputs.add(new OutputPaths.Named("--recognizer", o.recognizer()));
    if (o.faces() instanceof FaceSelection.Like like) {
      inputs.add(new OutputPaths.Named("--faces like:", like.reference()));
    }
    List<OutputPaths.Named> outputs = new ArrayList<>();
    outputs.add(new OutputPaths.Named("-o", o.output()));
    if (VideoWriter.isStdout(o.output())) {
      outputs.clear(); // the standard output is no file
    } else if (o.label()) {
      outputs.add(new OutputPaths.Named("the sidecar", Provenance.sidecarFor(o.output())));
    }
    OutputPaths.check(inputs, outputs);
  }

  private static Summary runClaimed(SwapOptions o, Progress progress, long loopToFrames) {
    ModelInfo info = ModelResolver.resolve(o.model(), o.direction(), o.int8(), o.to());
    boolean oneShot = info.kind() == ModelKind.ONESHOT;
    checkSources(o, info, oneShot);
    List<String> notes = java.util.Collections.synchronizedList(new ArrayList<>());
    BlendSettings blend =
        o.blend().colour() != null
            ? o.blend()
            : o.blend()
                .withColour(
                    oneShot ? BlendSettings.ColourTransfer.NONE : BlendSettings.ColourTransfer.LAB);
    FaceBlender blender = new FaceBlender(blend);
    try (Recognizer recognizer =
            o.recognizer() != null ? new Recognizer(o.recognizer(), o.device()) : null;
        VideoReader reader = VideoReader.open(o.source(), o.range());
        LoopingFrames looping =
            loopToFrames > 0 ? new LoopingFrames(o.input(), loopToFrames) : null;
        // a batch keeps pair models loaded from job to job (SwapperPool.active)
        SwapperPool.Lease model =
            oneShot
                ? SwapperPool.Lease.own(
                    new OneShotSwapper(
                        info,
                        FacePhotos.identity(o.sources(), o.sourceFace(), recognizer, "--source"),
                        o.device()))
                : SwapperPool.Lease.of(
                    SwapperPool.active(),
                    info.path().toAbsolutePath() + " " + o.device(),
                    () -> new PairSwapper(info, o.device()));
        FaceTracker tracker = new FaceTracker(o.tracker());
        IdentityGuard guard =
            o.guard() && !oneShot
                ? IdentityGuard.forModel(
                    info, IdentityGuard.DEFAULT_MARGIN_DB, o.device(), notes::add)
                : null;
        // the invisible mark goes into every labelled output whose faces were altered
        WatermarkEmbedder watermark =
            o.label() && !(o.faces() instanceof FaceSelection.None) && o.previewFrame() == null
                ? new WatermarkEmbedder(Payload.newOutput())
                : null) {
      if (guard == null && o.guard() && !oneShot) {
        notes.add(
            info.path().getFileName()
                + " carries no held-out figure, so the identity guard is off and every face is"
                + " swapped (a model from doppel train has one; --faces chooses faces by hand)");
      }
      FaceRenderer renderer = new FaceRenderer(model.swapper(), blender);
      LookalikeFilter lookalikes =
          o.faces() instanceof FaceSelection.Like like
              ? new LookalikeFilter(like, recognizer)
              : null;
      FaceChooser chooser =
          lookalikes != null
              ? lookalikes::pick
              : guard != null
                  ? (faces, frame) -> guard.pick(o.faces().pick(faces), frame)
                  : (faces, frame) -> o.faces().pick(faces);
      if (o.previewFrame() != null) {
        return preview(
            o,
            reader,
            tracker,
            chooser,
            renderer,
            o.label()
                ? settings(o, reader, info, blend, recognizer, lookalikes, guard, null, null)
                : null);
      }
      boolean synthetic = !(o.faces() instanceof FaceSelection.None);
      if (Stills.isStill(o.output())) {
        return still(
            o,
            reader,
            tracker,
            chooser,
            renderer,
            watermark,
            swapped ->
                o.label()
                    ? settings(
                        o, reader, info, blend, recognizer, lookalikes, guard, swapped, watermark)
                    : null,
            notes);
      }
      Map<String, String> tags =
          o.label()
              ? Provenance.containerTags(synthetic ? "face-swap" : "pass-through", synthetic)
              : Map.of();
      List<int[]> swappedPerFrame = new ArrayList<>();
      StageTimes times = new StageTimes();
      double loopSeconds;
      String sizeNote;
      try (BackgroundEncoder writer =
          new BackgroundEncoder(
              VideoWriter.create(
                  o.output(),
                  reader.info(),
                  o.encode(),
                  o.source().isFile() ? o.input() : null,
                  reader.streamAudio(),
                  tags),
              4)) {
        sizeNote = writer.sizeNote();
        progress.start("swap", reader.info().frameCountEstimate());
        List<FramePipeline.Stage<SwapWork>> stages = new ArrayList<>();
        stages.add(
            w ->
                w.chosen =
                    times.time(
                        "analyse",
                        () ->
                            chooser.choose(
                                tracker.next(w.frame.image(), w.frame.micros() / 1e6),
                                w.frame.image())));
        stages.add(
            w ->
                times.time(
                    "swap",
                    () -> {
                      for (Face face : w.chosen) renderer.render(w.frame.image(), face, null);
                      return null;
                    }));
        if (watermark != null) {
          // its own stage: it re-finds the faces on the swapped frame (see WatermarkEmbedder)
          stages.add(
              w ->
                  times.time(
                      "mark",
                      () -> {
                        watermark.mark(w.frame.image(), w.frame.micros() / 1e6, w.chosen);
                        return null;
                      }));
        }
        FramePipeline<SwapWork> pipeline =
            new FramePipeline<>(
                () ->
                    SwapWork.of(
                        times.time(
                            "decode", () -> looping != null ? looping.next() : reader.next())),
                stages,
                w -> {
                  swappedPerFrame.add(w.chosen.stream().mapToInt(Face::trackId).toArray());
                  times.time(
                      "write",
                      () -> {
                        writer.write(w.frame.image(), w.frame.pts(), w.frame.audio());
                        return null;
                      });
                  progress.step();
                },
                4);
        long loopStart = System.nanoTime();
        if (reader.live()) GracefulStop.arm();
        try {
          if (o.pipelined()) {
            pipeline.run();
          } else {
            pipeline.runInline();
          }
        } finally {
          GracefulStop.disarm();
        }
        writer.writeAudio(reader.remainingAudio());
        if (GracefulStop.requested()) {
          notes.add(
              "stopped by Ctrl-C after " + swappedPerFrame.size() + " frames of a live input");
        }
        loopSeconds = (System.nanoTime() - loopStart) / 1e9;
        if (swappedPerFrame.isEmpty()) {
          throw DoppelException.processing("cannot read video: " + o.source() + ": no frames");
        }
        // the sidecar is written before the video is renamed into place, so a labelled output
        // never exists without its label (a kill in between leaves only the sidecar)
        Map<String, Object> settings =
            o.label()
                ? settings(
                    o,
                    reader,
                    info,
                    blend,
                    recognizer,
                    lookalikes,
                    guard,
                    swappedPerFrame,
                    watermark)
                : null;
        writer.finish(
            complete -> {
              if (settings != null) {
                writeSidecar(
                    o, complete, synthetic ? "face-swap" : "pass-through", synthetic, settings);
              }
            });
        times.add("encode", Math.round(writer.encodeMillis() * 1e6));
      }
      long swapped = swappedPerFrame.stream().mapToLong(ids -> ids.length).sum();
      return new Summary(
          swappedPerFrame.size(), swapped, loopSeconds, times, sizeNote, List.copyOf(notes));
    }
  }

  /** What the sidecar records of how the output was made. */
  private static Map<String, Object> settings(
      SwapOptions o,
      VideoReader reader,
      ModelInfo info,
      BlendSettings blend,
      Recognizer recognizer,
      LookalikeFilter lookalikes,
      IdentityGuard guard,
      List<int[]> swappedPerFrame,
      WatermarkEmbedder watermark) {
    boolean oneShot = info.kind() == ModelKind.ONESHOT;
    Map<String, Object> settings = new LinkedHashMap<>();
    if (reader.info().trimmed()) settings.put("input_range", reader.info().rangeRecord());
    settings.put("model", info.path().toString());
    settings.put("model_sha256", Provenance.sha256(info.path()));
    settings.put("model_metadata", info.metadata());
    settings.put("faces", o.faces().toString());
    if (oneShot) {
      settings.put(
          "source_photos",
          o.sources().stream()
              .map(p -> Map.of("path", p.toString(), "sha256", Provenance.sha256(p)))
              .toList());
      settings.put("source_face", o.sourceFace());
    }
    if (recognizer != null) {
      settings.put("recognizer", recognizer.info().path().toString());
      settings.put("recognizer_sha256", Provenance.sha256(recognizer.info().path()));
    }
    if (lookalikes != null) {
      settings.put("like_similarity_per_track", lookalikes.similarities());
    }
    if (guard != null) settings.put("identity_guard", guard.settings());
    if (watermark != null) {
      Payload p = watermark.payload();
      Map<String, Object> mark = new LinkedHashMap<>();
      mark.put("scheme", WatermarkEmbedder.SCHEME);
      mark.put("payload", p.hex());
      mark.put("tool_id", p.toolId());
      mark.put("output_id", p.outputId());
      settings.put("watermark", mark);
    }
    settings.put("blend", blend);
    settings.put("encode", o.encode());
    settings.put("tracker", o.tracker());
    if (o.previewFrame() != null) {
      settings.put("preview_frame", o.previewFrame());
    } else {
      settings.put("swapped_track_ids_per_frame", swappedPerFrame);
    }
    return settings;
  }

  /** One frame on its way through the swap pipeline, and the faces chosen in it. */
  static final class SwapWork implements AutoCloseable {
    final VideoFrame frame;
    List<Face> chosen = List.of();

    private SwapWork(VideoFrame frame) {
      this.frame = frame;
    }

    static SwapWork of(VideoFrame frame) {
      return frame == null ? null : new SwapWork(frame);
    }

    @Override
    public void close() {
      frame.close();
    }
  }

  /** Picks the faces to swap in one frame (which may look at the frame: like:REF). */
  @FunctionalInterface
  interface FaceChooser {
    List<Face> choose(List<Face> faces, Mat frame);
  }

  private static void checkSources(SwapOptions o, ModelInfo info, boolean oneShot) {
    if (oneShot && (o.sources().isEmpty() || o.recognizer() == null)) {
      throw DoppelException.usage(
          "--model "
              + info.path()
              + " is a one-shot model: give the "
              + "new face with --source PHOTO and a recogniser with --recognizer w600k_r50.onnx");
    }
    if (!oneShot && !o.sources().isEmpty()) {
      throw DoppelException.usage(
          "--source: "
              + info.path()
              + " is a pair model (it swaps "
              + info.source()
              + " to "
              + info.target()
              + "); --source needs a one-shot model");
    }
    if (o.faces() instanceof FaceSelection.Like && o.recognizer() == null) {
      throw DoppelException.usage(
          "--faces like: needs a recogniser: add --recognizer " + "w600k_r50.onnx");
    }
  }

  /** Input | swapped | mask, side by side, for one frame: a quick look before a long run. */
  private static Summary preview(
      SwapOptions o,
      VideoReader reader,
      FaceTracker tracker,
      FaceChooser chooser,
      FaceRenderer renderer,
      Map<String, Object> label) {
    long wanted = o.previewFrame();
    for (VideoFrame frame = reader.next(); frame != null; frame = reader.next()) {
      try (VideoFrame f = frame) {
        List<Face> faces = chooser.choose(tracker.next(f.image(), f.micros() / 1e6), f.image());
        if (f.index() < wanted) continue;
        try (Scalar black = new Scalar(0.0);
            Mat original = f.image().clone();
            Mat mask = new Mat(f.image().rows(), f.image().cols(), CV_8UC1, black);
            Mat maskBgr = new Mat()) {
          for (Face face : faces) renderer.render(f.image(), face, mask);
          cvtColor(mask, maskBgr, COLOR_GRAY2BGR);
          try (MatVector parts = new MatVector(original, f.image(), maskBgr);
              Mat row = new Mat()) {
            hconcat(parts, row);
            writeImage(row, o, "preview", true, label);
          }
        }
        return new Summary(1, faces.size(), 0, new StageTimes(), null, List.of());
      }
    }
    throw DoppelException.usage(
        "--preview "
            + wanted
            + ": "
            + o.input()
            + " has only "
            + reader.info().frameCountEstimate()
            + " frames");
  }

  private static void writeSidecar(
      SwapOptions o,
      java.nio.file.Path complete,
      String kind,
      boolean synthetic,
      Map<String, Object> settings) {
    Provenance.writeSidecar(
        o.output(), complete, kind, synthetic, o.source().toString(), o.input(), settings);
  }

  /** A still output: the one frame of a still (or of a --frames 1 range), swapped. */
  private static Summary still(
      SwapOptions o,
      VideoReader reader,
      FaceTracker tracker,
      FaceChooser chooser,
      FaceRenderer renderer,
      WatermarkEmbedder watermark,
      java.util.function.Function<List<int[]>, Map<String, Object>> settings,
      List<String> notes) {
    try (VideoFrame f = reader.next()) {
      if (f == null) {
        throw DoppelException.processing("cannot read video: " + o.source() + ": no frames");
      }
      List<Face> faces = chooser.choose(tracker.next(f.image(), f.micros() / 1e6), f.image());
      for (Face face : faces) renderer.render(f.image(), face, null);
      if (watermark != null) watermark.mark(f.image(), f.micros() / 1e6, faces);
      boolean synthetic = !(o.faces() instanceof FaceSelection.None);
      String kind = synthetic ? "face-swap" : "pass-through";
      Map<String, Object> label =
          settings.apply(List.of(faces.stream().mapToInt(Face::trackId).toArray()));
      writeImage(f.image(), o, kind, synthetic, label);
      return new Summary(1, faces.size(), 0, new StageTimes(), null, List.copyOf(notes));
    }
  }

  /** An image output, labelled inside and by its sidecar, which is written first. */
  private static void writeImage(
      Mat image, SwapOptions o, String kind, boolean synthetic, Map<String, Object> label) {
    Stills.write(
        o.output(),
        image,
        label != null ? Provenance.imageTags(kind, synthetic) : null,
        complete -> {
          if (label != null) {
            writeSidecar(o, complete, kind, synthetic, label);
          }
        });
  }
}
