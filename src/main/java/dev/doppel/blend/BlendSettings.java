package dev.doppel.blend;

/**
 * How a rendered face is pasted back.
 *
 * @param erode shrink the mask by this fraction of the face size before feathering
 * @param feather blur the mask edge by this fraction of the face size
 * @param colour colour transfer to the target's skin; null = the model's default (LAB for pair
 *     models, whose training colours differ from the target's; none for one-shot models, which
 *     render the target's own lighting)
 * @param mode feathered alpha blend, or Poisson (OpenCV seamlessClone) on top of it
 * @param keepMouth leave the target's mouth opening (inside the inner lips) as it was
 */
public record BlendSettings(
    double erode, double feather, ColourTransfer colour, Mode mode, boolean keepMouth) {
  public enum Mode {
    FEATHER,
    POISSON
  }

  /** NONE; LAB mean/deviation (Reinhard); HISTOGRAM: per-channel histogram matching in LAB. */
  public enum ColourTransfer {
    NONE,
    LAB,
    HISTOGRAM
  }

  public BlendSettings withColour(ColourTransfer c) {
    return new BlendSettings(erode, feather, c, mode, keepMouth);
  }

  public static BlendSettings defaults() {
    return new BlendSettings(0.04, 0.06, ColourTransfer.LAB, Mode.FEATHER, false);
  }
}
