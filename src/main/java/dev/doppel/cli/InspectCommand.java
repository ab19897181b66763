package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import dev.doppel.provenance.Inspector;
import dev.doppel.provenance.ProvenanceReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Report the provenance a file carries: Doppel's container tags (videos), XMP label "
          + "(images), the sidecar FILE.doppel.json and whether its SHA-256 is the file's, and "
          + "whether a C2PA manifest is present.",
      "Exit 0 when every file could be read, whatever was found (\"no provenance found\" is a "
          + "result); 2 for a missing file, 1 for a file that is not media, after the others "
          + "are reported."
    })
final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Videos or images.")
  List<Path> files;

  @Option(names = "--json", description = "One JSON array, an object per file.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<ProvenanceReport> reports = new ArrayList<>();
    DoppelException first = null;
    for (Path f : files) {
      try {
        reports.add(Inspector.inspect(f));
      } catch (DoppelException e) {
        err.println("doppel: " + e.getMessage());
        if (first == null) first = e;
      }
    }
    if (json) {
      out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(reports));
    } else {
      reports.forEach(r -> print(out, r));
    }
    out.flush();
    err.flush();
    return first == null ? 0 : first.exitCode();
  }

  private static void print(PrintWriter out, ProvenanceReport r) {
    out.printf("%s (%s)%n", r.file(), r.kind());
    out.printf("  verdict:        %s%n", r.verdict());
    out.printf(
        "  container tags: %s%n",
        r.kind().equals("image") ? "(image: see XMP)" : join(r.containerTags()));
    if (r.kind().equals("image")) {
      out.printf("  XMP:            %s%n", r.xmp() == null ? "none" : join(r.xmp()));
    }
    ProvenanceReport.Sidecar s = r.sidecar();
    out.printf(
        "  sidecar:        %s%n",
        s == null
            ? "none"
            : s.path()
                + ": "
                + s.tool()
                + " "
                + s.version()
                + ", "
                + s.kind()
                + (s.synthetic() ? ", synthetic" : "")
                + ", created "
                + s.created()
                + ", input "
                + s.input()
                + (s.outputMatches()
                    ? "; the file's SHA-256 matches"
                    : "; the file's SHA-256 does NOT match (changed since)"));
    out.printf("  C2PA:           %s%n", r.c2pa().note());
    out.printf("  watermark:      %s%n", r.watermark().note());
  }

  private static String join(Map<String, String> m) {
    if (m.isEmpty()) return "none";
    return m.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("; "));
  }
}
