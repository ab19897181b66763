package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.batch.BatchJob;
import dev.doppel.batch.BatchManifest;
import dev.doppel.batch.BatchRunner;
import dev.doppel.batch.Journal;
import dev.doppel.output.AtomicFile;
import dev.doppel.output.Json;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.OutputPaths;
import dev.doppel.output.Progress;
import dev.doppel.pipeline.SwapOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Swap faces in many clips listed in a manifest (CSV with a header row, or JSON Lines): "
          + "columns input, output, model, and any swap option (faces, direction, codec, crf, "
          + "source, recognizer, keep_mouth, ...).",
      "The whole manifest is checked before any work starts. Jobs run on -j workers; a failing "
          + "job fails alone. A journal beside the outputs makes a rerun skip finished jobs "
          + "(checked by size and SHA-256) and redo the rest.",
      "Exit codes: 0 all jobs succeeded, 3 some failed, 2 bad manifest."
    })
final class BatchCommand implements Callable<Integer> {
  static final int SOME_FAILED = 3;
  /** Columns that are not options, and options a batch row may not set. */
  private static final Set<String> PATHS = Set.of("input", "output", "model", "source",
      "recognizer");
  private static final Set<String> FLAGS = Set.of("keep-mouth", "single-thread", "no-label",
      "int8");
  private static final Set<String> NOT_IN_ROWS = Set.of("preview", "device", "quiet", "q",
      "verbose", "v", "help", "version", "o");

  @Parameters(paramLabel = "MANIFEST", description = "CSV or JSON Lines (.jsonl) manifest.")
  Path manifestFile;

  @Option(names = {"-j", "--jobs"}, defaultValue = "1", paramLabel = "N",
      description = "Jobs run at once. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Option(names = "--output-root", paramLabel = "DIR",
      description = "Every output must be inside this folder; the journal and report go here. "
          + "Default: the manifest's folder.")
  Path outputRoot;

  @Option(names = "--report", paramLabel = "FILE",
      description = "JSON report. Default: OUTPUT_ROOT/batch-report.json.")
  Path report;

  @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
  boolean quiet;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public Integer call() {
    if (workers < 1) throw DoppelException.usage("-j " + workers + ": must be at least 1");
    BatchManifest manifest = BatchManifest.read(manifestFile);
    Path base = manifestFile.toAbsolutePath().getParent();
    Path root = (outputRoot != null ? outputRoot.toAbsolutePath() : base).normalize();
    List<String> problems = new ArrayList<>();
    List<BatchJob> jobs = plan(manifest, base, root, problems);
    PrintWriter err = spec.commandLine().getErr();
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("doppel: " + p));
      err.flush();
      throw DoppelException.usage(manifestFile + ": " + problems.size() + " problem(s) in "
          + manifest.rows().size() + " rows; nothing was run");
    }
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw DoppelException.usage("cannot write: " + root + ": " + e.getMessage());
    }
    List<BatchRunner.Outcome> outcomes;
    // one batch at a time on an output root: a second would delete the first's temporaries
    try (OutputClaim claim = OutputClaim.take(root.resolve("doppel-batch"));
        Journal journal = new Journal(root);
        BatchProgress progress = BatchProgress.forTerminal(quiet, jobs.size())) {
      outcomes = BatchRunner.run(jobs, workers, journal, progress::jobProgress,
          progress::finished);
    }
    PrintWriter out = spec.commandLine().getOut();
    printTable(out, outcomes, root);
    Path reportFile = report != null ? report : root.resolve("batch-report.json");
    writeReport(reportFile, outcomes);
    long failed = outcomes.stream().filter(o -> o.status() == BatchRunner.Status.FAILED).count();
    out.printf("%d done, %d skipped (finished earlier), %d failed; report %s%n",
        outcomes.stream().filter(o -> o.status() == BatchRunner.Status.DONE).count(),
        outcomes.stream().filter(o -> o.status() == BatchRunner.Status.SKIPPED).count(), failed,
        reportFile);
    return failed > 0 ? SOME_FAILED : 0;
  }

  /** Turns rows into jobs; every problem found goes into {@code problems}. */
  static List<BatchJob> plan(BatchManifest manifest, Path base, Path root,
      List<String> problems) {
    List<BatchJob> jobs = new ArrayList<>();
    Map<Path, Integer> outputs = new HashMap<>();
    for (BatchManifest.Row row : manifest.rows()) {
      String where = manifest.file() + ":" + row.line() + ": ";
      List<String> missing = BatchManifest.REQUIRED.stream()
          .filter(k -> row.first(k) == null).toList();
      if (!missing.isEmpty()) {
        problems.add(where + "missing " + String.join(", ", missing));
        continue;
      }
      List<String> bad = row.values().keySet().stream().filter(NOT_IN_ROWS::contains).toList();
      if (!bad.isEmpty()) {
        problems.add(where + "option(s) not allowed in a batch row: " + bad);
        continue;
      }
      Map<String, List<String>> values = resolvePaths(row.values(), base);
      Path input = Path.of(values.get("input").get(0));
      Path output = Path.of(values.get("output").get(0)).normalize();
      if (!Files.isRegularFile(input)) problems.add(where + "input " + input + ": no such file");
      // by real path: a symbolic link inside the root may point anywhere
      if (!output.startsWith(root)
          || !OutputPaths.realish(output).startsWith(OutputPaths.realish(root))) {
        problems.add(where + "output " + output + " is outside the output root " + root);
      }
      Integer other = outputs.putIfAbsent(output, row.line());
      if (other != null) {
        problems.add(where + "output " + output + " is also written by line " + other);
      }
      for (String key : List.of("source", "recognizer")) {
        for (String p : values.getOrDefault(key, List.of())) {
          if (!Files.isRegularFile(Path.of(p))) problems.add(where + key + " " + p
              + ": no such file");
        }
      }
      String model = values.get("model").get(0);
      if (!dev.doppel.swap.ModelResolver.exists(Path.of(model))) {
        problems.add(where + "model " + model + ": no such file or pair prefix");
      }
      try {
        SwapOptions options = parse(values);
        jobs.add(new BatchJob(id(values), row.line(), options));
      } catch (CommandLine.ParameterException e) {
        problems.add(where + e.getMessage());
      } catch (DoppelException e) {
        problems.add(where + e.getMessage());
      }
    }
    return jobs;
  }

  /** The row as `doppel swap` arguments, parsed and checked by the swap command itself. */
  private static SwapOptions parse(Map<String, List<String>> values) {
    List<String> args = new ArrayList<>(List.of("--output=" + values.get("output").get(0)));
    for (Map.Entry<String, List<String>> e : values.entrySet()) {
      String key = e.getKey();
      if (key.equals("input") || key.equals("output")) continue;
      if (!key.matches("[a-z0-9][a-z0-9-]*")) {
        throw DoppelException.usage("column '" + key + "': not an option name");
      }
      if (FLAGS.contains(key)) {
        String v = e.getValue().get(0).toLowerCase(java.util.Locale.ROOT);
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

  private static Map<String, List<String>> resolvePaths(Map<String, List<String>> values,
      Path base) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
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

  /** A stable id of a row's content: sorted keys and values, hashed. */
  static String id(Map<String, List<String>> values) {
    String canonical = new TreeMap<>(values).toString();
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256")
          .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void printTable(PrintWriter out, List<BatchRunner.Outcome> outcomes,
      Path root) {
    out.printf("%-5s %-40s %-8s %7s %6s %8s  %s%n", "LINE", "OUTPUT", "STATUS", "FRAMES",
        "FACES", "SECONDS", "ERROR");
    for (BatchRunner.Outcome o : outcomes) {
      Path output = o.job().options().output();
      String shown = output.startsWith(root) ? root.relativize(output).toString()
          : output.toString();
      out.printf("%-5d %-40s %-8s %7d %6d %8.1f  %s%n", o.job().line(), shown,
          o.status().name().toLowerCase(java.util.Locale.ROOT), o.frames(), o.facesSwapped(),
          o.seconds(), o.error() == null ? "" : o.error());
    }
  }

  private void writeReport(Path file, List<BatchRunner.Outcome> outcomes) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("manifest", manifestFile.toString());
    report.put("tool_version", dev.doppel.Version.get());
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (BatchRunner.Outcome o : outcomes) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("line", o.job().line());
      j.put("job", o.job().id());
      j.put("input", o.job().options().input().toString());
      j.put("output", o.job().options().output().toString());
      j.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
      j.put("frames", o.frames());
      j.put("faces_swapped", o.facesSwapped());
      j.put("seconds", Math.round(o.seconds() * 100) / 100.0);
      j.put("error", o.error());
      jobs.add(j);
    }
    report.put("jobs", jobs);
    try (AtomicFile f = new AtomicFile(file)) {
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(f.stream(), report);
      f.commit();
    } catch (IOException e) {
      throw DoppelException.processing("cannot write report: " + file + ": " + e.getMessage());
    }
  }
}
