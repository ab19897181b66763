package dev.doppel.face;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_dnn.blobFromImage;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_core.StringVector;
import org.bytedeco.opencv.opencv_dnn.Net;

/**
 * MediaPipe BlazeFace through OpenCV's DNN module. The frame is letterboxed into the square input
 * (aspect kept, zero padding), scaled to [-1,1] RGB; each anchor's 16 regressors are the box centre
 * and size and six keypoints in input pixels, relative to the anchor centre; the score is the
 * sigmoid of the classifier logit; overlapping boxes merge by weighted NMS.
 *
 * <p>Not thread-safe: one detector per thread. Close it to free the network.
 */
public final class BlazeFaceDetector implements AutoCloseable {
  /** Which of MediaPipe's two detectors. */
  public enum Range {
    /** Faces within about 2 m of the camera (selfie distance); 128 px input. */
    SHORT("face_detection_short_range.tflite", 128),
    /** Faces up to about 5 m, smaller in the frame; 192 px input. */
    FULL("face_detection_full_range.tflite", 192);

    final String file;
    final int inputSize;

    Range(String file, int inputSize) {
      this.file = file;
      this.inputSize = inputSize;
    }
  }

  private static final double NMS_IOU = 0.3;
  private final Net net;
  private final StringVector outputNames;
  private final double[][] anchors;
  private final int inputSize;
  private final double minScore;
  private final Mat resized = new Mat();
  private final Mat square = new Mat();
  private final MatVector outputs = new MatVector();

  public BlazeFaceDetector(Range range, double minScore) {
    this.net = ModelFile.tflite(range.file);
    this.outputNames = net.getUnconnectedOutLayersNames();
    this.anchors = range == Range.SHORT ? SsdAnchors.shortRange() : SsdAnchors.fullRange();
    this.inputSize = range.inputSize;
    this.minScore = minScore;
  }

  /** Faces in a BGR frame, best first, in frame pixel coordinates. */
  public List<Detection> detect(Mat bgr) {
    int w = bgr.cols();
    int h = bgr.rows();
    double scale = (double) inputSize / Math.max(w, h);
    int rw = Math.max(1, (int) Math.round(w * scale));
    int rh = Math.max(1, (int) Math.round(h * scale));
    int padX = (inputSize - rw) / 2;
    int padY = (inputSize - rh) / 2;
    try (Size size = new Size(rw, rh)) {
      resize(bgr, resized, size, 0, 0, INTER_AREA);
    }
    try (Scalar black = new Scalar(0.0)) {
      copyMakeBorder(
          resized,
          square,
          padY,
          inputSize - rh - padY,
          padX,
          inputSize - rw - padX,
          BORDER_CONSTANT,
          black);
    }
    try (Size size = new Size(inputSize, inputSize);
        Scalar mean = new Scalar(127.5, 127.5, 127.5, 0);
        Mat blob = blobFromImage(square, 1 / 127.5, size, mean, true, false, CV_32F)) {
      net.setInput(blob);
      net.forward(outputs, outputNames);
    }
    // MatVector.get returns a view of the element the vector owns (no copy, no deallocator):
    // closing the views only drops their Java headers; the vector keeps the data until reused
    try (Mat first = outputs.get(0);
        Mat second = outputs.get(1)) {
      boolean firstIsScores = first.total() < second.total();
      return decode(
          firstIsScores ? first : second,
          firstIsScores ? second : first,
          padX,
          padY,
          (double) rw / w,
          (double) rh / h);
    }
  }

  /** Anchor-relative regressors -> detections in frame pixels ({@code sx,sy}: input/frame). */
  private List<Detection> decode(Mat scores, Mat boxes, int padX, int padY, double sx, double sy) {
    List<Detection> candidates = new ArrayList<>();
    try (FloatIndexer s = scores.createIndexer();
        FloatIndexer r = boxes.createIndexer()) {
      float[] reg = new float[16];
      for (int i = 0; i < anchors.length; i++) {
        double logit = Math.max(-100, Math.min(100, s.get(0L, i, 0L)));
        double score = 1 / (1 + Math.exp(-logit));
        if (score < minScore) continue;
        r.get(new long[] {0, i, 0}, reg, 0, 16);
        double cx = reg[0] + anchors[i][0] * inputSize;
        double cy = reg[1] + anchors[i][1] * inputSize;
        double bw = reg[2] / sx;
        double bh = reg[3] / sy;
        Point2 c = toFrame(cx, cy, padX, padY, sx, sy);
        List<Point2> keypoints = new ArrayList<>(6);
        for (int k = 0; k < 6; k++) {
          keypoints.add(
              toFrame(
                  reg[4 + 2 * k] + anchors[i][0] * inputSize,
                  reg[5 + 2 * k] + anchors[i][1] * inputSize,
                  padX,
                  padY,
                  sx,
                  sy));
        }
        candidates.add(new Detection(Box.fromCenter(c.x(), c.y(), bw, bh), score, keypoints));
      }
    }
    return WeightedNms.apply(candidates, NMS_IOU);
  }

  private static Point2 toFrame(double u, double v, int padX, int padY, double sx, double sy) {
    return new Point2((u - padX) / sx - 0.5, (v - padY) / sy - 0.5);
  }

  @Override
  public void close() {
    outputs.close();
    resized.close();
    square.close();
    outputNames.close();
    net.close();
  }
}
