package dev.doppel.tools;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The summary figures the evaluation tools print. */
final class Stats {
  private Stats() {}

  static double mean(List<Double> v) {
    return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** The value below which a share {@code q} of the values lie (nearest rank). */
  static double quantile(List<Double> v, double q) {
    if (v.isEmpty()) return Double.NaN;
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return s.get((int) Math.min(s.size() - 1, Math.floor(q * s.size())));
  }
}
