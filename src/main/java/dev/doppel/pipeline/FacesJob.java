package dev.doppel.pipeline;

import dev.doppel.DoppelException;
import dev.doppel.GracefulStop;
import dev.doppel.face.Face;
import dev.doppel.face.FaceJson;
import dev.doppel.face.FaceTracker;
import dev.doppel.output.AtomicFile;
import dev.doppel.output.Json;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.Progress;
import dev.doppel.output.Provenance;
import dev.doppel.video.BackgroundEncoder;
import dev.doppel.video.Stills;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import dev.doppel.video.VideoWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code doppel faces}: find and track every face; draw them and/or write them as JSON Lines. */
public final class FacesJob {
  private FacesJob() {}

  /** What a run found. */
  /**
   * @param sizeNote why the annotated video's size differs from the input's, or null
   */
  public record Summary(
      long frames, long framesWithFaces, long faces, Set<Integer> trackIds, String sizeNote) {}

  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public static Summary run(FacesOptions o, Progress progress) {
    List<OutputPaths.Named> outputs = new ArrayList<>();
    if (o.annotatedVideo() != null) {
      outputs.add(new OutputPaths.Named("-o", o.annotatedVideo()));
      if (o.label()) {
        outputs.add(
            new OutputPaths.Named("the sidecar", Provenance.sidecarFor(o.annotatedVideo())));
      }
    }
    if (o.json() != null) outputs.add(new OutputPaths.Named("--json", o.json()));
    boolean toStdout = o.annotatedVideo() != null && VideoWriter.isStdout(o.annotatedVideo());
    if (toStdout) outputs.clear(); // the standard output is no file
    OutputPaths.check(
        o.source().isFile() ? List.of(new OutputPaths.Named("IN", o.input())) : List.of(), outputs);
    try (OutputClaim video =
            o.annotatedVideo() == null || toStdout ? null : OutputClaim.take(o.annotatedVideo());
        OutputClaim json = o.json() == null ? null : OutputClaim.take(o.json())) {
      return runClaimed(o, progress);
    }
  }

  /** The annotated still, labelled inside and by its sidecar (written first). */
  private static void writeImage(FacesOptions o, VideoReader reader, VideoFrame f) {
    Stills.write(
        o.annotatedVideo(),
        f.image(),
        o.label() ? Provenance.imageTags("annotation", false) : null,
        complete -> writeSidecar(o, reader, complete));
  }

  /** The annotated output's sidecar (when labelled), written before the output is moved in. */
  private static void writeSidecar(
      FacesOptions o, VideoReader reader, java.nio.file.Path complete) {
    if (!o.label()) return;
    Provenance.writeSidecar(
        o.annotatedVideo(),
        complete,
        "annotation",
        false,
        o.source().toString(),
        o.input(),
        annotationSettings(o, reader));
  }

  private static Map<String, Object> annotationSettings(FacesOptions o, VideoReader reader) {
    Map<String, Object> settings = new java.util.LinkedHashMap<>();
    if (reader.info().trimmed()) settings.put("input_range", reader.info().rangeRecord());
    settings.put("encode", o.encode());
    settings.put("tracker", o.tracker());
    return settings;
  }

  private static Summary runClaimed(FacesOptions o, Progress progress) {
    try (VideoReader reader = VideoReader.open(o.source(), o.range());
        FaceTracker tracker = new FaceTracker(o.tracker());
        BackgroundEncoder writer =
            o.annotatedVideo() == null || Stills.isStill(o.annotatedVideo())
                ? null
                : new BackgroundEncoder(
                    VideoWriter.create(
                        o.annotatedVideo(),
                        reader.info(),
                        o.encode(),
                        o.source().isFile() ? o.input() : null,
                        reader.streamAudio(),
                        o.label() ? Provenance.containerTags("annotation", false) : Map.of()),
                    4);
        AtomicFile jsonFile = o.json() == null ? null : new AtomicFile(o.json())) {
      Writer jsonOut =
          jsonFile != null
              ? new OutputStreamWriter(jsonFile.stream(), StandardCharsets.UTF_8)
              : o.jsonOut();
      long frames = 0;
      long withFaces = 0;
      long faceCount = 0;
      Set<Integer> ids = new HashSet<>();
      progress.start("faces", reader.info().frameCountEstimate());
      BufferedWriter lines = jsonOut == null ? null : new BufferedWriter(jsonOut);
      if (reader.live()) GracefulStop.arm();
      try {
        for (VideoFrame frame; (frame = reader.next()) != null; ) {
          try (VideoFrame f = frame) {
            List<Face> faces = tracker.next(f.image(), f.micros() / 1e6);
            frames++;
            faceCount += faces.size();
            if (!faces.isEmpty()) withFaces++;
            faces.forEach(face -> ids.add(face.trackId()));
            if (lines != null) {
              lines.write(
                  Json.MAPPER.writeValueAsString(
                      FaceJson.frame(f.index(), f.pts(), f.micros() / 1e6, faces)));
              lines.newLine();
            }
            if (writer != null) {
              FaceAnnotator.draw(f.image(), faces);
              writer.write(f.image(), f.pts(), f.audio());
            } else if (o.annotatedVideo() != null) {
              if (f.index() > 0) {
                throw DoppelException.usage(
                    "cannot write image: "
                        + o.annotatedVideo()
                        + ": "
                        + o.source()
                        + " has more than one frame; give a video output, or --frames 1");
              }
              FaceAnnotator.draw(f.image(), faces);
              writeImage(o, reader, f);
            }
          }
          progress.step();
        }
        if (lines != null) lines.flush();
      } catch (IOException e) {
        throw DoppelException.processing("cannot write face data: " + e.getMessage());
      } finally {
        GracefulStop.disarm();
      }
      if (writer != null) writer.writeAudio(reader.remainingAudio());
      if (frames == 0) {
        throw DoppelException.processing("cannot read video: " + o.source() + ": it has no frames");
      }
      if (writer != null) {
        writer.finish(complete -> writeSidecar(o, reader, complete));
      }
      if (jsonFile != null) jsonFile.commit();
      return new Summary(
          frames, withFaces, faceCount, ids, writer != null ? writer.sizeNote() : null);
    }
  }
}
