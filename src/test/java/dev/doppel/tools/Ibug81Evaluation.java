package dev.doppel.tools;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.doppel.face.BlazeFaceDetector;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.Ibug81;
import dev.doppel.face.Point2;
import dev.doppel.face.TrackerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * How far the iBUG points that {@link Ibug81} takes from MediaPipe's mesh lie from hand-placed
 * points of the Face Research Lab London Set (DeBruine &amp; Jones 2017, CC-BY 4.0;
 * https://doi.org/10.6084/m9.figshare.5047666.v5; developers find it in {@code
 * ../shared/data/london}). The London templates have 189 points of their own layout; these are the
 * ones whose place on the face is the same as an iBUG point's (read off the template drawn on a
 * face): eye corners, eye centres (pupils), mouth corners, the centres of the outer and inner lip
 * edges, the chin. Error is normalised by the distance of the outer eye corners (300-W's
 * convention).
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.mainClass=dev.doppel.tools.Ibug81Evaluation
 * -Dexec.args=../shared/data/london}
 */
public final class Ibug81Evaluation {
  /** iBUG index (or -1/-2: centre of the left/right eye's six points) and London point. */
  private static final int[][] PAIRS = {
    {36, 18}, {39, 22}, {42, 23}, {45, 27}, {-1, 0}, {-2, 1}, {48, 87}, {54, 93}, {51, 90},
    {57, 106}, {62, 96}, {66, 101}, {8, 129}
  };

  private static final String[] NAMES = {
    "left eye outer corner (36)",
    "left eye inner corner (39)",
    "right eye inner corner (42)",
    "right eye outer corner (45)",
    "left eye centre (36-41 / pupil)",
    "right eye centre (42-47 / pupil)",
    "mouth left corner (48)",
    "mouth right corner (54)",
    "upper lip top centre (51)",
    "lower lip bottom centre (57)",
    "upper lip inner centre (62)",
    "lower lip inner centre (66)",
    "chin (8)"
  };

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "../shared/data/london").resolve("neutral");
    if (!Files.isDirectory(root)) {
      System.err.println("Ibug81Evaluation: " + root + " not found (developer data, see README)");
      System.exit(2);
    }
    List<Path> images;
    try (var list = Files.list(root)) {
      images = list.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    List<List<Double>> errors = new ArrayList<>();
    for (int i = 0; i < PAIRS.length; i++) errors.add(new ArrayList<>());
    List<Double> all = new ArrayList<>();
    int faces = 0;
    TrackerSettings settings =
        new TrackerSettings(BlazeFaceDetector.Range.FULL, 1, 0.5, 0.5, 4, false);
    for (Path image : images) {
      Path tem = Path.of(image.toString().replace(".jpg", ".tem"));
      if (!Files.exists(tem)) continue;
      List<Face> found;
      try (Mat img = imread(image.toString());
          FaceTracker tracker = new FaceTracker(settings)) {
        found = tracker.next(img, 0);
      }
      if (found.size() != 1) continue;
      faces++;
      List<Point2> ibug = Ibug81.of(found.get(0).landmarks());
      List<String> lines = Files.readAllLines(tem);
      double iod = truth(lines, 18).distance(truth(lines, 27));
      for (int i = 0; i < PAIRS.length; i++) {
        Point2 ours = point(ibug, PAIRS[i][0]);
        double e = ours.distance(truth(lines, PAIRS[i][1])) / iod;
        errors.get(i).add(e);
        all.add(e);
      }
    }
    System.out.printf(
        Locale.ROOT, "London neutral: %d faces; NME by outer-eye-corner distance%n", faces);
    for (int i = 0; i < PAIRS.length; i++) {
      System.out.printf(
          Locale.ROOT,
          "  %-34s mean %.4f  median %.4f  p95 %.4f%n",
          NAMES[i],
          Stats.mean(errors.get(i)),
          Stats.quantile(errors.get(i), 0.5),
          Stats.quantile(errors.get(i), 0.95));
    }
    System.out.printf(
        Locale.ROOT,
        "  %-34s mean %.4f  median %.4f  p95 %.4f%n",
        "all 13 points",
        Stats.mean(all),
        Stats.quantile(all, 0.5),
        Stats.quantile(all, 0.95));
  }

  private static Point2 point(List<Point2> ibug, int index) {
    if (index >= 0) return ibug.get(index);
    int from = index == -1 ? 36 : 42;
    return Point2.mean(ibug.subList(from, from + 6).toArray(Point2[]::new));
  }

  /** A London template point, in the 675 px images' coordinates. */
  private static Point2 truth(List<String> lines, int index) {
    String[] xy = lines.get(1 + index).trim().split("\\s+", -1);
    return new Point2(Double.parseDouble(xy[0]) / 2, Double.parseDouble(xy[1]) / 2);
  }
}
