package dev.doppel.face;

import java.util.ArrayList;
import java.util.List;

/**
 * Anchor centres of MediaPipe's SSD face detectors (fixed anchor size 1, offset 0.5), in units of
 * the input size. Consecutive layers with the same stride share one grid, each layer adding two
 * anchors per cell (aspect 1 and the interpolated scale); a layer set without interpolated scales
 * adds one.
 */
final class SsdAnchors {
  private SsdAnchors() {}

  /** Short-range model: 128 px input, strides 8,16,16,16 — 16·16·2 + 8·8·6 = 896 anchors. */
  static double[][] shortRange() {
    return generate(128, new int[] {8, 16, 16, 16}, 2);
  }

  /** Full-range model: 192 px input, stride 4, one anchor per cell — 48·48 = 2304 anchors. */
  static double[][] fullRange() {
    return generate(192, new int[] {4}, 1);
  }

  private static double[][] generate(int inputSize, int[] strides, int anchorsPerLayer) {
    List<double[]> anchors = new ArrayList<>();
    int layer = 0;
    while (layer < strides.length) {
      int stride = strides[layer];
      int perCell = 0;
      while (layer < strides.length && strides[layer] == stride) {
        perCell += anchorsPerLayer;
        layer++;
      }
      int cells = (int) Math.ceil((double) inputSize / stride);
      for (int y = 0; y < cells; y++) {
        for (int x = 0; x < cells; x++) {
          for (int k = 0; k < perCell; k++) {
            anchors.add(new double[] {(x + 0.5) / cells, (y + 0.5) / cells});
          }
        }
      }
    }
    return anchors.toArray(new double[0][]);
  }
}
