package dev.doppel.swap;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a model file does (see {@link ModelInfo}); written in lower case, as in metadata. */
public enum ModelKind {
  /** Doppel's encoder + one decoder: renders one identity on faces of another. */
  PAIR,
  /** Inswapper-style: renders any identity given its embedding. */
  ONESHOT,
  /** ArcFace-style: an identity embedding of a face. */
  RECOGNIZER;

  @JsonValue
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
