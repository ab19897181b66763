package dev.doppel.dataset;

import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.OneShotSwapper;
import dev.doppel.swap.PairSwapper;
import dev.doppel.swap.Swapper;

/**
 * How to get the swapper of a {@link ClipJob}: a pair graph, or a one-shot model with the
 * source identity's embedding. Workers keep one loaded swapper per model file and only change
 * a one-shot swapper's source between jobs.
 *
 * @param sourceEmbedding null for a pair graph
 */
record SwapperRecipe(ModelInfo info, float[] sourceEmbedding) {
  String modelKey() {
    return info.path().toAbsolutePath().toString();
  }

  Swapper open() {
    return sourceEmbedding == null ? new PairSwapper(info)
        : new OneShotSwapper(info, sourceEmbedding);
  }

  /** Points a swapper opened from the same model at this recipe's source. */
  void prepare(Swapper swapper) {
    if (swapper instanceof OneShotSwapper oneShot) oneShot.source(sourceEmbedding);
  }
}
