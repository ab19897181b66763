package dev.doppel.swap;

import dev.doppel.DoppelException;
import dev.doppel.face.Face;
import java.util.Comparator;
import java.util.List;

/**
 * Which of a frame's faces to swap: all, the largest, one track, none (pass-through), or those that
 * look like a reference photo (needs a recogniser: see {@code identity.LookalikeFilter}).
 */
public sealed interface FaceSelection {
  List<Face> pick(List<Face> faces);

  record All() implements FaceSelection {
    @Override
    public List<Face> pick(List<Face> faces) {
      return faces;
    }

    @Override
    public String toString() {
      return "all";
    }
  }

  record Largest() implements FaceSelection {
    @Override
    public List<Face> pick(List<Face> faces) {
      return faces.stream()
          .max(Comparator.comparingDouble(f -> f.box().area()))
          .map(List::of)
          .orElse(List.of());
    }

    @Override
    public String toString() {
      return "largest";
    }
  }

  record Track(int id) implements FaceSelection {
    @Override
    public List<Face> pick(List<Face> faces) {
      return faces.stream().filter(f -> f.trackId() == id).toList();
    }

    @Override
    public String toString() {
      return "track=" + id;
    }
  }

  /** Swap nothing: the same decode and encode path, for real/fake pairs and comparisons. */
  record None() implements FaceSelection {
    @Override
    public List<Face> pick(List<Face> faces) {
      return List.of();
    }

    @Override
    public String toString() {
      return "none";
    }
  }

  /**
   * Faces whose recogniser embedding has cosine similarity of at least {@code threshold} with the
   * face in {@code reference}. Chosen by {@code identity.LookalikeFilter}, which holds the
   * recogniser.
   */
  record Like(java.nio.file.Path reference, double threshold) implements FaceSelection {
    @Override
    public List<Face> pick(List<Face> faces) {
      throw new UnsupportedOperationException("like: needs a recogniser; use LookalikeFilter");
    }

    @Override
    public String toString() {
      return "like:" + reference + " (cosine >= " + threshold + ")";
    }
  }

  public static FaceSelection parse(String s, double likeThreshold) {
    if (s.startsWith("like:") && s.length() > 5) {
      return new Like(java.nio.file.Path.of(s.substring(5)), likeThreshold);
    }
    return parse(s);
  }

  public static FaceSelection parse(String s) {
    if (s.equals("all")) return new All();
    if (s.equals("largest")) return new Largest();
    if (s.equals("none")) return new None();
    if (s.startsWith("track=")) {
      try {
        return new Track(Integer.parseInt(s.substring(6)));
      } catch (NumberFormatException e) {
        // fall through to the usage error
      }
    }
    throw DoppelException.usage("--faces " + s + ": use all, largest, none, track=N or like:PHOTO");
  }
}
