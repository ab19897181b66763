package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.batch.BatchTask;
import dev.doppel.batch.RowParser;
import dev.doppel.pipeline.SwapJob;
import dev.doppel.pipeline.SwapOptions;
import dev.doppel.swap.ModelResolver;
import dev.doppel.video.MediaFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/** A batch row read as the arguments of {@code doppel swap}, checked by the swap command. */
final class SwapRowParser implements RowParser {
  private static final long serialVersionUID = 1L;
  private static final Set<String> PATHS = Set.of("model", "source", "recognizer");
  private static final Set<String> FLAGS =
      Set.of("keep-mouth", "single-thread", "no-label", "int8");

  /** Options a batch row may not set. */
  private static final Set<String> NOT_IN_ROWS =
      Set.of("preview", "device", "quiet", "q", "verbose", "v", "help", "version", "o");

  @Override
  public List<String> requiredColumns() {
    return List.of("model");
  }

  /** A folder or a pattern as input: one job per image or video, results in the output folder. */
  @Override
  public List<Io> expand(Path input, Path output) {
    if (!MediaFiles.isMany(input)) return List.of(new Io(input, output));
    SwapCommand.checkOutputFolder(input, output);
    return MediaFiles.expand(input).stream()
        .map(in -> new Io(in, MediaFiles.outputFor(input, in, output)))
        .toList();
  }

  @Override
  public Map<String, List<String>> resolvePaths(Map<String, List<String>> values, Path base) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (PATHS.contains(k)) {
            out.put(k, v.stream().map(p -> base.resolve(p).normalize().toString()).toList());
          } else if (k.equals("faces") && v.get(0).startsWith("like:")) {
            out.put(k, List.of("like:" + base.resolve(v.get(0).substring(5)).normalize()));
          } else {
            out.put(k, v);
          }
        });
    return out;
  }

  @Override
  public BatchTask parse(Map<String, List<String>> values, List<String> problems) {
    List<String> bad = values.keySet().stream().filter(NOT_IN_ROWS::contains).toList();
    if (!bad.isEmpty()) {
      problems.add("option(s) not allowed in a batch row: " + bad);
      return null;
    }
    for (String key : List.of("source", "recognizer")) {
      for (String p : values.getOrDefault(key, List.of())) {
        if (!Files.isRegularFile(Path.of(p))) problems.add(key + " " + p + ": no such file");
      }
    }
    String model = values.get("model").get(0);
    if (!ModelResolver.exists(Path.of(model))) {
      problems.add("model " + model + ": no such file or pair prefix");
    }
    SwapOptions options;
    try {
      options = options(values);
    } catch (CommandLine.ParameterException | DoppelException e) {
      problems.add(e.getMessage());
      return null;
    }
    return progress -> {
      SwapJob.Summary s = SwapJob.run(options, progress);
      return new BatchTask.Result(s.frames(), s.facesSwapped(), s.notes());
    };
  }

  /** The row as `doppel swap` arguments, parsed and checked by the swap command itself. */
  private static SwapOptions options(Map<String, List<String>> values) {
    List<String> args = new ArrayList<>(List.of("--output=" + values.get("output").get(0)));
    for (Map.Entry<String, List<String>> e : values.entrySet()) {
      String key = e.getKey();
      if (key.equals("input") || key.equals("output")) continue;
      if (!key.matches("[a-z0-9][a-z0-9-]*")) {
        throw DoppelException.usage("column '" + key + "': not an option name");
      }
      if (FLAGS.contains(key)) {
        String v = e.getValue().get(0).toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("yes") || v.equals("1")) args.add("--" + key);
        else if (!v.equals("false") && !v.equals("no") && !v.equals("0")) {
          throw DoppelException.usage(key + " " + v + ": use true or false");
        }
        continue;
      }
      // --key=value: a cell is always the option's value, even when it looks like an option
      for (String v : e.getValue()) args.add("--" + key + "=" + v);
    }
    args.add("--"); // the input is a value too, whatever its name
    args.add(values.get("input").get(0));
    CommandLine cl = new CommandLine(new SwapCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExpandAtFiles(false); // a cell "@FILE" is a value, never an argument file
    cl.parseArgs(args.toArray(String[]::new));
    SwapCommand swap = cl.getCommand();
    return swap.options();
  }
}
