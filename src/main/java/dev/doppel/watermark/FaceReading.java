package dev.doppel.watermark;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.subtract;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.doppel.face.Affine;
import dev.doppel.face.Alignment;
import dev.doppel.face.FivePoints;
import dev.doppel.face.Landmarks;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * What embedder and detector both measure on a face: its canonical crop (aligned by the whole
 * mesh), the luma high-passed (a Gaussian of {@value #SIGMA} canonical pixels subtracted, which
 * removes shading and any added brightness) and averaged per block, and each chip's projection onto
 * its carrier.
 *
 * @param cells high-passed block means by grid cell
 */
record FaceReading(double[] cells) {
  static final double SIGMA = 5.0;

  /** The mesh's RMS radius in the crop, as a fraction of its side. */
  static final double MESH_RADIUS = 0.3;

  /** {@code frame}: BGR, or one channel of full-range luma (a decoded video's Y plane). */
  static FaceReading of(Mat frame, Landmarks mesh) {
    try (Mat crop = alignment(mesh).crop(frame)) {
      return ofCanonical(crop);
    }
  }

  /**
   * The canonical crop's alignment: the mesh's centroid to the crop's centre, its RMS radius to
   * {@value #MESH_RADIUS} of the side, its eye line level. An average over 468 points moves less
   * between two runs of the mesh than the five points do.
   */
  static Alignment alignment(Landmarks mesh) {
    int n = mesh.size();
    double cx = 0;
    double cy = 0;
    for (int i = 0; i < n; i++) {
      cx += mesh.x(i) / n;
      cy += mesh.y(i) / n;
    }
    double r2 = 0;
    for (int i = 0; i < n; i++) {
      double dx = mesh.x(i) - cx;
      double dy = mesh.y(i) - cy;
      r2 += (dx * dx + dy * dy) / n;
    }
    FivePoints five = mesh.fivePoints();
    double angle =
        Math.atan2(
            five.rightEye().y() - five.leftEye().y(), five.rightEye().x() - five.leftEye().x());
    double scale = Pattern.SIDE * MESH_RADIUS / Math.sqrt(r2);
    double cos = Math.cos(-angle) * scale;
    double sin = Math.sin(-angle) * scale;
    double tx = Pattern.SIDE / 2.0 - (cos * cx - sin * cy);
    double ty = Pattern.SIDE / 2.0 - (sin * cx + cos * cy);
    return new Alignment(Affine.similarity(scale, -angle, tx, ty), Pattern.SIDE);
  }

  private static FaceReading ofCanonical(Mat canonical) {
    try (Mat gray = new Mat();
        Mat f = new Mat();
        Mat blur = new Mat();
        Mat small = new Mat();
        Size none = new Size(0, 0);
        Size grid = new Size(Pattern.GRID, Pattern.GRID)) {
      if (canonical.channels() == 1) canonical.convertTo(f, CV_32F);
      else {
        cvtColor(canonical, gray, COLOR_BGR2GRAY);
        gray.convertTo(f, CV_32F);
      }
      GaussianBlur(f, blur, none, SIGMA);
      subtract(f, blur, f);
      resize(f, small, grid, 0, 0, INTER_AREA);
      return new FaceReading(values(small));
    }
  }

  private static double[] values(Mat grid) {
    double[] v = new double[Pattern.GRID * Pattern.GRID];
    try (FloatIndexer idx = grid.createIndexer()) {
      for (int r = 0; r < Pattern.GRID; r++) {
        for (int c = 0; c < Pattern.GRID; c++) v[r * Pattern.GRID + c] = idx.get(r, c);
      }
    }
    return v;
  }

  /** Each chip's projection, in levels: the carrier-weighted mean of the block values. */
  double[] projections() {
    Pattern p = Pattern.INSTANCE;
    double[] q = new double[Payload.BITS];
    for (int i = 0; i < Payload.BITS; i++) {
      double s = 0;
      for (int k = 0; k < Pattern.BLOCKS; k++) s += p.carriers[i][k] * cells[p.blockIndex[k]];
      q[i] = s / Pattern.BLOCKS;
    }
    return q;
  }

  /** Each chip's soft value at gain 1, +1 (surely chip +1) to -1. */
  double[] soft() {
    double[] q = projections();
    for (int i = 0; i < q.length; i++) q[i] = Lattice.soft(i, q[i], 1.0);
    return q;
  }
}
