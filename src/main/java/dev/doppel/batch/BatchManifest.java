package dev.doppel.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A batch manifest: CSV with a header row (at least {@code input,output,model}; further columns are
 * swap options named like the command line's, e.g. {@code faces}, {@code codec}, {@code
 * keep_mouth}) or JSON Lines with the same keys. Several values of one option (CSV: {@code source}
 * photos) are separated by {@code ;}; in JSON Lines they may be an array.
 */
public record BatchManifest(Path file, List<Row> rows) {
  /** One job's line in the file and its values (blank cells left out). */
  public record Row(int line, Map<String, List<String>> values) {
    public String first(String key) {
      List<String> v = values.get(key);
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  public static BatchManifest read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw DoppelException.usage("cannot read manifest: " + file + ": no such file");
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      List<Row> rows =
          name.endsWith(".jsonl") || name.endsWith(".ndjson") ? jsonLines(file) : csv(file);
      if (rows.isEmpty()) {
        throw DoppelException.usage("cannot read manifest: " + file + ": no rows");
      }
      return new BatchManifest(file, List.copyOf(rows));
    } catch (IOException | RuntimeException e) {
      if (e instanceof DoppelException de) throw de;
      throw DoppelException.usage(
          "cannot read manifest: "
              + file
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  private static List<Row> csv(Path file) throws IOException {
    CsvMapper mapper = new CsvMapper();
    CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnSeparator(',').withComments();
    List<Row> rows = new ArrayList<>();
    try (MappingIterator<Map<String, String>> it =
        mapper.readerForMapOf(String.class).with(schema).readValues(file.toFile())) {
      while (it.hasNextValue()) {
        Map<String, String> raw = it.nextValue();
        int line = rows.size() + 2; // after the header; cells with line breaks are not expected
        Map<String, List<String>> values = new LinkedHashMap<>();
        raw.forEach(
            (k, v) -> {
              if (v != null && !v.isBlank()) {
                List<String> parts = new ArrayList<>();
                for (String p : v.split(";", -1)) if (!p.isBlank()) parts.add(p.strip());
                values.put(key(k), parts);
              }
            });
        rows.add(new Row(line, values));
      }
    }
    return rows;
  }

  private static List<Row> jsonLines(Path file) throws IOException {
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i).strip();
      if (text.isEmpty() || text.startsWith("#")) continue;
      JsonNode node;
      try {
        node = Json.MAPPER.readTree(text);
      } catch (IOException e) {
        throw DoppelException.usage(
            "cannot read manifest: " + file + ":" + (i + 1) + ": not a JSON object");
      }
      if (!node.isObject()) {
        throw DoppelException.usage(
            "cannot read manifest: " + file + ":" + (i + 1) + ": not a JSON object");
      }
      Map<String, List<String>> values = new LinkedHashMap<>();
      for (var e : node.properties()) {
        List<String> parts = new ArrayList<>();
        if (e.getValue().isArray()) e.getValue().forEach(v -> parts.add(v.asText()));
        else if (!e.getValue().isNull()) parts.add(e.getValue().asText());
        if (!parts.isEmpty()) values.put(key(e.getKey()), parts);
      }
      rows.add(new Row(i + 1, values));
    }
    return rows;
  }

  /** Column names as the command line's options: lower case, dashes for underscores. */
  private static String key(String column) {
    return column.strip().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
