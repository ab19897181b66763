package dev.doppel.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One row of a batch, ready to run.
 *
 * @param id a hash of the row's content: a changed row is a new job
 * @param line where the row is in the manifest
 * @param values the row's values, paths resolved (enough to parse the task again elsewhere)
 */
public record BatchJob(
    String id,
    int line,
    Path input,
    Path output,
    Map<String, List<String>> values,
    BatchTask task) {}
