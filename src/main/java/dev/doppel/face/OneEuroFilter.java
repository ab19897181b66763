package dev.doppel.face;

/**
 * The One Euro filter (Casiez, Roussel, Vogel, CHI 2012): a low-pass filter whose cutoff rises with
 * speed, so a still point stops jittering while a moving one does not lag. Speed is measured in
 * face sizes per second ({@code scale} = face size in pixels), so the same settings suit near and
 * far faces; the value itself is filtered in pixels. Time comes from frame timestamps, so variable
 * frame rate is handled.
 */
final class OneEuroFilter {
  private final double minCutoff;
  private final double beta;
  private final double derivativeCutoff;
  private double previous;
  private double previousDerivative;
  private double previousSeconds = Double.NaN;

  OneEuroFilter(double minCutoff, double beta, double derivativeCutoff) {
    this.minCutoff = minCutoff;
    this.beta = beta;
    this.derivativeCutoff = derivativeCutoff;
  }

  double filter(double value, double seconds, double scale) {
    if (Double.isNaN(previousSeconds) || seconds <= previousSeconds) {
      previous = value;
      previousDerivative = 0;
      previousSeconds = seconds;
      return value;
    }
    double dt = seconds - previousSeconds;
    previousSeconds = seconds;
    double derivative = (value - previous) / dt / scale;
    previousDerivative += alpha(dt, derivativeCutoff) * (derivative - previousDerivative);
    double cutoff = minCutoff + beta * Math.abs(previousDerivative);
    previous += alpha(dt, cutoff) * (value - previous);
    return previous;
  }

  private static double alpha(double dt, double cutoff) {
    double tau = 1 / (2 * Math.PI * cutoff);
    return 1 / (1 + tau / dt);
  }
}
