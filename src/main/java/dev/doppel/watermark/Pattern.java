package dev.doppel.watermark;

import java.util.Arrays;
import java.util.Random;

/**
 * The watermark's carriers, in a canonical face crop of {@value #SIDE} pixels (see {@link
 * FaceReading#alignment}) cut into a {@value #GRID}x{@value #GRID} grid of blocks, of which the
 * {@value #BLOCKS} nearest the centre (the inner face, inside what a swap replaces) carry the mark.
 * Each of the 48 chips has its own carrier: a row of a Hadamard matrix of order 128 (never the
 * constant row) over those blocks, their order and signs scrambled by a fixed key. The rows stay
 * exactly orthogonal and zero-mean, so chips do not disturb each other and an added brightness adds
 * nothing to any of them.
 */
final class Pattern {
  static final int SIDE = 64;
  static final int GRID = 16;
  static final int BLOCKS = 128;
  private static final long KEY = 0x446f7070656c574dL; // "DoppelWM"

  /** blockIndex[k]: the grid cell (row * GRID + col) of carrier position k. */
  final int[] blockIndex = new int[BLOCKS];

  /** carriers[i][k]: +1/-1, chip i's value on block k. */
  final int[][] carriers = new int[Payload.BITS][BLOCKS];

  static final Pattern INSTANCE = new Pattern();

  private Pattern() {
    // the BLOCKS cells nearest the crop centre
    Integer[] cells = new Integer[GRID * GRID];
    for (int i = 0; i < cells.length; i++) cells[i] = i;
    Arrays.sort(
        cells,
        (a, b) -> {
          int byDistance = Double.compare(distance(a), distance(b));
          return byDistance != 0 ? byDistance : Integer.compare(a, b);
        });
    Random random = new Random(KEY);
    int[] order = new int[BLOCKS];
    for (int k = 0; k < BLOCKS; k++) order[k] = k;
    for (int k = BLOCKS - 1; k > 0; k--) {
      int j = random.nextInt(k + 1);
      int t = order[k];
      order[k] = order[j];
      order[j] = t;
    }
    int[] sign = new int[BLOCKS];
    for (int k = 0; k < BLOCKS; k++) {
      blockIndex[k] = cells[order[k]];
      sign[k] = random.nextBoolean() ? 1 : -1;
    }
    for (int i = 0; i < Payload.BITS; i++) {
      int row = 1 + i * 2; // distinct non-constant rows
      for (int k = 0; k < BLOCKS; k++) carriers[i][k] = hadamard(row, k) * sign[k];
    }
  }

  private static double distance(int cell) {
    int row = cell / GRID;
    int col = cell % GRID;
    double r = row + 0.5 - GRID * 0.55;
    double c = col + 0.5 - GRID * 0.5;
    return r * r + c * c;
  }

  /** Sylvester's Hadamard matrix: (-1)^popcount(row & col). */
  private static int hadamard(int row, int col) {
    return Integer.bitCount(row & col) % 2 == 0 ? 1 : -1;
  }
}
