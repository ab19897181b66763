package dev.doppel.tools;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.doppel.face.BlazeFaceDetector;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.FivePoints;
import dev.doppel.face.Point2;
import dev.doppel.face.TrackerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Measures detection and key-point accuracy against hand-placed landmarks of the Face Research Lab
 * London Set (DeBruine &amp; Jones 2017, CC-BY 4.0;
 * https://doi.org/10.6084/m9.figshare.5047666.v5), which developers find in {@code
 * ../shared/data/london} (never in the repository).
 *
 * <p>Ground truth (neutral set only): template points 0 and 1 (pupils) and 87 and 93 (mouth
 * corners), in 1350 px coordinates (halved for the 675 px images). Error is normalised by the
 * inter-pupil distance.
 *
 * <p>Run: {@code mvn -q test-compile exec:java -Dexec.mainClass=dev.doppel.tools.LondonEvaluation
 * -Dexec.args=../shared/data/london}
 */
public final class LondonEvaluation {
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "../shared/data/london");
    if (!Files.isDirectory(root)) {
      System.err.println("LondonEvaluation: " + root + " not found (developer data, see README)");
      System.exit(2);
    }
    for (BlazeFaceDetector.Range range : BlazeFaceDetector.Range.values()) {
      for (String set : List.of("neutral", "smiling")) {
        evaluate(root.resolve(set), range);
      }
    }
  }

  static void evaluate(Path folder, BlazeFaceDetector.Range range) throws IOException {
    List<Path> images;
    try (var list = Files.list(folder)) {
      images = list.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
    }
    List<Double> eyeErrors = new ArrayList<>();
    List<Double> mouthErrors = new ArrayList<>();
    int missed = 0;
    TrackerSettings settings = new TrackerSettings(range, 1, 0.5, 0.5, 4, false);
    for (Path image : images) {
      Path tem = Path.of(image.toString().replace(".jpg", ".tem"));
      List<Face> faces;
      try (Mat img = imread(image.toString());
          FaceTracker tracker = new FaceTracker(settings)) {
        faces = tracker.next(img, 0);
      }
      if (faces.size() != 1) {
        missed++;
        continue;
      }
      if (!Files.exists(tem)) continue; // the smiling set has no landmarks: detection only
      List<Point2> truth = groundTruth(tem);
      FivePoints p = faces.get(0).fivePoints();
      double iod = truth.get(0).distance(truth.get(1));
      eyeErrors.add(
          (p.leftEye().distance(truth.get(0)) + p.rightEye().distance(truth.get(1))) / 2 / iod);
      mouthErrors.add(
          (p.mouthLeft().distance(truth.get(2)) + p.mouthRight().distance(truth.get(3))) / 2 / iod);
    }
    System.out.printf(
        "%-8s %-5s images %3d, found exactly one face in %3d;"
            + " eye NME mean %.4f median %.4f p95 %.4f; mouth-corner NME mean %.4f median %.4f"
            + " p95 %.4f%n",
        folder.getFileName(),
        range,
        images.size(),
        images.size() - missed,
        Stats.mean(eyeErrors),
        Stats.quantile(eyeErrors, 0.5),
        Stats.quantile(eyeErrors, 0.95),
        Stats.mean(mouthErrors),
        Stats.quantile(mouthErrors, 0.5),
        Stats.quantile(mouthErrors, 0.95));
  }

  /** Pupils (0, 1) and mouth corners (87, 93) of a Psychomorph template, halved. */
  static List<Point2> groundTruth(Path tem) throws IOException {
    List<String> lines = Files.readAllLines(tem);
    List<Point2> out = new ArrayList<>();
    for (int index : new int[] {0, 1, 87, 93}) {
      String[] xy = lines.get(1 + index).trim().split("\\s+", -1);
      out.add(new Point2(Double.parseDouble(xy[0]) / 2, Double.parseDouble(xy[1]) / 2));
    }
    return out;
  }
}
