package dev.doppel.face;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * MediaPipe's weighted non-maximum suppression: candidates overlapping the best remaining one by
 * more than the IoU threshold are merged into it, box and keypoints averaged by score. This is
 * steadier from frame to frame than keeping only the best box.
 */
final class WeightedNms {
  private WeightedNms() {}

  static List<Detection> apply(List<Detection> candidates, double iouThreshold) {
    List<Detection> remaining = new ArrayList<>(candidates);
    remaining.sort(Comparator.comparingDouble(Detection::score).reversed());
    List<Detection> result = new ArrayList<>();
    while (!remaining.isEmpty()) {
      Detection best = remaining.get(0);
      List<Detection> cluster = new ArrayList<>();
      List<Detection> rest = new ArrayList<>();
      for (Detection d : remaining) {
        (d.box().iou(best.box()) > iouThreshold ? cluster : rest).add(d);
      }
      result.add(merge(best, cluster));
      remaining = rest;
    }
    return result;
  }

  private static Detection merge(Detection best, List<Detection> cluster) {
    double total = 0;
    double x = 0;
    double y = 0;
    double w = 0;
    double h = 0;
    int k = best.keypoints().size();
    double[] kx = new double[k];
    double[] ky = new double[k];
    for (Detection d : cluster) {
      double s = d.score();
      total += s;
      x += s * d.box().x();
      y += s * d.box().y();
      w += s * d.box().width();
      h += s * d.box().height();
      for (int i = 0; i < k; i++) {
        kx[i] += s * d.keypoints().get(i).x();
        ky[i] += s * d.keypoints().get(i).y();
      }
    }
    List<Point2> keypoints = new ArrayList<>(k);
    for (int i = 0; i < k; i++) keypoints.add(new Point2(kx[i] / total, ky[i] / total));
    return new Detection(
        new Box(x / total, y / total, w / total, h / total), best.score(), keypoints);
  }
}
