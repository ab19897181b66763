package dev.doppel.face;

/**
 * One Euro filters over every coordinate of a track's mesh. Defaults are MediaPipe's face-mesh
 * smoothing settings (min cutoff 0.05 Hz, beta 80, derivative cutoff 1 Hz) in face-size units.
 */
final class LandmarkSmoother {
  static final double MIN_CUTOFF = 0.05;
  static final double BETA = 80;
  static final double DERIVATIVE_CUTOFF = 1;

  private final OneEuroFilter[] filters = new OneEuroFilter[Landmarks.COUNT * 3];

  LandmarkSmoother() {
    for (int i = 0; i < filters.length; i++) {
      filters[i] = new OneEuroFilter(MIN_CUTOFF, BETA, DERIVATIVE_CUTOFF);
    }
  }

  Landmarks smooth(Landmarks raw, double seconds) {
    Box b = raw.bounds();
    double scale = Math.max(1, (b.width() + b.height()) / 2);
    float[] xyz = raw.toArray();
    for (int i = 0; i < xyz.length; i++) {
      xyz[i] = (float) filters[i].filter(xyz[i], seconds, scale);
    }
    return new Landmarks(xyz);
  }
}
