package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.identity.Recognizer;
import dev.doppel.models.Catalog;
import dev.doppel.models.Downloader;
import dev.doppel.output.Progress;
import dev.doppel.output.Provenance;
import dev.doppel.swap.ModelInfo;
import dev.doppel.swap.OnnxFile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = {"List, verify, download and inspect models."},
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Verify.class,
      ModelsCommand.Pull.class,
      ModelsCommand.Info.class
    })
final class ModelsCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options of the subcommands that read the catalogue. */
  static final class Where {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Models folder. Default: $DOPPEL_MODELS, else the installation's models/.")
    Path dir;

    @Option(
        names = "--catalog",
        paramLabel = "FILE",
        description = "Catalogue file. Default: DIR/catalog.json.")
    Path catalog;

    Path folder() {
      return dir != null ? dir : Catalog.defaultFolder();
    }

    Catalog read() {
      return Catalog.read(folder(), catalog);
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Shipped and downloadable models, with licence and whether present.")
  static final class ListModels implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where = new Where();
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Catalog c = where.read();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-36s %-9s %10s  %-9s %s%n", "NAME", "KIND", "SIZE", "STATUS", "LICENCE");
      for (Catalog.Entry e : c.shipped()) {
        out.printf(
            "%-36s %-9s %10s  %-9s %s%n",
            e.file(),
            "shipped",
            mib(e.size()),
            Files.exists(c.folder().resolve(e.file())) ? "present" : "MISSING",
            e.licence());
      }
      for (Catalog.Entry e : c.downloadable()) {
        Path f = c.folder().resolve(e.file());
        String status =
            !Files.exists(f) ? "not pulled" : sizeOf(f) == e.size() ? "present" : "BAD SIZE";
        out.printf(
            "%-36s %-9s %10s  %-9s %s%n",
            e.name(),
            "download",
            mib(e.size()),
            status,
            e.licence() + (e.commercialUse() ? "" : " [NON-COMMERCIAL]"));
      }
      return 0;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = "Check size and SHA-256 of every model present. Exit 1 on any mismatch.")
  static final class Verify implements Callable<Integer> {
    @picocli.CommandLine.Mixin Where where = new Where();
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Catalog c = where.read();
      PrintWriter out = spec.commandLine().getOut();
      List<String> bad = new ArrayList<>();
      List<Catalog.Entry> all = new ArrayList<>(c.shipped());
      all.addAll(c.downloadable());
      for (Catalog.Entry e : all) {
        Path f = c.folder().resolve(e.file());
        if (!Files.exists(f)) {
          if (e.url() == null) bad.add(e.file() + ": missing");
          out.printf("%-36s %s%n", e.file(), e.url() == null ? "MISSING" : "not pulled");
          continue;
        }
        boolean ok = sizeOf(f) == e.size() && Provenance.sha256(f).equals(e.sha256());
        if (!ok) bad.add(e.file() + ": SHA-256 or size differs from the catalogue");
        out.printf("%-36s %s%n", e.file(), ok ? "OK" : "MISMATCH");
      }
      out.flush();
      if (!bad.isEmpty()) {
        throw DoppelException.processing(
            "models verify: " + bad.size() + " problem(s): " + String.join("; ", bad));
      }
      return 0;
    }
  }

  @Command(
      name = "pull",
      mixinStandardHelpOptions = true,
      description = {
        "Download a catalogue model, resuming a cut download; the file is kept only "
            + "if its SHA-256 matches the catalogue. Shows the licence first."
      })
  static final class Pull implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Catalogue name (see 'doppel models list').")
    String name;

    @Option(
        names = "--accept-licence",
        description = "Accept a non-commercial or otherwise restrictive licence.")
    boolean acceptLicence;

    @Option(
        names = "--timeout",
        defaultValue = "30",
        paramLabel = "SECONDS",
        description =
            "Give up when the server sends nothing for this long. Default: " + "${DEFAULT-VALUE}.")
    int timeout;

    @Option(
        names = {"-q", "--quiet"},
        description = "No progress bar.")
    boolean quiet;

    @picocli.CommandLine.Mixin Where where = new Where();
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Catalog c = where.read();
      Catalog.Entry e = c.find(name);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%s (%s, %s): licence: %s%n", e.name(), e.file(), mib(e.size()), e.licence());
      out.flush();
      if (!e.commercialUse() && !acceptLicence) {
        throw DoppelException.usage(
            "models pull "
                + e.name()
                + ": its licence ("
                + e.licence()
                + ") does not allow commercial use; run again with --accept-licence to accept it");
      }
      Downloader.Result r;
      try (Progress progress = ProgressBarReporter.forTerminal(quiet)) {
        r = new Downloader(Duration.ofSeconds(timeout)).pull(e, c.folder(), progress);
      }
      out.printf(
          "%s: %s%n",
          r.file(),
          r.alreadyPresent()
              ? "already present, SHA-256 OK"
              : (r.resumed() ? "resumed, " : "")
                  + r.bytesThisRun()
                  + " bytes downloaded, SHA-256 OK");
      return 0;
    }
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = "A model's kind, inputs, outputs, metadata and how Doppel feeds it.")
  static final class Info implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "An .onnx model.")
    Path file;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      ModelInfo info = ModelInfo.read(file);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("file: %s (%s)%n", file, mib(sizeOf(file)));
      out.printf("sha256: %s%n", Provenance.sha256(file));
      out.printf("kind: %s%n", info.kind());
      out.printf(
          "crop: %dx%d, %s template, %s%n",
          info.size(), info.size(), info.template(), info.colourOrder());
      info.inputs().forEach(p -> out.printf("input: %s%n", p));
      info.outputs().forEach(p -> out.printf("output: %s%n", p));
      switch (info.kind()) {
        case ONESHOT -> {
          OnnxFile.Tensor emap = OnnxFile.lastInitializer(file);
          out.printf(
              "emap: last initializer '%s' %s; source latent = normalise(embedding . " + "emap)%n",
              emap.name(), Arrays.toString(emap.dims()));
        }
        case RECOGNIZER ->
            out.printf(
                "input scaling: %s%n",
                Recognizer.normalisesInside(file)
                    ? "raw 0..255 (the graph normalises: Sub/Mul among its first nodes)"
                    : "(x - 127.5) / 127.5");
        default -> out.printf("identities: %s -> %s%n", info.source(), info.target());
      }
      for (Map.Entry<String, String> m : new java.util.TreeMap<>(info.metadata()).entrySet()) {
        out.printf("metadata: %s = %s%n", m.getKey(), m.getValue());
      }
      return 0;
    }
  }

  static String mib(long bytes) {
    return bytes < 0 ? "?" : String.format("%.1f MiB", bytes / 1048576.0);
  }

  static long sizeOf(Path f) {
    try {
      return Files.size(f);
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
