package dev.doppel.face;

import java.util.ArrayList;
import java.util.List;

/**
 * MediaPipe's 468 mesh points as the 81 points DeepfakeBench reads: the 68 of the iBUG 300-W layout
 * (dlib's shape predictor) followed by 13 forehead points (dlib's 81-point model adds the hairline;
 * DeepfakeBench's detectors use them through the convex hull of all 81, so only where they lie
 * matters, not their order). Each iBUG point is the mesh vertex at the same place on the face,
 * chosen by hand on the mesh's canonical layout; "left" below is the image's left (the subject's
 * right), as in iBUG.
 *
 * <p>The forehead points are the upper half of the mesh's face oval, image left to right. The mesh
 * stops at the upper forehead, below the hairline that dlib's 81-point model guesses: these points
 * lie lower than dlib's by about a sixth of the face height (README: DeepfakeBench export).
 */
public final class Ibug81 {
  private Ibug81() {}

  /** Mesh vertex of each of the 81 points. */
  static final int[] MESH = {
    // jaw 0-16: left ear level, down to the chin (8), up to the right
    234,
    93,
    132,
    58,
    172,
    136,
    150,
    176,
    152,
    400,
    379,
    365,
    397,
    288,
    361,
    323,
    454,
    // brows 17-21 (left, outer to inner), 22-26 (right, inner to outer): their upper edge
    70,
    63,
    105,
    66,
    107,
    336,
    296,
    334,
    293,
    300,
    // nose bridge 27-30 (top to tip), nostrils 31-35 (left to right)
    168,
    197,
    5,
    4,
    98,
    97,
    2,
    326,
    327,
    // left eye 36-41: outer corner, upper lid, inner corner, lower lid
    33,
    160,
    158,
    133,
    153,
    144,
    // right eye 42-47: inner corner, upper lid, outer corner, lower lid
    362,
    385,
    387,
    263,
    373,
    380,
    // outer lips 48-59: left corner, upper lip to the right corner (54), lower lip back
    61,
    40,
    37,
    0,
    267,
    270,
    291,
    321,
    314,
    17,
    84,
    91,
    // inner lips 60-67: left corner, upper, right corner, lower
    78,
    81,
    13,
    311,
    308,
    402,
    14,
    178,
    // forehead 68-80, left to right
    162,
    21,
    54,
    103,
    67,
    109,
    10,
    338,
    297,
    332,
    284,
    251,
    389
  };

  public static final int COUNT = 81;

  /** The 81 points of a face's mesh, in the mesh's coordinates. */
  public static List<Point2> of(Landmarks mesh) {
    List<Point2> out = new ArrayList<>(COUNT);
    for (int i : MESH) out.add(mesh.point(i));
    return out;
  }

  /** The 81 points from mesh rows of {@code [x, y, ...]} (the annotations' JSON). */
  public static List<Point2> of(double[][] mesh) {
    if (mesh.length != Landmarks.COUNT) {
      throw new IllegalArgumentException("need " + Landmarks.COUNT + " mesh points");
    }
    List<Point2> out = new ArrayList<>(COUNT);
    for (int i : MESH) out.add(new Point2(mesh[i][0], mesh[i][1]));
    return out;
  }
}
