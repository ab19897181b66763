package dev.doppel.watermark;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.multiply;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import dev.doppel.face.Affine;
import dev.doppel.face.Alignment;
import dev.doppel.face.Box;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.Landmarks;
import dev.doppel.face.Point2;
import dev.doppel.face.PolygonFill;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Adds the invisible watermark to the faces Doppel altered in a frame. The faces are found again on
 * the swapped frame by the detector's own tracker ({@link WatermarkScan#SETTINGS}), because a
 * swapped face's landmarks differ from the input's by pixels and the mark is read through them;
 * each altered face is then marked by quantisation index modulation ({@link Lattice}): every chip's
 * projection moved to its bit's nearest lattice point, the moves drawn as the carriers in the
 * canonical crop, warped onto the face oval, and the face read again and corrected ({@value
 * #PASSES} passes: the warp, the oval's edge and 8-bit rounding lose part of each move).
 *
 * <p>Frames must come in order, each exactly once (the tracker follows faces from frame to frame).
 * One embedder per output: it holds the payload and the tracker, which it closes.
 */
public final class WatermarkEmbedder implements AutoCloseable {
  /** The scheme's name in sidecars and manifests: its layout and key are fixed by the name. */
  public static final String SCHEME = "doppel-face-qim-2";

  static final int PASSES = 3;

  /** How much a re-found face must overlap a swapped one to count as altered. */
  private static final double SAME_FACE_IOU = 0.3;

  private final Payload payload;
  private final int[] chips;
  private final FaceTracker tracker = new FaceTracker(WatermarkScan.SETTINGS);

  public WatermarkEmbedder(Payload payload) {
    this.payload = payload;
    this.chips = payload.chips();
  }

  public Payload payload() {
    return payload;
  }

  /**
   * Marks the faces of {@code frame} (already swapped, at {@code seconds}) that overlap one of
   * {@code swapped}; call it for every frame, also those with nothing swapped.
   */
  public void mark(Mat frame, double seconds, List<Face> swapped) {
    List<Face> found = tracker.next(frame, seconds);
    for (Face f : found) {
      if (swapped.stream().noneMatch(s -> s.box().iou(f.box()) > SAME_FACE_IOU)) continue;
      try (Rect region = clamp(f.box(), frame)) {
        if (region.width() < 8 || region.height() < 8) continue;
        try (Mat alpha = oval(f.maskPolygon(), region)) {
          embed(frame, f.landmarks(), region, alpha);
        }
      }
    }
  }

  private void embed(Mat frame, Landmarks mesh, Rect region, Mat alpha) {
    Alignment a = FaceReading.alignment(mesh);
    for (int pass = 0; pass < PASSES; pass++) {
      FaceReading r = FaceReading.of(frame, mesh);
      double[] q = r.projections();
      double[] move = new double[Payload.BITS];
      for (int i = 0; i < Payload.BITS; i++) {
        move[i] = Lattice.nearest(i, chips[i], q[i]) - q[i];
      }
      // the first pass overshoots a little: the warp and the oval's edge keep ~3/4 of a move
      draw(frame, a, region, alpha, move, pass == 0 ? 1.3 : 1.0);
    }
  }

  private static void draw(
      Mat frame, Alignment a, Rect region, Mat alpha, double[] move, double boost) {
    Pattern p = Pattern.INSTANCE;
    Affine toRegion = Affine.similarity(1, 0, -region.x(), -region.y()).after(a.toFrame());
    try (Mat cells = new Mat(Pattern.GRID, Pattern.GRID, CV_32F, new Scalar(0.0));
        Mat canonical = new Mat();
        Mat inRegion = new Mat();
        Mat bgr = new Mat();
        Mat m = toRegion.toMat();
        Size side = new Size(Pattern.SIDE, Pattern.SIDE);
        Size regionSize = new Size(region.width(), region.height());
        Scalar zero = new Scalar(0.0);
        Mat noMask = new Mat();
        Mat target = frame.apply(region)) {
      try (FloatIndexer idx = cells.createIndexer()) {
        for (int k = 0; k < Pattern.BLOCKS; k++) {
          double v = 0;
          for (int i = 0; i < Payload.BITS; i++) v += move[i] * p.carriers[i][k];
          int cell = p.blockIndex[k];
          idx.put(cell / Pattern.GRID, cell % Pattern.GRID, (float) (v * boost));
        }
      }
      resize(cells, canonical, side, 0, 0, INTER_LINEAR);
      warpAffine(canonical, inRegion, m, regionSize, INTER_LINEAR, BORDER_CONSTANT, zero);
      multiply(inRegion, alpha, inRegion);
      cvtColor(inRegion, bgr, COLOR_GRAY2BGR);
      add(target, bgr, target, noMask, CV_8U);
    }
  }

  private static Rect clamp(Box b, Mat frame) {
    int x0 = Math.max(0, (int) Math.floor(b.x()));
    int y0 = Math.max(0, (int) Math.floor(b.y()));
    int x1 = Math.min(frame.cols(), (int) Math.ceil(b.x() + b.width()));
    int y1 = Math.min(frame.rows(), (int) Math.ceil(b.y() + b.height()));
    return new Rect(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  }

  /** 1 inside the face oval, 0 outside, as 32-bit float the size of {@code region}. */
  private static Mat oval(List<Point2> outline, Rect region) {
    Mat alpha = new Mat(region.height(), region.width(), CV_32F, new Scalar(0.0));
    PolygonFill.fill(alpha, outline, Affine.similarity(1, 0, -region.x(), -region.y()), 1.0);
    return alpha;
  }

  @Override
  public void close() {
    tracker.close();
  }
}
