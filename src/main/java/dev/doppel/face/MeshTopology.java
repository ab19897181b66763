package dev.doppel.face;

/**
 * Named vertices of MediaPipe's 468-point canonical face mesh. "Right" and "left" are the
 * subject's: the subject's right eye appears on the image's left.
 */
@SuppressWarnings("MutablePublicArray") // read in hot loops; nothing writes them
public final class MeshTopology {
  private MeshTopology() {}

  public static final int NOSE_TIP = 1;
  public static final int FOREHEAD_TOP = 10;
  public static final int CHIN = 152;
  public static final int RIGHT_CHEEK = 234;
  public static final int LEFT_CHEEK = 454;
  public static final int RIGHT_EYE_OUTER = 33;
  public static final int LEFT_EYE_OUTER = 263;
  public static final int MOUTH_RIGHT_CORNER = 61;
  public static final int MOUTH_LEFT_CORNER = 291;
  public static final int UPPER_LIP_INNER = 13;
  public static final int LOWER_LIP_INNER = 14;

  /** Outline of the face, clockwise from the top of the forehead. */
  public static final int[] FACE_OVAL = {
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109
  };

  /** Subject's right eye contour (image left). */
  public static final int[] RIGHT_EYE = {
    33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246
  };

  /** Subject's left eye contour (image right). */
  public static final int[] LEFT_EYE = {
    263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466
  };

  /** Outer lip contour. */
  public static final int[] LIPS_OUTER = {
    61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185
  };

  /** Inner lip contour (the mouth opening). */
  public static final int[] LIPS_INNER = {
    78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191
  };

  /** Upper eyelid points of each eye, which move down in a blink. */
  public static final int[] RIGHT_UPPER_LID = {246, 161, 160, 159, 158, 157, 173};

  public static final int[] LEFT_UPPER_LID = {466, 388, 387, 386, 385, 384, 398};

  /**
   * The contours a face set's index names for training (extract writes them to faceset.json;
   * training/faceset.py reads them there instead of keeping its own copy of the indices).
   */
  public static java.util.Map<String, int[]> regions() {
    java.util.Map<String, int[]> m = new java.util.LinkedHashMap<>();
    m.put("face_oval", FACE_OVAL.clone());
    m.put("right_eye", RIGHT_EYE.clone());
    m.put("left_eye", LEFT_EYE.clone());
    m.put("lips_outer", LIPS_OUTER.clone());
    m.put("lips_inner", LIPS_INNER.clone());
    return m;
  }
}
