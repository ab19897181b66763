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
 * with {@link Payload#fromSoft}. The sums are taken at each gain of {@link Lattice#SCALES} and the
 * gain whose sums are largest (the lattice the faces agree with) decides; a brightened or darkened
 * copy is read at its gain. A single frame counts as marked when its own signs, at that gain, carry
 * Doppel's payload exactly.
 */
public final class WatermarkDetector {
  private final Map<Integer, List<double[]>> tracks = new LinkedHashMap<>();

  /**
   * The verdict over everything read: the best track (one that decodes, else the longest).
   *
   * @param found whether a payload decoded
   * @param payload what it carries, null when none
   * @param confidence mean |summed chip| per frame, 0..1 (unmarked faces: ~0.1-0.2)
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

  /** Reads the faces of one frame. */
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
    // the faces' own consistency makes every gain look alike in confidence, so a gain counts only
    // when its sums decode: first the most confident that does, else gain 1
    double gain = 1;
    double bestConfidence = -1;
    Payload p = null;
    for (double g : Lattice.SCALES) {
      double[] s = new double[Payload.BITS];
      for (double[] q : frames) {
        for (int i = 0; i < Payload.BITS; i++) s[i] += Lattice.soft(i, q[i], g);
      }
      double confidence = 0;
      for (double v : s) confidence += Math.abs(v / n) / Payload.BITS;
      Payload decoded = Payload.fromSoft(s);
      if (decoded != null ? p == null || confidence > bestConfidence : p == null && g == 1.0) {
        p = decoded;
        gain = g;
        bestConfidence = confidence;
      }
    }
    Payload against = sent != null ? sent : p;
    int[] chips = against != null ? against.chips() : null;
    int marked = 0;
    double agreement = 0;
    double[] soft = new double[Payload.BITS];
    for (double[] q : frames) {
      int agree = 0;
      for (int i = 0; i < Payload.BITS; i++) {
        soft[i] = Lattice.soft(i, q[i], gain);
        if (chips != null && Math.signum(soft[i]) == chips[i]) agree++;
      }
      if (Payload.fromSigns(soft) != null) marked++;
      agreement += agree / (double) Payload.BITS / n;
    }
    return new Result(p != null, p, bestConfidence, gain, n, marked, agreement);
  }
}
