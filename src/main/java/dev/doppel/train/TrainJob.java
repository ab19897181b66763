package dev.doppel.train;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.face.AlignmentTemplate;
import dev.doppel.face.TrackerSettings;
import dev.doppel.output.AtomicFile;
import dev.doppel.output.Json;
import dev.doppel.output.OutputClaim;
import dev.doppel.output.Progress;
import dev.doppel.output.Provenance;
import dev.doppel.output.TempFiles;
import dev.doppel.pipeline.ExtractJob;
import dev.doppel.pipeline.ExtractOptions;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.ModelKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code doppel train}: clips of two people to a pair model in one command. Extracts the face sets
 * into a work folder beside the model (or takes {@code extract} folders as they are), runs the
 * recipe's train.py with a progress line per step, evaluates the result and installs
 * PREFIX-a2b.onnx, PREFIX-b2a.onnx, the model card PREFIX.md and their manifest entries.
 *
 * <p>Rerunning the same command resumes: face sets already extracted from the same clips are kept,
 * and train.py continues from its last checkpoint (Ctrl-C, kill -9 or a crash lose at most one
 * checkpoint interval). A killed Doppel's Python child notices and exits.
 */
public final class TrainJob {
  /** Smallest face worth a crop (mesh box side in frame pixels), as extract's default. */
  private static final int MIN_FACE = 48;

  private TrainJob() {}

  /** The installed model: its graphs, card and the figures it was trained to. */
  public record Summary(List<Path> graphs, Path card, long steps, JsonNode quality) {}

  /**
   * @param log receives every line the recipe prints (the work folder's train.log has them too)
   */
  @SuppressWarnings("try") // an OutputClaim is held for the block, never called
  public static Summary run(TrainOptions o, Progress progress, PrintWriter log) {
    check(o);
    PythonRuntime python = PythonRuntime.find();
    if (o.device().equals("cuda") && !python.cuda()) {
      throw DoppelException.usage(
          "--device cuda: PyTorch "
              + python.torchVersion()
              + " in "
              + python.executable()
              + " sees no CUDA GPU");
    }
    Path work = o.work();
    boolean resuming = Files.isRegularFile(work.resolve("run/checkpoint.pt"));
    if (o.resume() && !resuming) {
      throw DoppelException.usage(
          "--resume: " + work + " holds no checkpoint of an earlier run of this command");
    }
    boolean fresh = !Files.exists(work);
    try (OutputClaim claim = OutputClaim.take(o.prefix().toAbsolutePath())) {
      return trainClaimed(o, python, work, resuming, progress, log);
    } catch (RuntimeException e) {
      // a first run that failed before its first checkpoint leaves no work folder behind
      if (fresh && !Files.exists(work.resolve("run/checkpoint.pt"))) TempFiles.deleteTree(work);
      throw e;
    }
  }

  private static Summary trainClaimed(
      TrainOptions o,
      PythonRuntime python,
      Path work,
      boolean resuming,
      Progress progress,
      PrintWriter log) {
    try {
      Files.createDirectories(work);
      Path recipe = Recipe.install(work.resolve("recipe"));
      Path spec = Recipe.spec(o.spec(), recipe);
      Recipe.SpecFacts facts = Recipe.facts(spec);
      List<String> names = new ArrayList<>(o.identities().keySet());
      Map<String, Path> facesets = new LinkedHashMap<>();
      for (String name : names) {
        facesets.put(name, faceset(name, o.identities().get(name), facts, o, work, progress));
      }
      Path run = work.resolve("run");
      Files.createDirectories(run);
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  python.executable(),
                  recipe.resolve("train.py").toString(),
                  "--spec",
                  spec.toString(),
                  "--out",
                  run.toString(),
                  "--device",
                  o.device(),
                  "--progress-json",
                  "--parent-pid",
                  String.valueOf(ProcessHandle.current().pid())));
      cmd.addAll(identityArguments(names, facesets));
      if (o.steps() != null) cmd.addAll(List.of("--steps", o.steps().toString()));
      // PyTorch's default can be one thread where the cores are hyperthreads: use them all
      int threads = o.threads() != null ? o.threads() : Runtime.getRuntime().availableProcessors();
      cmd.addAll(List.of("--threads", String.valueOf(threads)));
      runPython(cmd, work.resolve("train.log"), "training", progress, log);

      Path evaluation = work.resolve("evaluate.json");
      List<String> evaluate =
          new ArrayList<>(
              List.of(
                  python.executable(),
                  recipe.resolve("evaluate.py").toString(),
                  "--spec",
                  spec.toString(),
                  "--checkpoint",
                  run.resolve("checkpoint.pt").toString(),
                  "--out",
                  evaluation.toString()));
      evaluate.addAll(identityArguments(names, facesets));
      runPython(evaluate, work.resolve("evaluate.log"), "evaluation", Progress.NONE, log);
      List<Path> graphs = install(o.prefix(), run, names);
      JsonNode trained = Json.MAPPER.readTree(run.resolve("eval.json").toFile());
      JsonNode evaluated = Json.MAPPER.readTree(evaluation.toFile());
      Path card =
          ModelCard.write(
              o, names, facesets, spec, facts, python, trained, evaluated, graphs, resuming);
      return new Summary(graphs, card, trained.path("steps").asLong(), trained);
    } catch (IOException e) {
      throw DoppelException.processing("cannot train: " + work + ": " + e.getMessage());
    }
  }

  /** train.py's and evaluate.py's {@code --identity NAME FACESET}, in the model's order. */
  private static List<String> identityArguments(List<String> names, Map<String, Path> facesets) {
    List<String> args = new ArrayList<>();
    for (String name : names) {
      args.addAll(List.of("--identity", name, facesets.get(name).toString()));
    }
    return args;
  }

  private static void check(TrainOptions o) {
    if (o.identities().size() < 2) {
      throw DoppelException.usage(
          "give two or more --identity NAME=CLIPS (two make a pair model, more a model that"
              + " swaps any of them into any other), got "
              + o.identities().size());
    }
    for (String name : o.identities().keySet()) {
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,39}")) {
        throw DoppelException.usage(
            "--identity "
                + name
                + ": a name is 1-40 letters, digits, - and _ (it names the model's files)");
      }
    }
    if (o.every() < 1) throw DoppelException.usage("--every " + o.every() + ": must be >= 1");
    Recipe.checkSpec(o.spec());
    o.identities()
        .forEach(
            (name, given) -> {
              if (Files.isRegularFile(given.resolve("faceset.json"))) return;
              try {
                clips(name, given); // fails on a missing file or a folder without clips
              } catch (IOException e) {
                throw DoppelException.usage("--identity " + name + "=" + given + ": " + e);
              }
            });
    if (o.steps() != null && o.steps() < 1) {
      throw DoppelException.usage("--steps " + o.steps() + ": must be >= 1");
    }
    if (!List.of("auto", "cpu", "cuda").contains(o.device())) {
      throw DoppelException.usage("--device " + o.device() + ": use auto, cpu or cuda");
    }
    Path parent = o.prefix().toAbsolutePath().normalize().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw DoppelException.usage("cannot write model: the folder " + parent + " does not exist");
    }
  }

  /**
   * The face set of one identity: an extract folder as given, or the clips extracted into the work
   * folder (kept when a rerun finds them extracted from the same clips).
   */
  private static Path faceset(
      String name, Path given, Recipe.SpecFacts facts, TrainOptions o, Path work, Progress progress)
      throws IOException {
    if (Files.isRegularFile(given.resolve("faceset.json"))) return given.toAbsolutePath();
    List<Path> clips = clips(name, given);
    Path target = work.resolve("facesets").resolve(name);
    if (Files.isRegularFile(target.resolve("faceset.json"))) {
      List<String> had = new ArrayList<>();
      Json.MAPPER
          .readTree(target.resolve("faceset.json").toFile())
          .path("sources")
          .forEach(s -> had.add(s.path("sha256").asText()));
      List<String> now = clips.stream().map(Provenance::sha256).toList();
      if (had.equals(now)) return target;
      throw DoppelException.usage(
          "--identity "
              + name
              + ": "
              + target
              + " was extracted from other clips; delete "
              + work
              + " to start over, or use another -o");
    }
    Files.createDirectories(target.getParent());
    ExtractJob.run(
        new ExtractOptions(
            clips,
            target,
            facts.size(),
            o.every(),
            AlignmentTemplate.valueOf(facts.template()),
            MIN_FACE,
            TrackerSettings.defaults(),
            dev.doppel.video.TimeRange.ALL),
        progress);
    return target;
  }

  /** A clip, or the clips of a folder (by extension, sorted). */
  static List<Path> clips(String name, Path given) throws IOException {
    if (Files.isRegularFile(given)) return List.of(given);
    if (!Files.isDirectory(given)) {
      throw DoppelException.usage("--identity " + name + "=" + given + ": no such file or folder");
    }
    List<Path> clips;
    try (Stream<Path> files = Files.list(given)) {
      clips =
          files
              .filter(Files::isRegularFile)
              .filter(
                  f -> {
                    String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                    int dot = n.lastIndexOf('.');
                    return !n.startsWith(".")
                        && dot > 0
                        && dev.doppel.video.MediaFiles.VIDEO_EXTENSIONS.contains(
                            n.substring(dot + 1));
                  })
              .sorted()
              .toList();
    }
    if (clips.isEmpty()) {
      throw DoppelException.usage(
          "--identity "
              + name
              + "="
              + given
              + ": no video clips in this folder (nor a faceset.json from doppel extract)");
    }
    return clips;
  }

  /**
   * Runs a recipe script: '@progress' lines move the bar, every other line goes to the log; a
   * failure names the script's last words. The child dies with Doppel (see train.py's --parent-pid,
   * and the shutdown hook for Ctrl-C and SIGTERM).
   */
  private static void runPython(
      List<String> cmd, Path logFile, String what, Progress progress, PrintWriter log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PYTHONUNBUFFERED", "1");
    Process p = pb.start();
    Thread stopChild = new Thread(p::destroy, "doppel-train-stop");
    Runtime.getRuntime().addShutdownHook(stopChild);
    Deque<String> last = new ArrayDeque<>();
    long shown = -1;
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        // flushed per line: train.log can be followed while it trains
        PrintWriter file =
            new PrintWriter(
                Files.newBufferedWriter(
                    logFile,
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND),
                true)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("@progress ")) {
          JsonNode s = Json.MAPPER.readTree(line.substring("@progress ".length()));
          long step = s.path("step").asLong();
          if (shown < 0) {
            progress.start(what, s.path("steps").asLong(), "steps");
            progress.stepBy(step - 1);
            shown = step - 1;
          }
          progress.stepBy(step - shown);
          shown = step;
          progress.note(losses(s.path("losses")));
          continue;
        }
        file.println(line);
        log.println(line);
        if (!line.isBlank()) {
          last.addLast(line);
          if (last.size() > 3) last.removeFirst();
        }
      }
      int code = p.waitFor();
      if (code != 0) {
        throw DoppelException.processing(
            what + " failed (exit " + code + "): " + String.join(" | ", last) + "; log " + logFile);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DoppelException.processing(what + " interrupted");
    } finally {
      p.destroy();
      try {
        Runtime.getRuntime().removeShutdownHook(stopChild);
      } catch (IllegalStateException ignored) {
        // already shutting down: the hook stops the child
      }
    }
  }

  /** The progress line's losses: mean reconstruction over the identities, and adversarial. */
  private static String losses(JsonNode losses) {
    double rec = 0;
    int n = 0;
    for (var it = losses.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.startsWith("rec_")) {
        rec += losses.path(k).asDouble();
        n++;
      }
    }
    StringBuilder b = new StringBuilder();
    if (n > 0) b.append(String.format(Locale.ROOT, "rec %.4f ", rec / n));
    if (losses.has("adv_g")) {
      b.append(String.format(Locale.ROOT, "adv_g %.4f", losses.path("adv_g").asDouble()));
    }
    return b.toString().strip();
  }

  /** Copies the run's two graphs to PREFIX-a2b.onnx / PREFIX-b2a.onnx and checks they load. */
  /**
   * Copies the exported graphs beside PREFIX: a pair's two directions (PREFIX-A2B.onnx,
   * PREFIX-B2A.onnx), or for more identities one graph per target (PREFIX-to-NAME.onnx).
   */
  private static List<Path> install(Path prefix, Path run, List<String> names) throws IOException {
    List<Path> out = new ArrayList<>();
    String base = prefix.getFileName().toString();
    List<String> suffixes = new ArrayList<>();
    if (names.size() == 2) {
      suffixes.add(names.get(0) + "2" + names.get(1));
      suffixes.add(names.get(1) + "2" + names.get(0));
    } else {
      names.forEach(n -> suffixes.add("to-" + n));
    }
    for (String suffix : suffixes) {
      Path graph;
      try (Stream<Path> files = Files.list(run)) {
        graph =
            files
                .filter(f -> f.getFileName().toString().endsWith("-" + suffix + ".onnx"))
                .findFirst()
                .orElseThrow(() -> new IOException("train.py exported no *-" + suffix + ".onnx"));
      }
      Path dest = prefix.toAbsolutePath().resolveSibling(base + "-" + suffix + ".onnx");
      try (AtomicFile f = new AtomicFile(dest)) {
        Files.copy(graph, f.stream());
        f.commit();
      }
      if (ModelInfo.read(dest).kind() != ModelKind.PAIR) {
        throw DoppelException.processing("cannot install model: " + dest + ": not a Doppel model");
      }
      out.add(dest);
    }
    return out;
  }
}
