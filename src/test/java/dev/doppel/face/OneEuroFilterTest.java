package dev.doppel.face;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OneEuroFilterTest {
  @Test
  void stillNoisyPointIsCalmed() {
    OneEuroFilter f =
        new OneEuroFilter(
            LandmarkSmoother.MIN_CUTOFF, LandmarkSmoother.BETA, LandmarkSmoother.DERIVATIVE_CUTOFF);
    Random rnd = new Random(7);
    double rawMotion = 0;
    double smoothMotion = 0;
    double prevRaw = 100;
    double prevSmooth = f.filter(100, 0, 200);
    for (int i = 1; i < 250; i++) {
      double raw = 100 + rnd.nextGaussian() * 0.8;
      double smooth = f.filter(raw, i / 25.0, 200);
      rawMotion += Math.abs(raw - prevRaw);
      smoothMotion += Math.abs(smooth - prevSmooth);
      prevRaw = raw;
      prevSmooth = smooth;
    }
    assertTrue(smoothMotion < rawMotion / 3, "jitter " + smoothMotion + " vs raw " + rawMotion);
  }

  @Test
  void fastMotionIsFollowedWithoutLongLag() {
    OneEuroFilter f =
        new OneEuroFilter(
            LandmarkSmoother.MIN_CUTOFF, LandmarkSmoother.BETA, LandmarkSmoother.DERIVATIVE_CUTOFF);
    double out = 0;
    for (int i = 0; i < 50; i++) out = f.filter(i * 8.0, i / 25.0, 200); // 200 px/s
    assertEquals(49 * 8.0, out, 8.0, "within one frame's motion of the target");
  }
}
