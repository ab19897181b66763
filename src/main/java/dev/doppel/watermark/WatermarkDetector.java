package dev.doppel.watermark;

import dev.doppel.face.Face;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads the watermark back from the faces of a video or image, frame by frame. Each face gives 48
 * chip projections; a face track's soft chip values ({@link Lattice#soft}) are summed over its
 * frames (the soft combining that makes a whole clip decode when single frames do not) and decoded
 * with {@link Payload#fromSoft} at each gain of {@link Lattice#SCALES}, so that a brightened or
 * darkened copy decodes at its gain. A single frame counts as marked when its own signs, at that
 * gain, are exactly Doppel's codeword.
 */
public final class WatermarkDetector {
  private final Map<Integer, List<double[]>> tracks = new LinkedHashMap<>();

  /**
   * The verdict over everything read: the best track (one that decodes, else the longest).
   *
   * @param found whether a payload decoded
   * @param payload what it carries, null when none
   * @param confidence mean |summed soft chip| per frame at that gain, 0..1: how consistently the
   *     frames sit on one lattice point (unmarked faces: ~0.1-0.4)
   * @param gain the gain the track was read at (1 = as written)
   * @param framesRead frames of that track
   * @param framesMarked frames that decode on their own
   * @param chipAgreement per frame, the fraction of chips whose sign agrees with the payload
   *     (decoded, or the one sent when known), averaged over the frames (0 when none)
   */
  public record Result(
      boolean found,
      Payload payload,
      double confidence,
      double gain,
      int framesRead,
      int framesMarked,
      double chipAgreement) {}

  /**
   * Reads the faces of one frame: {@code image} BGR, or its full-range luma (see {@link
   * WatermarkScan}).
   */
  public void read(Mat image, List<Face> faces) {
    for (Face face : faces) {
      double[] q = FaceReading.of(image, face.landmarks()).projections();
      tracks.computeIfAbsent(face.trackId(), id -> new ArrayList<>()).add(q);
    }
  }

  public Result result() {
    return result(null);
  }

  /**
   * As {@link #result()}, with the chip agreement measured against {@code sent} (a known payload,
   * for measurements) instead of the decoded one.
   */
  public Result result(Payload sent) {
    Result best = null;
    for (List<double[]> frames : tracks.values()) {
      Result r = judge(frames, sent);
      if (best == null
          || (r.found() && !best.found())
          || (r.found() == best.found() && r.framesRead() > best.framesRead())) {
        best = r;
      }
    }
    return best != null ? best : new Result(false, null, 0, 1, 0, 0, 0);
  }

  private static Result judge(List<double[]> frames, Payload sent) {
    int n = frames.size();
    // every gain is decoded; of those that give Doppel's payload, the one whose chips agree best
    // with the sums (the lattice the faces were marked on) decides
    double gain = 1;
    double bestFit = Double.NEGATIVE_INFINITY;
    Payload p = null;
    for (double g : Lattice.SCALES) {
      double[] s = new double[Payload.BITS];
      for (double[] q : frames) {
        for (int i = 0; i < Payload.BITS; i++) s[i] += Lattice.soft(i, q[i], g);
      }
      Payload decoded = Payload.fromSoft(s);
      if (decoded == null) continue;
      double fit = fit(s, decoded.chips());
      if (fit > bestFit) {
        p = decoded;
        gain = g;
        bestFit = fit;
      }
    }
    Payload against = sent != null ? sent : p;
    int[] chips = against != null ? against.chips() : null;
    int marked = 0;
    double agreement = 0;
    double[] soft = new double[Payload.BITS];
    double[] sums = new double[Payload.BITS];
    for (double[] q : frames) {
      int agree = 0;
      for (int i = 0; i < Payload.BITS; i++) {
        soft[i] = Lattice.soft(i, q[i], gain);
        sums[i] += soft[i];
        if (chips != null && Math.signum(soft[i]) == chips[i]) agree++;
      }
      if (Payload.fromSigns(soft) != null) marked++;
      agreement += agree / (double) Payload.BITS / n;
    }
    double confidence = 0;
    for (double v : sums) confidence += Math.abs(v) / n / Payload.BITS;
    return new Result(p != null, p, confidence, gain, n, marked, agreement);
  }

  /** How well {@code chips} explain the soft sums: their correlation over the sums' total size. */
  private static double fit(double[] sums, int[] chips) {
    double agree = 0;
    double total = 0;
    for (int i = 0; i < sums.length; i++) {
      agree += sums[i] * chips[i];
      total += Math.abs(sums[i]);
    }
    return total > 0 ? agree / total : 0;
  }
}
