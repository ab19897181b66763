package dev.doppel.video;

/** An exact fraction, as FFmpeg uses for time bases and frame rates. */
public record Rational(int num, int den) {
  public Rational {
    if (den == 0) throw new IllegalArgumentException("denominator 0");
  }

  public double toDouble() {
    return (double) num / den;
  }

  /** Converts ticks of this time base to the nearest microsecond. */
  public long ticksToMicros(long ticks) {
    return Math.round(ticks * 1_000_000.0 * num / den);
  }

  /** Converts microseconds to the nearest count of ticks of this time base. */
  public long microsToTicks(long micros) {
    return Math.round(micros * (double) den / (1_000_000.0 * num));
  }

  @Override
  public String toString() {
    return num + "/" + den;
  }
}
