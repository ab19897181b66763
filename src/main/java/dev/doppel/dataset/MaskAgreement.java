package dev.doppel.dataset;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.bitwise_and;
import static org.bytedeco.opencv.global.opencv_core.bitwise_or;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import dev.doppel.DoppelException;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;

/**
 * How well a fake's mask video agrees with where its lossless (c0) copy actually differs from the
 * lossless real: per frame, the IoU of the mask with the pixels that changed in any channel. Only
 * meaningful for lossless levels without the video-compression perturbation (a lossy codec changes
 * every pixel). Frames where both are empty count as full agreement.
 */
public final class MaskAgreement {
  private MaskAgreement() {}

  /**
   * @param worstFrame index of the frame with the lowest IoU
   */
  public record Stats(long frames, double minIou, double meanIou, long worstFrame) {}

  public static Stats measure(Path real, Path fake, Path mask) {
    long n = 0;
    double sum = 0;
    double min = 1;
    long worst = -1;
    try (VideoReader a = VideoReader.open(real);
        VideoReader b = VideoReader.open(fake);
        VideoReader m = VideoReader.open(mask);
        // work images, reused frame after frame
        Mat diff = new Mat();
        MatVector planes = new MatVector();
        Mat changed = new Mat();
        Mat maskBits = new Mat();
        Mat gray = new Mat();
        Mat inter = new Mat();
        Mat union = new Mat()) {
      while (true) {
        VideoFrame fa = a.next();
        VideoFrame fb = b.next();
        VideoFrame fm = m.next();
        if (fa == null || fb == null || fm == null) {
          boolean allEnded = fa == null && fb == null && fm == null;
          for (VideoFrame f : new VideoFrame[] {fa, fb, fm}) if (f != null) f.close();
          if (!allEnded) {
            throw DoppelException.processing(
                fake + ": real, fake and mask have different " + "frame counts");
          }
          break;
        }
        try (fa;
            fb;
            fm) {
          absdiff(fa.image(), fb.image(), diff);
          opencv_core.split(diff, planes);
          bitwise_or(planes.get(0), planes.get(1), changed);
          bitwise_or(changed, planes.get(2), changed);
          threshold(changed, changed, 0, 255, THRESH_BINARY);
          cvtColor(fm.image(), gray, COLOR_BGR2GRAY);
          threshold(gray, maskBits, 127, 255, THRESH_BINARY);
          bitwise_and(changed, maskBits, inter);
          bitwise_or(changed, maskBits, union);
          int u = countNonZero(union);
          double iou = u == 0 ? 1 : countNonZero(inter) / (double) u;
          if (iou < min) {
            min = iou;
            worst = n;
          }
          sum += iou;
          n++;
        }
      }
    }
    return new Stats(n, min, n == 0 ? 0 : sum / n, worst);
  }
}
