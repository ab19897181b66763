package dev.doppel.batch;

import dev.doppel.DoppelException;
import dev.doppel.Version;
import dev.doppel.output.AtomicFile;
import dev.doppel.output.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a batch run did: a table for the terminal and a JSON report. */
public record BatchReport(Path manifest, Path root, List<BatchRunner.Outcome> outcomes) {

  public long count(BatchRunner.Status status) {
    return outcomes.stream().filter(o -> o.status() == status).count();
  }

  /** One line per job (outputs shown relative to the root), then nothing else. */
  public void printTable(PrintWriter out) {
    out.printf(
        "%-5s %-40s %-8s %7s %6s %8s  %s%n",
        "LINE", "OUTPUT", "STATUS", "FRAMES", "FACES", "SECONDS", "ERROR");
    for (BatchRunner.Outcome o : outcomes) {
      Path output = o.job().output();
      String shown =
          output.startsWith(root) ? root.relativize(output).toString() : output.toString();
      out.printf(
          "%-5d %-40s %-8s %7d %6d %8.1f  %s%n",
          o.job().line(),
          shown,
          name(o.status()),
          o.frames(),
          o.facesSwapped(),
          o.seconds(),
          o.error() == null ? "" : o.error());
    }
  }

  /** Writes the JSON report atomically. */
  public void write(Path file) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("manifest", manifest.toString());
    report.put("tool_version", Version.get());
    List<Map<String, Object>> jobs = new ArrayList<>();
    for (BatchRunner.Outcome o : outcomes) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("line", o.job().line());
      j.put("job", o.job().id());
      j.put("input", o.job().input().toString());
      j.put("output", o.job().output().toString());
      j.put("status", name(o.status()));
      j.put("frames", o.frames());
      j.put("faces_swapped", o.facesSwapped());
      j.put("seconds", Math.round(o.seconds() * 100) / 100.0);
      j.put("error", o.error());
      if (!o.notes().isEmpty()) j.put("notes", o.notes());
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

  private static String name(BatchRunner.Status status) {
    return status.name().toLowerCase(Locale.ROOT);
  }
}
