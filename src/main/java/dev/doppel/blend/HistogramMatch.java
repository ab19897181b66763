package dev.doppel.blend;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2Lab;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_Lab2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import java.util.Arrays;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Colour transfer by histogram matching: each LAB channel of the rendered face, inside the mask, is
 * remapped so its distribution (by rank) becomes the target's. Stronger than mean/deviation
 * transfer when the lighting is uneven; more prone to noise on tiny masks.
 */
final class HistogramMatch {
  private HistogramMatch() {}

  /** face: CV_32FC3 BGR in [0,1]; target: 8-bit BGR; alpha: CV_32FC1. Returns a new Mat. */
  static Mat inLab(Mat face, Mat target8u, Mat alpha) {
    try (Mat targetF = new Mat();
        Mat faceLab = new Mat();
        Mat targetLab = new Mat()) {
      target8u.convertTo(targetF, CV_32FC3, 1 / 255.0, 0);
      cvtColor(face, faceLab, COLOR_BGR2Lab);
      cvtColor(targetF, targetLab, COLOR_BGR2Lab);
      int rows = face.rows();
      int cols = face.cols();
      try (FloatIndexer a = alpha.createIndexer();
          FloatIndexer f = faceLab.createIndexer();
          FloatIndexer t = targetLab.createIndexer()) {
        int n = 0;
        int[] inside = new int[rows * cols];
        for (int i = 0; i < rows * cols; i++) {
          if (a.get(i / cols, i % cols) > 0.5f) inside[n++] = i;
        }
        if (n >= 16) {
          for (int c = 0; c < 3; c++) match(f, t, inside, n, cols, c);
        }
      }
      Mat out = new Mat();
      cvtColor(faceLab, out, COLOR_Lab2BGR);
      return out;
    }
  }

  /** Sorts both channels' values inside the mask and gives each face pixel its rank's value. */
  private static void match(
      FloatIndexer face, FloatIndexer target, int[] inside, int n, int cols, int c) {
    float[] targetValues = new float[n];
    long[] faceKeys = new long[n];
    for (int k = 0; k < n; k++) {
      int y = inside[k] / cols;
      int x = inside[k] % cols;
      targetValues[k] = target.get(y, x, c);
      // pack (value, index) so sorting the longs orders pixels by value
      faceKeys[k] = ((long) Float.floatToIntBits(face.get(y, x, c) + 1000f) << 32) | k;
    }
    Arrays.sort(targetValues);
    Arrays.sort(faceKeys);
    for (int rank = 0; rank < n; rank++) {
      int k = (int) faceKeys[rank];
      int y = inside[k] / cols;
      int x = inside[k] % cols;
      face.put(y, x, c, targetValues[rank]);
    }
  }
}
