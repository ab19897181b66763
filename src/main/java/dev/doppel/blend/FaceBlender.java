package dev.doppel.blend;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.min;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2Lab;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_Lab2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.MORPH_ELLIPSE;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_TOZERO;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_TRUNC;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.erode;
import static org.bytedeco.opencv.global.opencv_imgproc.getStructuringElement;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import dev.doppel.face.Affine;
import dev.doppel.face.Alignment;
import dev.doppel.face.Point2;
import dev.doppel.face.PolygonFill;
import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_photo;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Pastes a rendered face back into the frame: the model's mask intersected with the mesh's face
 * oval, eroded and feathered, colour-matched to the target in LAB, warped back with the exact
 * inverse of the alignment and alpha-blended. Only the face's bounding region is touched; pixels
 * where the mask is zero keep their exact values.
 */
public final class FaceBlender {
  private final BlendSettings settings;

  public FaceBlender(BlendSettings settings) {
    this.settings = settings;
  }

  /** What was written: the frame region and the alpha used there (CV_32FC1, owned). */
  public record Pasted(Rect region, Mat alpha) implements AutoCloseable {
    @Override
    public void close() {
      alpha.close();
      region.close();
    }
  }

  /**
   * Blends {@code face} (CV_32FC3 BGR in [0,1], crop-sized) into {@code frame} (8-bit BGR).
   *
   * @param modelMask the model's alpha (CV_32FC1, crop-sized)
   * @param oval the face outline in frame pixels
   * @param mouth the inner-lip outline in frame pixels, kept from the target when the settings say
   *     so
   */
  public Pasted paste(
      Mat frame,
      Alignment alignment,
      Mat face,
      Mat modelMask,
      List<Point2> oval,
      List<Point2> mouth) {
    int s = alignment.size();
    try (Mat target = alignment.crop(frame);
        Mat alpha =
            cropAlpha(s, modelMask, oval, settings.keepMouth() ? mouth : null, alignment.toCrop());
        Mat recoloured =
            switch (settings.colour()) {
              case LAB -> transferLab(face, target, alpha);
              case HISTOGRAM -> HistogramMatch.inLab(face, target, alpha);
              case NONE -> face.clone();
            }) {
      Rect region = regionOf(alignment, frame.cols(), frame.rows());
      if (region.width() <= 0 || region.height() <= 0) {
        return new Pasted(region, new Mat(1, 1, CV_32FC1));
      }
      Affine toRegion = shift(alignment.toFrame(), -region.x(), -region.y());
      Mat alphaBack = new Mat();
      try (Mat m = toRegion.toMat();
          Size size = new Size(region.width(), region.height());
          Scalar zero = new Scalar(0.0);
          Mat faceBack = new Mat();
          Mat roi = frame.apply(region)) {
        warpAffine(recoloured, faceBack, m, size, INTER_LINEAR, opencv_core.BORDER_CONSTANT, zero);
        warpAffine(alpha, alphaBack, m, size, INTER_LINEAR, opencv_core.BORDER_CONSTANT, zero);
        if (settings.mode() == BlendSettings.Mode.POISSON) {
          poisson(frame, region, faceBack, alphaBack);
        } else {
          alphaBlend(roi, faceBack, alphaBack);
        }
      }
      return new Pasted(region, alphaBack);
    }
  }

  /** Model mask ∩ face oval (minus the mouth opening, if kept), eroded and feathered. */
  Mat cropAlpha(int s, Mat modelMask, List<Point2> oval, List<Point2> keep, Affine toCrop) {
    Mat alpha = new Mat();
    try (Scalar zero = new Scalar(0.0);
        Mat ovalMask = new Mat(s, s, CV_32FC1, zero)) {
      PolygonFill.fill(ovalMask, oval, toCrop, 1.0);
      if (keep != null) PolygonFill.fill(ovalMask, keep, toCrop, 0.0);
      min(modelMask, ovalMask, alpha);
    }
    int e = (int) Math.round(settings.erode() * s);
    if (e > 0) {
      try (Size k = new Size(2 * e + 1, 2 * e + 1);
          Mat kernel = getStructuringElement(MORPH_ELLIPSE, k)) {
        erode(alpha, alpha, kernel);
      }
    }
    int f = (int) Math.round(settings.feather() * s) | 1;
    if (f > 1) {
      try (Size k = new Size(f, f)) {
        GaussianBlur(alpha, alpha, k, 0);
      }
    }
    return alpha;
  }

  /**
   * Reinhard colour transfer: the rendered face's LAB mean and deviation inside the mask are moved
   * to the target's, so the new face takes the scene's lighting and skin tone.
   */
  static Mat transferLab(Mat face, Mat target8u, Mat alpha) {
    try (Mat targetF = new Mat();
        Mat faceLab = new Mat();
        Mat targetLab = new Mat();
        Mat weight = new Mat()) {
      target8u.convertTo(targetF, CV_32FC3, 1 / 255.0, 0);
      cvtColor(face, faceLab, COLOR_BGR2Lab);
      cvtColor(targetF, targetLab, COLOR_BGR2Lab);
      threshold(alpha, weight, 0.5, 1, THRESH_BINARY);
      try (Mat binary = new Mat()) {
        weight.convertTo(binary, CV_8UC1, 255, 0);
        if (opencv_core.countNonZero(binary) < 16) return face.clone();
        try (Mat fm = new Mat();
            Mat fs = new Mat();
            Mat tm = new Mat();
            Mat ts = new Mat()) {
          opencv_core.meanStdDev(faceLab, fm, fs, binary);
          opencv_core.meanStdDev(targetLab, tm, ts, binary);
          double[] fMean = doubles(fm);
          double[] fStd = doubles(fs);
          double[] tMean = doubles(tm);
          double[] tStd = doubles(ts);
          try (MatVector channels = new MatVector()) {
            split(faceLab, channels);
            for (int c = 0; c < 3; c++) {
              double gain = tStd[c] / Math.max(fStd[c], 1e-3);
              gain = Math.max(0.5, Math.min(2.0, gain)); // keep odd lighting from exploding
              try (Mat ch = channels.get(c)) {
                ch.convertTo(ch, -1, gain, tMean[c] - gain * fMean[c]);
              }
            }
            opencv_core.merge(channels, faceLab);
          }
        }
      }
      Mat out = new Mat();
      cvtColor(faceLab, out, COLOR_Lab2BGR);
      threshold(out, out, 0, 0, THRESH_TOZERO);
      threshold(out, out, 1, 1, THRESH_TRUNC);
      return out;
    }
  }

  private static double[] doubles(Mat m) {
    double[] v = new double[3];
    try (org.bytedeco.javacpp.indexer.DoubleIndexer idx = m.createIndexer()) {
      for (int i = 0; i < 3; i++) v[i] = idx.get(i);
    }
    return v;
  }

  /** roi = alpha·face + (1 − alpha)·roi, exactly unchanged where alpha is 0. */
  private static void alphaBlend(Mat roi, Mat face, Mat alpha) {
    try (org.bytedeco.javacpp.indexer.UByteIndexer r = roi.createIndexer();
        org.bytedeco.javacpp.indexer.FloatIndexer f = face.createIndexer();
        org.bytedeco.javacpp.indexer.FloatIndexer a = alpha.createIndexer()) {
      for (int y = 0; y < roi.rows(); y++) {
        for (int x = 0; x < roi.cols(); x++) {
          float w = a.get(y, x);
          if (w <= 0) continue;
          for (int c = 0; c < 3; c++) {
            double v = w * f.get(y, x, c) * 255 + (1 - w) * r.get(y, x, c);
            r.put(y, x, c, (int) Math.max(0, Math.min(255, Math.round(v))));
          }
        }
      }
    }
  }

  /** OpenCV's seamless clone of the face region, then feathered into the frame. */
  private static void poisson(Mat frame, Rect region, Mat face, Mat alpha) {
    try (Mat face8 = new Mat();
        Mat mask8 = new Mat();
        Mat cloned = new Mat()) {
      face.convertTo(face8, CV_8UC3, 255, 0);
      alpha.convertTo(mask8, CV_8UC1, 255, 0);
      threshold(mask8, mask8, 127, 255, THRESH_BINARY);
      if (opencv_core.countNonZero(mask8) < 16) return;
      try (Rect inner = org.bytedeco.opencv.global.opencv_imgproc.boundingRect(mask8);
          Point centre =
              new Point(
                  region.x() + inner.x() + inner.width() / 2,
                  region.y() + inner.y() + inner.height() / 2);
          Scalar zero = new Scalar(0.0);
          Mat full = new Mat(frame.rows(), frame.cols(), CV_8UC3, zero);
          Mat fullMask = new Mat(frame.rows(), frame.cols(), CV_8UC1, zero);
          Mat fr = full.apply(region);
          Mat mr = fullMask.apply(region)) {
        face8.copyTo(fr);
        mask8.copyTo(mr);
        opencv_photo.seamlessClone(
            full, frame, fullMask, centre, cloned, opencv_photo.NORMAL_CLONE);
        try (Mat src = cloned.apply(region);
            Mat dst = frame.apply(region);
            Mat srcF = new Mat()) {
          src.convertTo(srcF, CV_32FC3, 1 / 255.0, 0);
          alphaBlend(dst, srcF, alpha);
        }
      }
    }
  }

  /** The frame region the crop covers, clipped to the frame. */
  static Rect regionOf(Alignment a, int width, int height) {
    Affine back = a.toFrame();
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    int s = a.size();
    for (Point2 c :
        new Point2[] {new Point2(-1, -1), new Point2(s, -1), new Point2(-1, s), new Point2(s, s)}) {
      Point2 p = back.apply(c);
      minX = Math.min(minX, p.x());
      minY = Math.min(minY, p.y());
      maxX = Math.max(maxX, p.x());
      maxY = Math.max(maxY, p.y());
    }
    int x0 = Math.max(0, (int) Math.floor(minX));
    int y0 = Math.max(0, (int) Math.floor(minY));
    int x1 = Math.min(width, (int) Math.ceil(maxX) + 1);
    int y1 = Math.min(height, (int) Math.ceil(maxY) + 1);
    return new Rect(x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  }

  private static Affine shift(Affine a, double dx, double dy) {
    return new Affine(a.a(), a.b(), a.c() + dx, a.d(), a.e(), a.f() + dy);
  }
}
