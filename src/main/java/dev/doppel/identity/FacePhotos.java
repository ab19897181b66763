package dev.doppel.identity;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.doppel.DoppelException;
import dev.doppel.face.BlazeFaceDetector;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.TrackerSettings;
import dev.doppel.swap.Embeddings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Identities from still photos: the source of a one-shot swap ({@code --source}) and the reference
 * of {@code --faces like:REF}. Each photo must show exactly one face, or the caller names which
 * (numbered 1.. from left to right); several photos of one person are averaged in embedding space.
 */
public final class FacePhotos {
  private FacePhotos() {}

  /** The averaged, normalised embedding of one face per photo. */
  public static float[] identity(
      List<Path> photos, Integer faceNumber, Recognizer recognizer, String option) {
    List<float[]> embeddings = new ArrayList<>();
    for (Path photo : photos) embeddings.add(embedding(photo, faceNumber, recognizer, option));
    return Embeddings.average(embeddings);
  }

  static float[] embedding(Path photo, Integer faceNumber, Recognizer recognizer, String option) {
    if (!Files.isRegularFile(photo)) {
      throw DoppelException.usage("cannot read image: " + photo + ": no such file");
    }
    try (Mat image = imread(photo.toString(), IMREAD_COLOR)) {
      if (image.empty()) {
        throw DoppelException.usage(
            "cannot read image: " + photo + ": not an image OpenCV " + "can decode");
      }
      List<Face> faces = facesLeftToRight(image);
      if (faces.isEmpty()) {
        throw DoppelException.usage(option + " " + photo + ": no face found");
      }
      Face face;
      if (faceNumber != null) {
        if (faceNumber < 1 || faceNumber > faces.size()) {
          throw DoppelException.usage(
              option
                  + " "
                  + photo
                  + ": has "
                  + faces.size()
                  + " face(s); face number "
                  + faceNumber
                  + " does not exist");
        }
        face = faces.get(faceNumber - 1);
      } else if (faces.size() > 1) {
        throw DoppelException.usage(
            option
                + " "
                + photo
                + ": shows "
                + faces.size()
                + " faces; "
                + (option.equals("--source")
                    ? "pick one with --source-face N (1 = " + "leftmost)"
                    : "use a photo of one face"));
      } else {
        face = faces.get(0);
      }
      return recognizer.embed(image, face.fivePoints());
    }
  }

  private static List<Face> facesLeftToRight(Mat image) {
    // a still photo: detect on this one frame, no smoothing
    TrackerSettings stills =
        new TrackerSettings(BlazeFaceDetector.Range.FULL, 1, 0.5, 0.5, 8, false);
    try (FaceTracker tracker = new FaceTracker(stills)) {
      return tracker.next(image, 0).stream()
          .sorted(Comparator.comparingDouble(f -> f.box().x()))
          .toList();
    }
  }
}
