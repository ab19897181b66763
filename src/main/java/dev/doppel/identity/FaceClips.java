package dev.doppel.identity;

import dev.doppel.DoppelException;
import dev.doppel.face.Face;
import dev.doppel.face.FaceTracker;
import dev.doppel.face.TrackerSettings;
import dev.doppel.swap.Embeddings;
import dev.doppel.video.VideoFrame;
import dev.doppel.video.VideoReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Identities from video clips, for one-shot swapping in datasets: the largest face of frames spread
 * evenly over each clip, embedded by the recogniser and averaged (so a blink or a turned head in
 * one frame does not decide the identity).
 */
public final class FaceClips {
  private FaceClips() {}

  /**
   * @param embedding the averaged, normalised embedding
   * @param frames per clip, the frame indices it was taken from
   */
  public record Identity(float[] embedding, List<List<Long>> frames) {}

  public static Identity identity(
      List<Path> clips, Recognizer recognizer, TrackerSettings tracker, int framesPerClip) {
    List<float[]> embeddings = new ArrayList<>();
    List<List<Long>> used = new ArrayList<>();
    for (Path clip : clips) {
      List<Long> fromClip = new ArrayList<>();
      try (VideoReader reader = VideoReader.open(clip);
          FaceTracker faces = new FaceTracker(tracker)) {
        long every = Math.max(1, reader.info().frameCountEstimate() / framesPerClip);
        // decode only while frames are wanted: a frame read and not used would never be closed
        for (VideoFrame f; fromClip.size() < framesPerClip && (f = reader.next()) != null; ) {
          try (VideoFrame frame = f) {
            // the tracker sees every frame so its smoothing stays valid; only some are embedded
            List<Face> found = faces.next(frame.image(), frame.micros() / 1e6);
            if (frame.index() % every != 0 || found.isEmpty()) continue;
            Face largest =
                found.stream()
                    .max(Comparator.comparingDouble(x -> x.box().width() * x.box().height()))
                    .orElseThrow();
            embeddings.add(recognizer.embed(frame.image(), largest.fivePoints()));
            fromClip.add(frame.index());
          }
        }
      }
      used.add(fromClip);
    }
    if (embeddings.isEmpty()) {
      throw DoppelException.usage("no face found in " + clips + " to take an identity from");
    }
    return new Identity(Embeddings.average(embeddings), used);
  }
}
