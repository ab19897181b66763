package dev.doppel.watermark;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What the watermark carries: 32 bits, a tool id (8 bits, Doppel's is 0x44) and an output id (24
 * bits, random per output, recorded in its sidecar and C2PA manifest), sent followed by a CRC-16
 * (CCITT) of those 32 bits: 48 chips. The CRC and the tool id are what tell a mark from chance.
 */
public record Payload(int toolId, int outputId) {
  public static final int DOPPEL = 0x44;
  static final int BITS = 48;

  /** How many of the least reliable chips the decoder may flip (Chase decoding). */
  static final int FLIPPABLE = 8;

  public Payload {
    if (toolId < 0 || toolId > 0xFF) throw new IllegalArgumentException("tool id is 8 bits");
    if (outputId < 0 || outputId > 0xFF_FFFF) {
      throw new IllegalArgumentException("output id is 24 bits");
    }
  }

  /** A new output id for one of Doppel's outputs. */
  public static Payload newOutput() {
    return new Payload(DOPPEL, new SecureRandom().nextInt(1 << 24));
  }

  public int value() {
    return (toolId << 24) | outputId;
  }

  /** The payload of 8 hex digits (as {@link #hex} writes them). */
  public static Payload parse(String hex) {
    int v = Integer.parseUnsignedInt(hex, 16);
    return new Payload(v >>> 24, v & 0xFF_FFFF);
  }

  /** 8 hex digits, as the sidecar and the manifest record it. */
  public String hex() {
    return String.format("%08x", value());
  }

  /** The 48 chips sent, as +1/-1: the 32 payload bits, most significant first, then the CRC. */
  int[] chips() {
    long word = ((long) value() << 16) | crc16(value());
    int[] chips = new int[BITS];
    for (int i = 0; i < BITS; i++) chips[i] = ((word >>> (BITS - 1 - i)) & 1) == 1 ? 1 : -1;
    return chips;
  }

  /** Doppel's payload whose chips have exactly these signs, or null. */
  static Payload fromSigns(double[] soft) {
    long word = 0;
    for (int i = 0; i < BITS; i++) word = (word << 1) | (soft[i] > 0 ? 1 : 0);
    int value = (int) (word >>> 16);
    if ((word & 0xFFFF) != crc16(value) || value >>> 24 != DOPPEL) return null;
    return new Payload(value >>> 24, value & 0xFF_FFFF);
  }

  /**
   * Doppel's payload nearest to these soft sums: their signs, else the cheapest flip of some of the
   * {@value #FLIPPABLE} least reliable chips (cost: the flipped chips' |sum|) that passes the CRC
   * and names Doppel. 256 candidates against 24 check bits: a chance decode has odds 1 in 65,536.
   */
  static Payload fromSoft(double[] soft) {
    Integer[] order = new Integer[BITS];
    for (int i = 0; i < BITS; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(Math.abs(soft[a]), Math.abs(soft[b])));
    Payload best = null;
    double bestCost = Double.MAX_VALUE;
    double[] trial = new double[BITS];
    for (int mask = 0; mask < (1 << FLIPPABLE); mask++) {
      double cost = 0;
      System.arraycopy(soft, 0, trial, 0, BITS);
      for (int k = 0; k < FLIPPABLE; k++) {
        if ((mask & (1 << k)) != 0) {
          trial[order[k]] = -trial[order[k]];
          cost += Math.abs(soft[order[k]]);
        }
      }
      if (cost >= bestCost) continue;
      Payload p = fromSigns(trial);
      if (p != null) {
        best = p;
        bestCost = cost;
      }
    }
    return best;
  }

  static int crc16(int value) {
    int crc = 0xFFFF;
    for (int b = 3; b >= 0; b--) {
      crc ^= ((value >>> (8 * b)) & 0xFF) << 8;
      for (int k = 0; k < 8; k++) {
        crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) : (crc << 1);
        crc &= 0xFFFF;
      }
    }
    return crc;
  }
}
