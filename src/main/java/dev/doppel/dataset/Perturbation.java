package dev.doppel.dataset;

import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.add;
import static org.bytedeco.opencv.global.opencv_core.merge;
import static org.bytedeco.opencv.global.opencv_core.split;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2YCrCb;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_YCrCb2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.List;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.RNG;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * The frame distortions of DeeperForensics-1.0 (Jiang et al., CVPR 2020), five levels each, applied
 * in place to 8-bit BGR frames, reals and fakes alike. Levels and formulas follow the authors'
 * perturbation code:
 *
 * <ul>
 *   <li>{@link #COLOR_SATURATION}: chroma (Cb, Cr deviation from neutral) scaled by 0.4, 0.3, 0.2,
 *       0.1, 0.0;
 *   <li>{@link #COLOR_CONTRAST}: every channel multiplied by 0.85, 0.725, 0.6, 0.475, 0.35 (the
 *       reference multiplies; it does not stretch about the mean);
 *   <li>{@link #BLOCK_WISE}: 16, 32, 48, 64, 80 × min(h, w) // 256 grey (128) 8x8 blocks at random
 *       places;
 *   <li>{@link #GAUSSIAN_NOISE}: noise of variance 0.001, 0.002, 0.005, 0.01, 0.05 added in
 *       studio-range YCbCr scaled to [0,1] (per 8-bit level: σ·255·255/219 on Y and σ·255·255/224
 *       on chroma);
 *   <li>{@link #GAUSSIAN_BLUR}: kernel 7, 9, 13, 17, 21, sigma kernel/6;
 *   <li>{@link #PIXELATION} (the reference calls it "JPEG"): down-scaled by 2..6 and back up,
 *       bilinear both ways;
 *   <li>{@link #VIDEO_COMPRESSION}: the clip compressed with H.264 at CRF 30, 32, 35, 38, 40 and
 *       decoded again. It acts on the stream, not on one frame, so {@link ClipRenderer} runs it
 *       (through {@link dev.doppel.video.CompressionRoundTrip}) after the frame distortions; a mix
 *       always lists it last.
 * </ul>
 *
 * Random choices (block places, noise) come from the caller's {@link Random}, so a dataset's seed
 * decides them.
 */
public enum Perturbation {
  COLOR_SATURATION(0.4, 0.3, 0.2, 0.1, 0.0),
  COLOR_CONTRAST(0.85, 0.725, 0.6, 0.475, 0.35),
  BLOCK_WISE(16, 32, 48, 64, 80),
  GAUSSIAN_NOISE(0.001, 0.002, 0.005, 0.01, 0.05),
  GAUSSIAN_BLUR(7, 9, 13, 17, 21),
  PIXELATION(2, 3, 4, 5, 6),
  VIDEO_COMPRESSION(30, 32, 35, 38, 40);

  @SuppressWarnings("ImmutableEnumChecker") // List.copyOf: unmodifiable
  private final List<Double> levels;

  Perturbation(double... levels) {
    this.levels = List.copyOf(java.util.Arrays.stream(levels).boxed().toList());
  }

  /** The parameter at level 1..5. */
  public double parameter(int level) {
    if (level < 1 || level > 5) {
      throw new IllegalArgumentException("perturbation level " + level + ": use 1 to 5");
    }
    return levels.get(level - 1);
  }

  /** Whether {@link #apply} works frame by frame (all but {@link #VIDEO_COMPRESSION}). */
  public boolean isFrameOperation() {
    return this != VIDEO_COMPRESSION;
  }

  /** Distorts {@code bgr} (8-bit, 3 channels) in place. */
  public void apply(Mat bgr, int level, Random random) {
    double p = parameter(level);
    switch (this) {
      case COLOR_SATURATION ->
          inYCrCb(
              bgr,
              channels -> {
                // chroma about its neutral value (0.5 for float input in OpenCV)
                for (int c = 1; c <= 2; c++)
                  channels.get(c).convertTo(channels.get(c), -1, p, 0.5 * (1 - p));
              });
      case COLOR_CONTRAST -> bgr.convertTo(bgr, CV_8UC3, p, 0);
      case BLOCK_WISE -> blocks(bgr, (int) p, random);
      case GAUSSIAN_NOISE -> {
        double sigma = Math.sqrt(p) * 255;
        try (RNG rng = new RNG(random.nextLong())) {
          inYCrCb(
              bgr,
              channels -> {
                for (int c = 0; c < 3; c++) {
                  Mat ch = channels.get(c);
                  double s = sigma * 255 / (c == 0 ? 219 : 224);
                  try (Scalar zeroValue = new Scalar(0.0);
                      Scalar sdValue = new Scalar(s);
                      Mat noise = new Mat(ch.rows(), ch.cols(), CV_32F);
                      Mat zero = new Mat(1, 1, CV_64F, zeroValue);
                      Mat sd = new Mat(1, 1, CV_64F, sdValue)) {
                    rng._fill(noise, RNG.NORMAL, zero, sd);
                    add(ch, noise, ch);
                  }
                }
              });
        }
      }
      case GAUSSIAN_BLUR -> {
        int k = (int) p;
        try (Size size = new Size(k, k)) {
          GaussianBlur(bgr, bgr, size, k / 6.0);
        }
      }
      case PIXELATION -> {
        int f = (int) p;
        try (Mat small = new Mat();
            Size down = new Size(bgr.cols() / f, bgr.rows() / f);
            Size up = new Size(bgr.cols(), bgr.rows())) {
          resize(bgr, small, down);
          resize(small, bgr, up);
        }
      }
      default -> throw new IllegalStateException(name() + " is not a frame operation");
    }
  }

  /** Runs {@code op} on the Y, Cr, Cb planes (float, 0..255 luma) and converts back. */
  private static void inYCrCb(Mat bgr, java.util.function.Consumer<MatVector> op) {
    try (Mat f = new Mat();
        Mat ycc = new Mat();
        MatVector channels = new MatVector()) {
      bgr.convertTo(f, CV_32FC3);
      cvtColor(f, ycc, COLOR_BGR2YCrCb);
      split(ycc, channels);
      op.accept(channels);
      merge(channels, ycc);
      cvtColor(ycc, f, COLOR_YCrCb2BGR);
      f.convertTo(bgr, CV_8UC3); // rounds and saturates to 0..255
    }
  }

  private static void blocks(Mat bgr, int perUnit, Random random) {
    int width = 8;
    int count = Math.min(bgr.rows(), bgr.cols()) / 256 * perUnit;
    try (Scalar grey = new Scalar(128, 128, 128, 0)) {
      for (int i = 0; i < count; i++) {
        int x = random.nextInt(bgr.cols() - width);
        int y = random.nextInt(bgr.rows() - width);
        try (Rect r = new Rect(x, y, width, width);
            Mat block = bgr.apply(r)) {
          block.put(grey);
        }
      }
    }
  }
}
