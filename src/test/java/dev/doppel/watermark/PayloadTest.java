package dev.doppel.watermark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PayloadTest {
  private static double[] soft(int[] chips, double size) {
    double[] soft = new double[chips.length];
    for (int i = 0; i < chips.length; i++) soft[i] = chips[i] * size;
    return soft;
  }

  @Test
  void anyTwoOutputIdsDifferInAtLeastTwelveChips() {
    // the code is linear: its distance is the least weight of a nonzero codeword; all 2^24 - 1 of
    // them, in Gray-code order
    long word = 0;
    int least = Integer.MAX_VALUE;
    for (int g = 1; g < 1 << 24; g++) {
      word ^= Payload.codeword(1 << Integer.numberOfTrailingZeros(g));
      least = Math.min(least, Long.bitCount(word));
    }
    assertEquals(12, least);
  }

  @Test
  void hexRoundTripsAndChipsDecodeToThePayload() {
    Payload p = new Payload(Payload.DOPPEL, 0xABCDEF);
    assertEquals("44abcdef", p.hex());
    assertEquals(p, Payload.parse(p.hex()));
    assertEquals(Payload.BITS, p.chips().length);
    assertEquals(p, Payload.fromSigns(soft(p.chips(), 0.4)));
    assertEquals(p, Payload.fromSoft(soft(p.chips(), 0.4)));
  }

  @Test
  void unsureWrongChipsAreCorrectedAndSureOnesAreNotMistaken() {
    Random r = new Random(7);
    for (int trial = 0; trial < 300; trial++) {
      Payload p = new Payload(Payload.DOPPEL, r.nextInt(1 << 24));
      double[] soft = soft(p.chips(), 1);
      // up to 8 wrong chips, each less sure than every right one: corrected
      int wrong = 1 + r.nextInt(8);
      for (int k = 0; k < wrong; k++) {
        int i = r.nextInt(Payload.BITS);
        soft[i] = -0.1 * Math.signum(soft[i]) * (1 + r.nextDouble());
      }
      assertEquals(p, Payload.fromSoft(soft), "trial " + trial);
      // 5 wrong chips as sure as the right ones: beyond the decoder, which says so rather than
      // naming another output (the nearest other codeword is at least 7 chips further)
      double[] sure = soft(p.chips(), 1);
      for (int i : r.ints(0, Payload.BITS).distinct().limit(5).toArray()) sure[i] = -sure[i];
      assertNull(Payload.fromSoft(sure), "trial " + trial);
    }
  }

  @Test
  void noiseAndOtherToolsDoNotDecode() {
    Random r = new Random(11);
    int decoded = 0;
    for (int trial = 0; trial < 20_000; trial++) {
      double[] soft = new double[Payload.BITS];
      for (int i = 0; i < soft.length; i++) soft[i] = r.nextGaussian();
      if (Payload.fromSoft(soft) != null) decoded++;
    }
    // odds of 1 in 65,536 per try: 0.3 expected in 20,000
    assertTrue(decoded <= 2, decoded + " of 20,000 noise vectors decoded");
    assertNull(Payload.fromSoft(soft(new Payload(0x45, 0x123456).chips(), 1)));
  }
}
