package dev.doppel.dataset;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.face.Affine;
import dev.doppel.face.Alignment;
import dev.doppel.face.AlignmentTemplate;
import dev.doppel.face.Ibug81;
import dev.doppel.face.Point2;
import dev.doppel.output.Json;
import dev.doppel.output.Npy;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The dataset again in the layout DeepfakeBench's loader reads ({@code "deepfakebench": {}} in the
 * spec): per compression level a JSON index {@code deepfakebench/Doppel-NAME-C.json} of the form
 * {@code {name: {label: {split: {video: {"label", "frames", "masks"}}}}}}, and per video up to
 * {@code frames} evenly spaced face crops ({@code NNN.png}, NNN the frame's index), aligned as
 * DeepfakeBench's preprocessing aligns (its five dlib points onto the ArcFace template shrunk by
 * {@code scale} about the centre of a {@code size} px square), beside them (the path with {@code
 * frames} replaced) the swap mask warped the same way and the 81 landmarks ({@link Ibug81}) as
 * float32 {@code .npy}. Frames without a face are left out, as DeepfakeBench's own preprocessing
 * does. Labels: {@value #REAL} and {@value #FAKE}, the two entries a user adds to DeepfakeBench's
 * {@code label_dict}.
 *
 * @param root the prefix of every path in the index: where the dataset folder lies seen from the
 *     folder DeepfakeBench runs in (default {@code datasets/NAME})
 */
public record DeepfakeBench(
    int frames, int size, double scale, @JsonProperty("path_prefix") String root)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int FRAMES = 32;
  static final int SIZE = 256;
  static final double SCALE = 1.3;
  static final String FOLDER = "deepfakebench";
  public static final String REAL = "Doppel_real";
  public static final String FAKE = "Doppel_fake";

  /** DeepfakeBench derives mask and landmark paths by replacing these in the frame's path. */
  private static final List<String> REPLACED = List.of("frames", ".png");

  List<String> problems(List<String> names) {
    List<String> out = new ArrayList<>();
    if (frames < 1) out.add("deepfakebench: frames must be >= 1");
    if (size < 32 || size > 1024) out.add("deepfakebench: size must be 32 to 1024");
    if (!(scale >= 1 && scale <= 3)) out.add("deepfakebench: scale must be 1 to 3");
    List<String> all = new ArrayList<>(names);
    all.add(root);
    for (String n : all) {
      for (String r : REPLACED) {
        if (n.contains(r)) {
          out.add(
              "deepfakebench: '"
                  + n
                  + "' contains '"
                  + r
                  + "', which DeepfakeBench's loader replaces in every path");
        }
      }
    }
    return out;
  }

  static String datasetName(String specName, String level) {
    return "Doppel-" + specName + "-" + level;
  }

  static String index(String specName, String level) {
    return FOLDER + "/" + datasetName(specName, level) + ".json";
  }

  /** The folder of a real clip's crops; masks and landmarks replace "frames". */
  static String realFrames(String level, String clip) {
    return FOLDER + "/" + level + "/original/frames/" + clip;
  }

  static String fakeFrames(String level, String method, String name) {
    return FOLDER + "/" + level + "/" + method + "/frames/" + name;
  }

  private static String beside(String framesFolder, String kind) {
    int at = framesFolder.lastIndexOf("/frames/");
    return framesFolder.substring(0, at) + "/" + kind + "/" + framesFolder.substring(at + 8);
  }

  /** {@code k} frame indices spread evenly over {@code n} frames, first and last included. */
  static long[] sample(long n, int k) {
    if (n <= k) {
      long[] all = new long[(int) n];
      for (int i = 0; i < n; i++) all[i] = i;
      return all;
    }
    long[] out = new long[k];
    for (int i = 0; i < k; i++) out[i] = k == 1 ? 0 : i * (n - 1) / (k - 1);
    return out;
  }

  /**
   * Writes the crops of one video (executor side).
   *
   * @param faces frame index to the face to crop there ({@link #facesToCrop})
   * @param mask the fake's mask video, or null for a real (its masks are empty)
   * @param framesFolder where the crops go (relative to {@code root}, see {@link #realFrames})
   */
  void export(Path root, Path video, Map<Long, JsonNode> faces, Path mask, String framesFolder)
      throws IOException {
    if (faces.isEmpty()) return;
    long last = faces.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
    Path framesDir = Files.createDirectories(root.resolve(framesFolder));
    Path masksDir = Files.createDirectories(root.resolve(beside(framesFolder, "masks")));
    Path landmarksDir = Files.createDirectories(root.resolve(beside(framesFolder, "landmarks")));
    Point2[] template =
        AlignmentTemplate.arcFaceWithMargin(size, scale).asList().toArray(Point2[]::new);
    try (VideoReader frames = VideoReader.open(video);
        VideoReader masks = mask == null ? null : VideoReader.open(mask);
        Size s = new Size(size, size);
        Scalar zero = new Scalar(0.0);
        Mat grey = new Mat();
        Mat cropMask = new Mat()) {
      for (VideoFrame f = frames.next(); f != null; f = frames.next()) {
        if (f.index() > last) { // nothing more to crop: stop decoding
          f.close();
          break;
        }
        try (VideoFrame frame = f;
            VideoFrame m = masks == null ? null : masks.next()) {
          JsonNode face = faces.get(frame.index());
          if (face == null) continue;
          Alignment align =
              new Alignment(Alignment.similarity(alignmentPoints(face), List.of(template)), size);
          String stem = String.format(java.util.Locale.ROOT, "%03d", frame.index());
          try (Mat crop = align.crop(frame.image());
              Mat toCrop = align.toCrop().toMat()) {
            write(framesDir.resolve(stem + ".png"), crop);
            if (m == null) {
              cropMask.create(size, size, CV_8UC1);
              cropMask.put(zero);
            } else {
              cvtColor(m.image(), grey, COLOR_BGR2GRAY);
              warpAffine(grey, cropMask, toCrop, s, INTER_NEAREST, BORDER_CONSTANT, zero);
            }
            write(masksDir.resolve(stem + ".png"), cropMask);
          }
          Npy.writeFloat32(landmarksDir.resolve(stem + ".npy"), landmarks(face, align.toCrop()));
        }
      }
    }
  }

  private static void write(Path file, Mat image) {
    if (!imwrite(file.toString(), image)) {
      throw DoppelException.processing("cannot write " + file);
    }
  }

  /**
   * The faces to crop from a video of {@code frameCount} frames: per sampled frame, the largest
   * face of the annotations (of the swapped ones, for a fake). Read once per clip, used for every
   * compression level.
   */
  Map<Long, JsonNode> facesToCrop(Path annotations, long frameCount, boolean swapped)
      throws IOException {
    long[] wanted = sample(frameCount, frames);
    Set<Long> want = new TreeSet<>();
    for (long w : wanted) want.add(w);
    Map<Long, JsonNode> out = new HashMap<>();
    try (BufferedReader r = Files.newBufferedReader(annotations)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        JsonNode frame = Json.MAPPER.readTree(line);
        long index = frame.get("frame").asLong();
        if (!want.contains(index)) continue;
        JsonNode best = null;
        for (JsonNode f : frame.get("faces")) {
          if (swapped && !f.get("swapped").asBoolean()) continue;
          if (best == null || area(f) > area(best)) best = f;
        }
        if (best != null) out.put(index, best.get("face"));
      }
    }
    return out;
  }

  private static double area(JsonNode annotated) {
    JsonNode box = annotated.get("face").get("box");
    return box.get(2).asDouble() * box.get(3).asDouble();
  }

  /**
   * The points DeepfakeBench's preprocessing aligns on: dlib's points 37 and 44 (upper lids), 30
   * (nose tip), 49 and 55 (beside the mouth corners), here from the mesh through {@link Ibug81}, so
   * the crops are framed as DeepfakeBench's own crops of FaceForensics++ are.
   */
  private static List<Point2> alignmentPoints(JsonNode face) {
    List<Point2> ibug = Ibug81.of(meshRows(face));
    return List.of(ibug.get(37), ibug.get(44), ibug.get(30), ibug.get(49), ibug.get(55));
  }

  private static double[][] meshRows(JsonNode face) {
    JsonNode mesh = face.get("landmarks");
    double[][] rows = new double[mesh.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new double[] {mesh.get(i).get(0).asDouble(), mesh.get(i).get(1).asDouble()};
    }
    return rows;
  }

  private static float[][] landmarks(JsonNode face, Affine toCrop) {
    List<Point2> points = Ibug81.of(meshRows(face));
    float[][] out = new float[points.size()][];
    for (int i = 0; i < out.length; i++) {
      Point2 q = toCrop.apply(points.get(i));
      out[i] = new float[] {(float) q.x(), (float) q.y()};
    }
    return out;
  }

  /** One video of the index. */
  record Video(String label, List<String> frames, List<String> masks) {}

  /**
   * The index of every compression level (driver side), from the files the workers stored.
   *
   * @param files every file of the dataset, relative to its folder
   * @return index file (relative) to its content
   */
  Map<String, Object> indexes(
      DatasetSpec spec, DatasetPlanner.Plan plan, java.util.Collection<String> files) {
    Map<String, List<String>> crops = new HashMap<>(); // frames folder -> crop file names
    for (String f : files) {
      if (!f.startsWith(FOLDER + "/") || !f.endsWith(".png") || !f.contains("/frames/")) continue;
      int slash = f.lastIndexOf('/');
      crops
          .computeIfAbsent(f.substring(0, slash), k -> new ArrayList<>())
          .add(f.substring(slash + 1));
    }
    Map<String, Object> out = new TreeMap<>();
    for (String level : spec.compression()) {
      Map<String, Map<String, Video>> real = splits();
      Map<String, Map<String, Video>> fake = splits();
      plan.identityOfClip()
          .forEach(
              (clip, identity) ->
                  add(
                      real,
                      plan.split().get(identity),
                      clip,
                      REAL,
                      realFrames(level, clip),
                      crops));
      for (ClipJob job : plan.jobs()) {
        if (job instanceof ClipJob.Fake f) {
          add(
              fake,
              f.split(),
              f.method() + "_" + f.name(),
              FAKE,
              fakeFrames(level, f.method(), f.name()),
              crops);
        }
      }
      Map<String, Object> labels = new LinkedHashMap<>();
      labels.put(REAL, real);
      labels.put(FAKE, fake);
      out.put(index(spec.name(), level), Map.of(datasetName(spec.name(), level), labels));
    }
    return out;
  }

  private static Map<String, Map<String, Video>> splits() {
    Map<String, Map<String, Video>> m = new LinkedHashMap<>();
    for (String s : List.of("train", "val", "test")) m.put(s, new TreeMap<>());
    return m;
  }

  private void add(
      Map<String, Map<String, Video>> bySplit,
      String split,
      String video,
      String label,
      String folder,
      Map<String, List<String>> crops) {
    List<String> names = crops.get(folder);
    if (names == null || names.isEmpty()) return; // no face in any sampled frame
    List<String> sorted =
        names.stream()
            .sorted(Comparator.comparingLong(n -> Long.parseLong(n.substring(0, n.indexOf('.')))))
            .toList();
    String prefix = root.endsWith("/") ? root : root + "/";
    bySplit
        .get(split)
        .put(
            video,
            new Video(
                label,
                sorted.stream().map(n -> prefix + folder + "/" + n).toList(),
                sorted.stream().map(n -> prefix + beside(folder, "masks") + "/" + n).toList()));
  }
}
