package dev.doppel.swap;

/** Settings shared by every model Doppel runs. */
public final class Swappers {
  private Swappers() {}

  /** ONNX Runtime's intra-op threads per model (see {@link OnnxPredictor#intraOpThreads()}). */
  public static int intraOpThreads() {
    return OnnxPredictor.intraOpThreads();
  }
}
