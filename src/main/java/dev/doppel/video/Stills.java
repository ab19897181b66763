package dev.doppel.video;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_WEBP_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import dev.doppel.DoppelException;
import dev.doppel.output.AtomicFile;
import dev.doppel.output.ImageLabel;
import dev.doppel.output.OutputPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Still images in and out: JPEG, PNG, WebP, BMP and TIFF, read upright (EXIF orientation applied,
 * as viewers show them) and written with the provenance label inside (see {@link ImageLabel}).
 */
public final class Stills {
  /** Extensions read and written as stills (anything else is a video to FFmpeg). */
  public static final Set<String> EXTENSIONS =
      Set.of("jpg", "jpeg", "png", "webp", "bmp", "tif", "tiff");

  /** JPEG and WebP quality of written stills (0-100): visually lossless, as cameras save. */
  static final int QUALITY = 95;

  private Stills() {}

  public static boolean isStill(Path path) {
    return EXTENSIONS.contains(extension(path));
  }

  /** The lower-case extension without the dot, or "" when there is none. */
  public static String extension(Path path) {
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /**
   * Decodes a still into an upright BGR image the caller owns (alpha is dropped; 16-bit and grey
   * images become 8-bit BGR).
   */
  static Mat read(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw DoppelException.usage("cannot read image: " + path + ": " + e.getMessage());
    }
    Mat image;
    // imdecode applies the EXIF orientation with IMREAD_COLOR (IMREAD_IGNORE_ORIENTATION unset)
    try (BytePointer data = new BytePointer(bytes);
        Mat encoded = new Mat(1, bytes.length, CV_8UC1, data)) {
      image = imdecode(encoded, IMREAD_COLOR);
    }
    if (image == null || image.empty()) {
      if (image != null) image.close();
      throw DoppelException.processing(
          "cannot read image: "
              + path
              + ": not a readable "
              + extension(path).toUpperCase(Locale.ROOT)
              + " image");
    }
    return image;
  }

  /**
   * Encodes {@code image} by the destination's extension, writes {@code tags} into it (when not
   * null), hands the complete temporary file to {@code beforeMove} (which writes the sidecar) and
   * moves it into place: the destination never holds a half-written or unlabelled image.
   */
  public static void write(
      Path destination, Mat image, Map<String, String> tags, Consumer<Path> beforeMove) {
    String ext = extension(destination);
    if (!EXTENSIONS.contains(ext)) {
      throw DoppelException.usage(
          "cannot write image: " + destination + ": unknown extension '" + ext + "'");
    }
    byte[] bytes = encode(destination, image, ext);
    if (tags != null) bytes = ImageLabel.apply(ext, bytes, tags);
    try (AtomicFile file = new AtomicFile(destination)) {
      file.stream().write(bytes);
      file.stream().flush();
      beforeMove.accept(file.temp());
      file.commit();
    } catch (IOException e) {
      throw new DoppelException(
          OutputPaths.exitCodeFor(e),
          "cannot write image: " + destination + ": " + OutputPaths.describe(e));
    }
  }

  private static byte[] encode(Path destination, Mat image, String ext) {
    int[] params =
        switch (ext) {
          case "jpg", "jpeg" -> new int[] {IMWRITE_JPEG_QUALITY, QUALITY};
          case "webp" -> new int[] {IMWRITE_WEBP_QUALITY, QUALITY};
          default -> new int[0];
        };
    try (BytePointer out = new BytePointer();
        IntPointer p = new IntPointer(params)) {
      if (!imencode("." + ext, image, out, p)) {
        throw DoppelException.processing("cannot encode image: " + destination);
      }
      byte[] bytes = new byte[(int) out.limit()];
      out.get(bytes);
      return bytes;
    }
  }
}
