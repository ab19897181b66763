package dev.doppel.watermark;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * What the watermark carries: 32 bits, a tool id (8 bits, Doppel's is 0x44) and an output id (24
 * bits, random per output, recorded in its sidecar and C2PA manifest), as 48 chips: the output id
 * as a codeword of the extended quadratic-residue code [48, 24, 12] (any two codewords differ in at
 * least 12 chips), XOR a mask drawn from the tool id, so that a reader looks for one tool's marks.
 * The decoder flips the {@value #FLIPPABLE} least reliable chips in every way (Chase decoding) and
 * accepts the result if it is a codeword under Doppel's mask: 256 tries of 2^48 words against 2^24
 * codewords, so a face that carries no mark decodes with odds of 1 in 65,536. At most one codeword
 * is within reach of any reading (two would differ in at most 8 chips), so a marked face decodes to
 * a wrong output id only when at least 4 chips outside the 8 least reliable are wrong; the first
 * version's CRC-16 (codewords 4 chips apart) named a wrong one for 1 of 40 clips at CRF 23.
 */
public record Payload(int toolId, int outputId) {
  public static final int DOPPEL = 0x44;
  static final int BITS = 48;

  /** How many of the least reliable chips the decoder may flip (Chase decoding). */
  static final int FLIPPABLE = 8;

  private static final long CHIP_MASK = (1L << BITS) - 1;
  private static final long MASK_KEY = 0x446f7070656c4d4bL; // "DoppelMK"

  /** The code's generator: 24 codewords, row j with its lowest set bit at {@code PIVOT[j]}. */
  private static final long[] ROWS = new long[24];

  private static final int[] PIVOT = new int[24];

  static {
    // the binary quadratic-residue code of length 47 is the cyclic code spanned by the shifts of
    // sum(x^r) over the residues r mod 47; an overall parity chip extends it to length 48
    int p = 47;
    long residues = 0;
    for (int x = 1; x < p; x++) residues |= 1L << ((x * x) % p);
    long[] shifts = new long[p];
    for (int s = 0; s < p; s++) {
      shifts[s] = ((residues << s) | (residues >>> (p - s))) & ((1L << p) - 1);
    }
    int rank = 0;
    for (int col = 0; col < p && rank < ROWS.length; col++) {
      int pivot = -1;
      for (int i = rank; i < p && pivot < 0; i++) if ((shifts[i] >>> col & 1) == 1) pivot = i;
      if (pivot < 0) continue;
      long t = shifts[pivot];
      shifts[pivot] = shifts[rank];
      shifts[rank] = t;
      for (int i = 0; i < p; i++) {
        if (i != rank && (shifts[i] >>> col & 1) == 1) shifts[i] ^= shifts[rank];
      }
      PIVOT[rank++] = col;
    }
    for (int j = 0; j < ROWS.length; j++) {
      ROWS[j] = shifts[j] | (long) (Long.bitCount(shifts[j]) & 1) << p;
    }
  }

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

  /** The 48 chips sent, as +1/-1: the output id's codeword under the tool's mask. */
  int[] chips() {
    long word = codeword(outputId) ^ mask(toolId);
    int[] chips = new int[BITS];
    for (int i = 0; i < BITS; i++) chips[i] = (word >>> i & 1) == 1 ? 1 : -1;
    return chips;
  }

  static long codeword(int message) {
    long word = 0;
    for (int j = 0; j < ROWS.length; j++) if ((message >>> j & 1) == 1) word ^= ROWS[j];
    return word;
  }

  private static final long DOPPEL_MASK = mask(DOPPEL);

  private static long mask(int toolId) {
    return new java.util.SplittableRandom(MASK_KEY + toolId).nextLong() & CHIP_MASK;
  }

  /** Doppel's payload whose chips have exactly these signs, or null. */
  static Payload fromSigns(double[] soft) {
    return fromWord(signs(soft));
  }

  private static long signs(double[] soft) {
    long word = 0;
    for (int i = 0; i < BITS; i++) if (soft[i] > 0) word |= 1L << i;
    return word;
  }

  private static Payload fromWord(long chips) {
    long word = chips ^ DOPPEL_MASK;
    // the reduced generator has row j alone at column PIVOT[j]: those columns are the message
    int message = 0;
    for (int j = 0; j < ROWS.length; j++) message |= (int) (word >>> PIVOT[j] & 1) << j;
    return codeword(message) == word ? new Payload(DOPPEL, message) : null;
  }

  /**
   * Doppel's payload nearest to these soft sums: their signs, else the cheapest flip of some of the
   * {@value #FLIPPABLE} least reliable chips (cost: the flipped chips' |sum|) that is a codeword
   * under Doppel's mask.
   */
  static Payload fromSoft(double[] soft) {
    Integer[] order = new Integer[BITS];
    for (int i = 0; i < BITS; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> Double.compare(Math.abs(soft[a]), Math.abs(soft[b])));
    long word = signs(soft);
    Payload best = null;
    double bestCost = Double.MAX_VALUE;
    for (int mask = 0; mask < (1 << FLIPPABLE); mask++) {
      double cost = 0;
      long flips = 0;
      for (int k = 0; k < FLIPPABLE; k++) {
        if ((mask & (1 << k)) != 0) {
          flips |= 1L << order[k];
          cost += Math.abs(soft[order[k]]);
        }
      }
      if (cost >= bestCost) continue;
      Payload p = fromWord(word ^ flips);
      if (p != null) {
        best = p;
        bestCost = cost;
      }
    }
    return best;
  }
}
