package dev.doppel.tools;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.face.Affine;
import dev.doppel.face.BlazeFaceDetector;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.Point2;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.Json;
import dev.doppel.video.EncodeSettings;
import dev.doppel.video.Rational;
import dev.doppel.video.VideoInfo;
import dev.doppel.video.VideoWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Makes the sample clips in {@code samples/} from the two public-domain portraits there: head
 * motion, mouth opening, blinks, slight turns, a still-face segment, one clip with both faces, and
 * synthetic speech from espeak-ng. Deterministic: no randomness.
 *
 * <p>Run with {@code samples/generate.sh}; it rewrites the clips and {@code clips.json}.
 */
public final class SampleClipGenerator {
  static final int WIDTH = 1280;
  static final int HEIGHT = 720;

  /** A portrait placed in a slot of the canvas, with its own motion phase. */
  record Actor(
      Mat portrait,
      FaceMotion motion,
      Point2 faceCentre,
      double faceHeight,
      Rect slot,
      double phase) {}

  /** A clip: fps, length, still segment (seconds, may be empty), speech text. */
  record ClipSpec(
      String file,
      int fps,
      double seconds,
      double stillFrom,
      double stillTo,
      String voice,
      String speech,
      List<String> portraits) {
    int frames() {
      return (int) Math.round(fps * seconds);
    }
  }

  public static void main(String[] args) throws Exception {
    Path samples = Path.of(args.length > 0 ? args[0] : "samples");
    List<ClipSpec> clips =
        List.of(
            new ClipSpec(
                "astronaut.mp4",
                25,
                5.0,
                1.6,
                2.6,
                "en-us",
                "A Doppel sample clip. This voice is synthetic.",
                List.of("astronaut.png")),
            new ClipSpec(
                "hopper.mp4",
                30,
                4.0,
                2.4,
                3.3,
                "en-gb",
                "Sample clip two. A still portrait, animated for testing.",
                List.of("grace_hopper.jpg")),
            new ClipSpec(
                "duo.mp4",
                25,
                3.0,
                0,
                0,
                "en-us",
                "Two faces in one frame.",
                List.of("astronaut.png", "grace_hopper.jpg")));
    ArrayNode index = Json.MAPPER.createArrayNode();
    for (ClipSpec spec : clips) {
      make(samples, spec);
      ObjectNode n = index.addObject();
      n.put("file", spec.file());
      n.put("fps", spec.fps());
      n.put("frames", spec.frames());
      n.put("width", WIDTH);
      n.put("height", HEIGHT);
      n.put("faces", spec.portraits().size());
      n.set("portraits", Json.MAPPER.valueToTree(spec.portraits()));
      if (spec.stillTo() > spec.stillFrom()) {
        // frames whose content is identical (head and expression frozen)
        n.set(
            "still_frames",
            Json.MAPPER.valueToTree(
                new int[] {
                  (int) Math.ceil(spec.stillFrom() * spec.fps()),
                  (int) Math.floor(spec.stillTo() * spec.fps())
                }));
      }
      n.put("speech", spec.speech());
    }
    Json.MAPPER
        .writerWithDefaultPrettyPrinter()
        .writeValue(samples.resolve("clips.json").toFile(), index);
  }

  static void make(Path samples, ClipSpec spec) throws IOException, InterruptedException {
    List<Actor> actors = new java.util.ArrayList<>();
    int n = spec.portraits().size();
    for (int i = 0; i < n; i++) {
      Mat portrait = imread(samples.resolve(spec.portraits().get(i)).toString());
      Face face = analyse(portrait);
      Rect slot = new Rect(i * WIDTH / n, 0, WIDTH / n, HEIGHT);
      actors.add(
          new Actor(
              portrait,
              new FaceMotion(face.landmarks()),
              face.box().center(),
              face.box().height(),
              slot,
              i * 1.7));
    }
    Mat background = background(actors);
    Path wav = Files.createTempFile("doppel-speech-", ".wav");
    speak(spec, wav);
    Path out = samples.resolve(spec.file());
    VideoInfo info =
        new VideoInfo(
            out,
            WIDTH,
            HEIGHT,
            0,
            new Rational(1, spec.fps()),
            spec.fps(),
            spec.frames(),
            Math.round(spec.seconds() * 1e6),
            spec.frames(),
            "rawvideo",
            null);
    EncodeSettings encode = EncodeSettings.forOutput(out, "h264", 26, null);
    try (VideoWriter writer =
        VideoWriter.create(
            out,
            info,
            encode,
            wav,
            Map.of(
                "comment",
                "Doppel sample clip: public-domain portrait animated by "
                    + "samples/generate.sh; speech synthesised by espeak-ng"))) {
      for (int f = 0; f < spec.frames(); f++) {
        double t = frozenTime(f / (double) spec.fps(), spec);
        try (Mat frame = background.clone()) {
          for (Actor a : actors) composite(frame, a, t);
          writer.write(frame, f);
        }
      }
      writer.finish();
    } finally {
      Files.deleteIfExists(wav);
      background.close();
      actors.forEach(a -> a.portrait().close());
    }
  }

  /** Inside the still segment, time stops; after it, motion continues where it stopped. */
  static double frozenTime(double t, ClipSpec spec) {
    if (t < spec.stillFrom() || spec.stillTo() <= spec.stillFrom()) return t;
    if (t < spec.stillTo()) return spec.stillFrom();
    return t - (spec.stillTo() - spec.stillFrom());
  }

  static FaceMotion.Expression expression(double t, double phase) {
    double speaking = Math.max(0, Math.sin(2 * Math.PI * 2.3 * t + phase));
    double mouth = 0.8 * speaking * speaking;
    double blink = pulse(t, 0.9 + phase * 0.1, 0.18) + pulse(t, 3.1 + phase * 0.1, 0.18);
    double turn = 0.7 * Math.sin(2 * Math.PI * 0.3 * t + phase);
    return new FaceMotion.Expression(mouth, Math.min(1, blink), turn);
  }

  private static double pulse(double t, double centre, double width) {
    return Math.max(0, 1 - Math.abs(t - centre) / (width / 2));
  }

  /** Head motion: a small rotation about the face, drift and zoom. */
  static Affine headMotion(double t, Actor a) {
    double angle = Math.toRadians(4 * Math.sin(2 * Math.PI * 0.35 * t + a.phase()));
    double scale = 1 + 0.04 * Math.sin(2 * Math.PI * 0.2 * t + a.phase());
    double dx = 25 * Math.sin(2 * Math.PI * 0.25 * t + a.phase());
    double dy = 12 * Math.sin(2 * Math.PI * 0.4 * t + a.phase());
    Point2 c = a.faceCentre();
    Affine aboutFace = Affine.similarity(scale, angle, 0, 0);
    Point2 moved = aboutFace.apply(c);
    return new Affine(
        aboutFace.a(),
        aboutFace.b(),
        c.x() - moved.x() + dx,
        aboutFace.d(),
        aboutFace.e(),
        c.y() - moved.y() + dy);
  }

  /**
   * Portrait pixels -> canvas pixels: the face (mesh box) becomes 34% of the frame height, or 28%
   * when two share the frame, centred across its slot at 42% of the height.
   */
  static Affine placement(Actor a) {
    double share = a.slot().width() < WIDTH ? 0.28 : 0.34;
    double s = share * HEIGHT / a.faceHeight();
    double x = a.slot().x() + a.slot().width() / 2.0 - s * a.faceCentre().x();
    double y = a.slot().y() + 0.42 * a.slot().height() - s * a.faceCentre().y();
    return new Affine(s, 0, x, 0, s, y);
  }

  static void composite(Mat canvas, Actor a, double t) {
    Affine toCanvas = placement(a).after(headMotion(t, a));
    try (Mat face = a.motion().apply(a.portrait(), expression(t, a.phase()));
        Mat alpha = featherMask(a.portrait().rows(), a.portrait().cols());
        Mat warped = new Mat();
        Mat warpedAlpha = new Mat();
        Mat m = toCanvas.toMat();
        Size size = new Size(WIDTH, HEIGHT);
        Scalar zero = new Scalar(0.0)) {
      warpAffine(face, warped, m, size, INTER_LINEAR, BORDER_CONSTANT, zero);
      warpAffine(alpha, warpedAlpha, m, size, INTER_LINEAR, BORDER_CONSTANT, zero);
      blend(canvas, warped, warpedAlpha);
    }
  }

  /** 1 inside the portrait, ramping to 0 over its outer 6%, so edges melt into the background. */
  static Mat featherMask(int rows, int cols) {
    Mat mask = new Mat(rows, cols, CV_32FC1);
    double ramp = 0.06 * Math.min(rows, cols);
    try (FloatIndexer m = mask.createIndexer()) {
      for (int y = 0; y < rows; y++) {
        for (int x = 0; x < cols; x++) {
          double edge = Math.min(Math.min(x, cols - 1 - x), Math.min(y, rows - 1 - y));
          m.put(y, x, (float) Math.min(1, edge / ramp));
        }
      }
    }
    return mask;
  }

  static void blend(Mat canvas, Mat top, Mat alpha) {
    try (UByteIndexer c = canvas.createIndexer();
        UByteIndexer f = top.createIndexer();
        FloatIndexer a = alpha.createIndexer()) {
      for (int y = 0; y < canvas.rows(); y++) {
        for (int x = 0; x < canvas.cols(); x++) {
          float w = a.get(y, x);
          if (w <= 0) continue;
          for (int ch = 0; ch < 3; ch++) {
            c.put(y, x, ch, Math.round(w * f.get(y, x, ch) + (1 - w) * c.get(y, x, ch)));
          }
        }
      }
    }
  }

  /** Each slot filled by its portrait, enlarged to cover it, blurred and darkened. */
  static Mat background(List<Actor> actors) {
    Mat canvas = new Mat(HEIGHT, WIDTH, CV_8UC3);
    for (Actor a : actors) {
      Rect slot = a.slot();
      double s =
          Math.max(
              (double) slot.width() / a.portrait().cols(),
              (double) slot.height() / a.portrait().rows());
      try (Mat big = new Mat();
          Mat blurred = new Mat();
          Mat dark = new Mat();
          Size size =
              new Size(
                  (int) Math.ceil(a.portrait().cols() * s),
                  (int) Math.ceil(a.portrait().rows() * s));
          Size kernel = new Size(0, 0)) {
        resize(a.portrait(), big, size, 0, 0, INTER_AREA);
        GaussianBlur(big, blurred, kernel, 30);
        blurred.convertTo(dark, CV_8UC3, 0.6, 10);
        int ox = (dark.cols() - slot.width()) / 2;
        int oy = (dark.rows() - slot.height()) / 2;
        try (Rect src = new Rect(ox, oy, slot.width(), slot.height());
            Mat part = dark.apply(src);
            Mat dst = canvas.apply(slot)) {
          part.copyTo(dst);
        }
      }
    }
    return canvas;
  }

  static Face analyse(Mat portrait) {
    TrackerSettings settings =
        new TrackerSettings(BlazeFaceDetector.Range.FULL, 1, 0.5, 0.5, 1, false);
    try (FaceTracker tracker = new FaceTracker(settings)) {
      List<Face> faces = tracker.next(portrait, 0);
      if (faces.isEmpty()) throw new IllegalStateException("no face in portrait");
      return faces.get(0);
    }
  }

  static void speak(ClipSpec spec, Path wav) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "espeak-ng", "-v", spec.voice(), "-s", "150", "-w", wav.toString(), spec.speech())
            .inheritIO()
            .start();
    if (p.waitFor() != 0) throw new IOException("espeak-ng failed (is it installed?)");
  }
}
