package dev.doppel.swap;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A model's rendering of one aligned crop: the new face (BGR, CV_32FC3 in [0,1]) and its alpha mask
 * (CV_32FC1 in [0,1]), both crop-sized. Owns both Mats.
 */
public record SwapOutput(Mat face, Mat mask) implements AutoCloseable {
  @Override
  public void close() {
    face.close();
    mask.close();
  }
}
