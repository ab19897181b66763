package dev.doppel.pipeline;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.DoppelException;
import dev.doppel.FilePermissions;
import dev.doppel.Version;
import dev.doppel.face.Alignment;
import dev.doppel.face.Face;
import dev.doppel.face.FaceJson;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.MeshTopology;
import dev.doppel.face.PolygonFill;
import dev.doppel.output.Json;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.Progress;
import dev.doppel.output.Provenance;
import dev.doppel.output.TempFiles;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * {@code doppel extract}: aligned face crops for training, one folder per track: {@code
 * FACESET/<video>_track<id>/<frame>.png}, its mask {@code <frame>_mask.png} (the face oval, 255
 * inside) and {@code <frame>.json} (source, frame, timestamp, landmarks in crop pixels, transform).
 * {@code faceset.json} at the top describes the whole set. The set is built in a hidden folder
 * beside FACESET and renamed when complete.
 */
public final class ExtractJob {
  private ExtractJob() {}

  public record Summary(int crops, Map<String, Integer> cropsPerTrack) {}

  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public static Summary run(ExtractOptions o, Progress progress) {
    Path target = o.output().toAbsolutePath();
    checkTarget(target);
    OutputPaths.check(
        o.inputs().stream().map(p -> new OutputPaths.Named("IN", p)).toList(),
        List.of(new OutputPaths.Named("-o", target)));
    try (OutputClaim claim = OutputClaim.take(target)) {
      return runClaimed(o, target, progress);
    }
  }

  private static Summary runClaimed(ExtractOptions o, Path target, Progress progress) {
    for (Path in : o.inputs()) {
      // every input must be readable (and reach the range) before work starts
      VideoReader.open(in, o.range()).close();
    }
    Path work = createWorkFolder(target);
    try {
      Map<String, Integer> perTrack = new TreeMap<>();
      ArrayNode sources = Json.MAPPER.createArrayNode();
      Set<String> usedStems = new HashSet<>();
      for (Path in : o.inputs()) {
        String stem = uniqueStem(in, usedStems);
        ObjectNode source =
            sources
                .addObject()
                .put("path", in.toString())
                .put("name", stem)
                .put("sha256", Provenance.sha256(in));
        long frames = extractVideo(in, stem, work, o, perTrack, progress, source);
        source.put("frames", frames);
      }
      int total = perTrack.values().stream().mapToInt(Integer::intValue).sum();
      if (total == 0) {
        throw DoppelException.processing(
            "extract: found no face in "
                + String.join(", ", o.inputs().stream().map(Path::toString).toList()));
      }
      writeIndex(work, o, sources, perTrack);
      if (Files.isDirectory(target)) Files.delete(target); // checked empty above
      try (var walk = Files.walk(work)) {
        walk.forEach(FilePermissions::makeReadable);
      }
      Files.move(work, target);
      return new Summary(total, perTrack);
    } catch (IOException e) {
      throw DoppelException.processing("cannot write face set: " + target + ": " + e.getMessage());
    } finally {
      TempFiles.deleteTree(work);
      TempFiles.forget(work);
    }
  }

  private static long extractVideo(
      Path in,
      String stem,
      Path work,
      ExtractOptions o,
      Map<String, Integer> perTrack,
      Progress progress,
      ObjectNode source)
      throws IOException {
    long frames = 0;
    try (VideoReader reader = VideoReader.open(in, o.range());
        FaceTracker tracker = new FaceTracker(o.tracker())) {
      if (reader.info().trimmed()) {
        source.set("range", Json.MAPPER.valueToTree(reader.info().rangeRecord()));
      }
      progress.start("extract " + in.getFileName(), reader.info().frameCountEstimate());
      for (VideoFrame frame; (frame = reader.next()) != null; ) {
        try (VideoFrame f = frame) {
          List<Face> faces = tracker.next(f.image(), f.micros() / 1e6);
          frames++;
          if (f.index() % o.every() == 0) {
            for (Face face : faces) {
              if (Math.min(face.box().width(), face.box().height()) < o.minFace()) continue;
              String track = stem + "_track" + String.format("%02d", face.trackId());
              Path folder = Files.createDirectories(work.resolve(track));
              writeCrop(folder, in, f, face, o);
              perTrack.merge(track, 1, Integer::sum);
            }
          }
        }
        progress.step();
      }
    }
    return frames;
  }

  private static void writeCrop(Path folder, Path source, VideoFrame f, Face face, ExtractOptions o)
      throws IOException {
    Alignment alignment = Alignment.of(face.fivePoints(), o.template(), o.size());
    String name = String.format("%06d", f.index());
    try (Mat crop = alignment.crop(f.image());
        Scalar black = new Scalar(0.0);
        Mat mask = new Mat(o.size(), o.size(), CV_8UC1, black)) {
      PolygonFill.fill(mask, face.maskPolygon(), alignment.toCrop(), 255.0);
      write(crop, folder.resolve(name + ".png"));
      write(mask, folder.resolve(name + "_mask.png"));
    }
    ObjectNode json = Json.MAPPER.createObjectNode();
    json.put("source", source.toString());
    json.put("frame", f.index());
    json.put("pts", f.pts());
    json.put("time", f.micros() / 1e6);
    json.put("track", face.trackId());
    json.put("size", o.size());
    json.put("template", o.template().name());
    json.put("image", name + ".png");
    json.put("mask", name + "_mask.png");
    json.set("to_crop", Json.MAPPER.valueToTree(alignment.toCrop().toArray()));
    json.set("to_frame", Json.MAPPER.valueToTree(alignment.toFrame().toArray()));
    json.set("face", Json.MAPPER.valueToTree(FaceJson.face(face, alignment.toCrop())));
    Json.MAPPER.writeValue(folder.resolve(name + ".json").toFile(), json);
  }

  private static void write(Mat image, Path file) {
    if (!imwrite(file.toString(), image)) {
      throw DoppelException.processing("cannot write image: " + file);
    }
  }

  private static void writeIndex(
      Path work, ExtractOptions o, ArrayNode sources, Map<String, Integer> perTrack)
      throws IOException {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("tool", "Doppel " + Version.get());
    root.put("size", o.size());
    root.put("template", o.template().name());
    root.set(
        "template_points",
        Json.MAPPER.valueToTree(FaceJson.points(o.template().at(o.size()).asList())));
    root.put("every", o.every());
    root.set("topology", Json.MAPPER.valueToTree(MeshTopology.regions()));
    root.set("sources", sources);
    root.set("tracks", Json.MAPPER.valueToTree(perTrack));
    Json.MAPPER
        .writerWithDefaultPrettyPrinter()
        .writeValue(work.resolve("faceset.json").toFile(), root);
  }

  private static void checkTarget(Path target) {
    Path parent = target.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw DoppelException.usage(
          "cannot write face set: " + target + ": the folder " + parent + " does not exist");
    }
    if (!Files.isWritable(parent)) {
      throw DoppelException.usage(
          "cannot write face set: " + target + ": the folder " + parent + " is not writable");
    }
    if (Files.exists(target)) {
      boolean emptyDir;
      try (var entries = Files.list(target)) {
        emptyDir = entries.findAny().isEmpty();
      } catch (IOException e) {
        emptyDir = false;
      }
      if (!emptyDir) {
        throw DoppelException.usage(
            "cannot write face set: "
                + target
                + ": already exists and is not an empty folder (choose a new name)");
      }
    }
  }

  private static Path createWorkFolder(Path target) {
    try {
      return TempFiles.create(
          () ->
              Files.createTempDirectory(
                  target.getParent(), OutputPaths.tempPrefix(target) + "part-"));
    } catch (IOException e) {
      throw DoppelException.usage(
          "cannot write face set: "
              + target
              + ": "
              + OutputPaths.whyNotWritable(target.getParent(), e));
    }
  }

  private static String uniqueStem(Path in, Set<String> used) {
    String name = in.getFileName().toString();
    String stem = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    String candidate = stem;
    for (int i = 2; !used.add(candidate); i++) candidate = stem + "-" + i;
    return candidate;
  }
}
