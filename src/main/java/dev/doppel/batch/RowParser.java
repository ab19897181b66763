package dev.doppel.batch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns the values of one manifest row into its task. The planner checks what every batch has
 * (input and output columns, inputs that exist, outputs inside the root and written once); the
 * parser checks the rest: its own required columns, the files its options name, the options.
 */
public interface RowParser extends java.io.Serializable {
  /** One input of a row and where its result goes. */
  record Io(Path input, Path output) {}

  /**
   * The inputs a row's {@code input} names, each with its output: by default the row's own pair; a
   * parser may read a folder or a pattern as many inputs whose results go into the output folder.
   *
   * @throws dev.doppel.DoppelException when the input names nothing (a problem of the row)
   */
  default List<Io> expand(Path input, Path output) {
    return List.of(new Io(input, output));
  }

  /** Columns every row must have besides {@code input} and {@code output}. */
  List<String> requiredColumns();

  /**
   * The row's values with the relative paths it names resolved against {@code base} (the manifest's
   * folder); {@code input} and {@code output} are resolved already. The result is what identifies
   * the job: a changed value is a new job.
   */
  Map<String, List<String>> resolvePaths(Map<String, List<String>> values, Path base);

  /**
   * The task of a row with resolved values.
   *
   * @param problems receives each problem found, worded without the row's place
   * @return the task, or null when a problem was found
   */
  BatchTask parse(Map<String, List<String>> values, List<String> problems);
}
