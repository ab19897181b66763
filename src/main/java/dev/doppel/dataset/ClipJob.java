package dev.doppel.dataset;

import dev.doppel.swap.FaceSelection;

/**
 * One clip of a dataset to render, decided before any work starts: a fake (and, the first time its
 * target clip comes up, that clip's reals), or a clip's reals alone.
 */
sealed interface ClipJob {
  /** The clip rendered. */
  String target();

  /** Whether this job also writes the target's reals (once per clip in the whole plan). */
  boolean writeReals();

  /** A clip no fake used: its reals only. */
  record RealsOnly(String target) implements ClipJob {
    @Override
    public boolean writeReals() {
      return true;
    }
  }

  /**
   * A source identity's face placed on a target clip.
   *
   * @param method method name (folder under manipulated_sequences)
   * @param split the fake's split
   * @param methodRecord, source what dataset.json records of the method and the source
   */
  record Fake(
      String method,
      SwapperRecipe recipe,
      FaceSelection selection,
      String target,
      String sourceIdentity,
      String split,
      DatasetMetadata.Method methodRecord,
      DatasetMetadata.Source source,
      boolean writeReals)
      implements ClipJob {

    /** FF++ file name: {@code <target>_<source>}. */
    String name() {
      return target + "_" + sourceIdentity;
    }
  }
}
