package dev.doppel.dataset;

import dev.doppel.swap.Device;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.OneShotSwapper;
import dev.doppel.swap.PairSwapper;
import dev.doppel.swap.Swapper;

/**
 * How to get the swapper of a {@link ClipJob}: a pair graph, or a one-shot model with the source
 * identity's embedding. Workers keep one loaded swapper per model file and only change a one-shot
 * swapper's source between jobs.
 *
 * @param sourceEmbedding null for a pair graph
 */
record SwapperRecipe(ModelInfo info, float[] sourceEmbedding) {
  String modelKey() {
    return info.path().toAbsolutePath().toString();
  }

  Swapper open() {
    // datasets render on the CPU: a cluster's workers have no GPU to share
    return sourceEmbedding == null
        ? new PairSwapper(info, Device.CPU)
        : new OneShotSwapper(info, sourceEmbedding, Device.CPU);
  }

  /** Points a swapper opened from the same model at this recipe's source. */
  void prepare(Swapper swapper) {
    if (swapper instanceof OneShotSwapper oneShot) oneShot.source(sourceEmbedding);
  }
}
