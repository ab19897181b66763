package dev.doppel.cli;

import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import dev.doppel.provenance.Inspector;
import dev.doppel.provenance.ProvenanceReport;
import dev.doppel.provenance.c2pa.SigningIdentity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
          + "C2PA Content Credentials (signature, assertion hashes, hash binding to the file's "
          + "bytes, signer and trust, actions and digital source type), and Doppel's invisible "
          + "watermark in the faces' pixels (payload, confidence; read from up to 1,500 frames).",
      "Exit 0 when every file could be read, whatever was found (\"no provenance found\" is a "
          + "result); 2 for a missing file, 1 for a file that is not media, after the others "
          + "are reported."
    })
final class InspectCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", arity = "1..*", description = "Videos or images.")
  List<Path> files;

  @Option(names = "--json", description = "One JSON array, an object per file.")
  boolean json;

  @Option(
      names = "--trust",
      paramLabel = "ROOTS.pem",
      description =
          "Trust C2PA signers whose certificate chain ends at one of these root certificates"
              + " (PEM). Default: $DOPPEL_TRUST_ANCHORS when set, else none: a valid signature"
              + " is then reported as untrusted.")
  Path trust;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<ProvenanceReport> reports = new ArrayList<>();
    DoppelException first = null;
    List<X509Certificate> anchors = anchors();
    for (Path f : files) {
      try {
        reports.add(Inspector.inspect(f, anchors));
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

  private List<X509Certificate> anchors() {
    Path file = trust;
    String env = System.getenv("DOPPEL_TRUST_ANCHORS");
    if (file == null && env != null && !env.isBlank()) file = Path.of(env);
    if (file == null) return List.of();
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw DoppelException.usage("cannot read trust anchors: " + file + ": no such file");
    }
    List<X509Certificate> anchors = SigningIdentity.certificates(file);
    if (anchors.isEmpty()) {
      throw DoppelException.usage("cannot read trust anchors: " + file + ": no PEM certificate");
    }
    return anchors;
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
