package dev.doppel.swap;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Renders a new face into an aligned crop: a pair model ({@link PairSwapper}) or a one-shot model
 * with a fixed source identity ({@link OneShotSwapper}). One instance serves one thread.
 */
public interface Swapper extends AutoCloseable {
  /** The model: its crop size and alignment template. */
  ModelInfo info();

  /** Renders a BGR 8-bit crop of the model's size; the caller closes the result. */
  SwapOutput swap(Mat crop);

  @Override
  void close();
}
