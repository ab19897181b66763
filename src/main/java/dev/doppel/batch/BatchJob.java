package dev.doppel.batch;

import dev.doppel.pipeline.SwapOptions;

/**
 * One row of a batch, ready to run.
 *
 * @param id a hash of the row's content: a changed row is a new job
 * @param line where the row is in the manifest
 */
public record BatchJob(String id, int line, SwapOptions options) {}
