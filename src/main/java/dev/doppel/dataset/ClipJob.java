package dev.doppel.dataset;

import dev.doppel.swap.FaceSelection;
import java.util.Map;

/**
 * One clip of a dataset to render, decided before any work starts: a fake (and, the first time
 * its target clip comes up, that clip's reals), or a clip's reals alone ({@code recipe} null).
 *
 * @param method method name (folder under manipulated_sequences); null for reals only
 * @param split the fake's split
 * @param methodInfo, sourceInfo what dataset.json records of the method and the source
 */
record ClipJob(String method, SwapperRecipe recipe, FaceSelection selection, String target,
    String sourceIdentity, String split, Map<String, Object> methodInfo,
    Map<String, Object> sourceInfo, boolean writeReals) {

  /** FF++ file name: {@code <target>_<source>}. */
  String name() {
    return target + "_" + sourceIdentity;
  }
}
