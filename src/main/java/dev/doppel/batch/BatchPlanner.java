package dev.doppel.batch;

import dev.doppel.DoppelException;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.Provenance;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Turns manifest rows into jobs, finding every problem of the whole manifest before any runs. */
public final class BatchPlanner {
  private static final List<String> PATH_COLUMNS = List.of("input", "output");

  private BatchPlanner() {}

  /**
   * @param base the folder relative paths in the rows are resolved against
   * @param root every output must lie inside it (by real path)
   * @param problems receives one line per problem, prefixed with the row's file and line
   */
  public static List<BatchJob> plan(
      BatchManifest manifest, Path base, Path root, RowParser parser, List<String> problems) {
    List<BatchJob> jobs = new ArrayList<>();
    Map<Path, Integer> outputs = new HashMap<>();
    List<String> required =
        Stream.concat(PATH_COLUMNS.stream(), parser.requiredColumns().stream()).toList();
    for (BatchManifest.Row row : manifest.rows()) {
      String where = manifest.file() + ":" + row.line() + ": ";
      List<String> missing = required.stream().filter(k -> row.first(k) == null).toList();
      if (!missing.isEmpty()) {
        problems.add(where + "missing " + String.join(", ", missing));
        continue;
      }
      Map<String, List<String>> values = new LinkedHashMap<>(row.values());
      for (String k : PATH_COLUMNS) {
        values.put(
            k, values.get(k).stream().map(p -> base.resolve(p).normalize().toString()).toList());
      }
      values = parser.resolvePaths(values, base);
      List<RowParser.Io> ios;
      try {
        ios =
            parser.expand(
                Path.of(values.get("input").get(0)),
                Path.of(values.get("output").get(0)).normalize());
      } catch (DoppelException e) {
        problems.add(where + e.getMessage());
        continue;
      }
      for (RowParser.Io io : ios) {
        Map<String, List<String>> one = new LinkedHashMap<>(values);
        one.put("input", List.of(io.input().toString()));
        one.put("output", List.of(io.output().toString()));
        BatchJob job = planJob(where, row.line(), one, io, root, parser, outputs, problems);
        if (job != null) jobs.add(job);
      }
    }
    return jobs;
  }

  /** The job of one input of a row, or null with its problems added. */
  private static BatchJob planJob(
      String where,
      int line,
      Map<String, List<String>> values,
      RowParser.Io io,
      Path root,
      RowParser parser,
      Map<Path, Integer> outputs,
      List<String> problems) {
    Path input = io.input();
    Path output = io.output().normalize();
    if (!Files.isRegularFile(input)) problems.add(where + "input " + input + ": no such file");
    // by real path: a symbolic link inside the root may point anywhere
    if (!output.startsWith(root)
        || !OutputPaths.realish(output).startsWith(OutputPaths.realish(root))) {
      problems.add(where + "output " + output + " is outside the output root " + root);
    }
    Integer other = outputs.putIfAbsent(output, line);
    if (other != null) {
      problems.add(where + "output " + output + " is also written by line " + other);
    }
    List<String> rowProblems = new ArrayList<>();
    BatchTask task;
    try {
      task = parser.parse(values, rowProblems);
    } catch (DoppelException e) {
      rowProblems.add(e.getMessage());
      task = null;
    }
    rowProblems.forEach(p -> problems.add(where + p));
    if (task == null || !rowProblems.isEmpty()) return null;
    return new BatchJob(id(values), line, input, output, Collections.unmodifiableMap(values), task);
  }

  /** A stable id of a row's content: sorted keys and values, hashed. */
  static String id(Map<String, List<String>> values) {
    String canonical = new TreeMap<>(values).toString();
    return Provenance.sha256(canonical.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }
}
