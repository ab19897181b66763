package dev.doppel.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.Version;
import dev.doppel.output.AtomicFile;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a trained model is, written beside it: PREFIX.md (data with SHA-256, spec, steps, time,
 * hardware, held-out quality, how to use it) and the model folder's manifest.json entries (the rule
 * for every model file: origin, licence, SHA-256).
 */
final class ModelCard {
  private ModelCard() {}

  static Path write(
      TrainOptions o,
      List<String> names,
      Map<String, Path> facesets,
      Path spec,
      Recipe.SpecFacts facts,
      PythonRuntime python,
      JsonNode trained,
      JsonNode evaluated,
      List<Path> graphs,
      boolean resumed)
      throws IOException {
    String base = o.prefix().getFileName().toString();
    boolean pair = names.size() == 2;
    String a = names.get(0);
    String b = names.get(1);
    StringBuilder md = new StringBuilder();
    md.append("# ").append(base);
    if (pair) md.append(": pair model ").append(a).append(" <-> ").append(b);
    else md.append(": model of ").append(names.size()).append(" identities, ");
    if (!pair) md.append(String.join(", ", names));
    md.append("\n\nTrained with `doppel train` (Doppel ").append(Version.get()).append(").\n\n");
    md.append("```\ndoppel train");
    o.identities().forEach((n, p) -> md.append(" --identity ").append(n).append('=').append(p));
    md.append(" -o ").append(o.prefix()).append(" --spec ").append(o.spec());
    if (o.steps() != null) md.append(" --steps ").append(o.steps());
    md.append(" --device ").append(o.device()).append(" --every ").append(o.every());
    md.append("\n```\n\n## Use\n\n```\n");
    md.append("doppel swap CLIP_OF_")
        .append(a.toUpperCase(Locale.ROOT))
        .append(" -o out.mp4 --model ")
        .append(o.prefix())
        .append(" --to ")
        .append(b)
        .append("   # ")
        .append(a)
        .append("'s face becomes ")
        .append(b)
        .append("'s\n```\n\n");
    md.append(
            pair
                ? "A pair model knows these two people only: on anyone else it renders a face of "
                    + "neither."
                : "Any of these people can be swapped into any other (--to NAME); on anyone else "
                    + "the model renders a face of none of them.")
        .append(" By default `swap` leaves faces the model does not recognise as one of its ")
        .append("people alone. Its outputs are labelled synthetic like every Doppel output.\n\n");

    md.append("## Data\n\n| identity | clip | SHA-256 | frames |\n| --- | --- | --- | --- |\n");
    List<Clip> clips = clips(names, facesets);
    for (Clip c : clips) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | `%s` | %d |%n",
              c.identity(),
              c.file(),
              c.sha256(),
              c.frames()));
    }
    md.append(
        "\nCrops: "
            + facts.size()
            + " px, "
            + facts.template()
            + " template, every "
            + o.every()
            + " frame(s); every Nth crop of each track (the spec's holdout_every) is held out "
            + "of training and measured below.\n\n");

    JsonNode q = trained.path("heldout_reconstruction");
    md.append("## Training\n\n| | |\n| --- | --- |\n");
    row(
        md,
        "spec",
        facts.name()
            + " (`"
            + spec.getFileName()
            + "`, SHA-256 `"
            + trained.path("spec_sha256").asText()
            + "`)");
    row(md, "steps", trained.path("steps").asText() + (resumed ? " (resumed)" : ""));
    row(
        md,
        "time",
        String.format(Locale.ROOT, "%.1f min", trained.path("seconds").asDouble() / 60));
    row(
        md,
        "hardware",
        trained.path("device").asText()
            + ", "
            + cpuName()
            + ", "
            + trained.path("threads").asText()
            + " torch threads");
    row(
        md,
        "software",
        "PyTorch " + trained.path("torch").asText() + " (" + python.executable() + ")");
    row(
        md,
        "cost",
        String.format(
            Locale.ROOT, "%.1f MMAC per face", trained.path("macs_per_face").asDouble() / 1e6));

    md.append("\n## Quality (held-out crops, inside the face mask)\n\n");
    md.append("| | PSNR | SSIM | crops | identity probe |\n| --- | --- | --- | --- | --- |\n");
    for (String source : names) {
      JsonNode rec = q.path(source);
      md.append(
          String.format(
              Locale.ROOT,
              "| %s -> %s (reconstruction) | %.2f dB | %.4f | %d | |%n",
              source,
              source,
              rec.path("psnr").asDouble(),
              rec.path("ssim").asDouble(),
              rec.path("n").asInt()));
      for (String target : names) {
        if (target.equals(source)) continue;
        JsonNode swap = evaluated.path(source + "2" + target);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s -> %s (swap) | | | | %.0f%% judged %s |%n",
                source,
                target,
                100 * swap.path("probe_says_target").asDouble(),
                target));
      }
    }
    md.append(
        "\nThe probe is a softmax regression on the training crops of these people; it is "
            + "a sanity check, not proof that a swap convinces.\n\n## Files\n\n"
            + "| file | SHA-256 |\n| --- | --- |\n");
    Map<Path, String> hashes = new java.util.LinkedHashMap<>();
    for (Path g : graphs) {
      hashes.put(g, Provenance.sha256(g));
      md.append("| ").append(g.getFileName()).append(" | `").append(hashes.get(g));
      md.append("` |\n");
    }
    Path card = o.prefix().toAbsolutePath().resolveSibling(base + ".md");
    try (AtomicFile f = new AtomicFile(card)) {
      f.stream().write(md.toString().getBytes(StandardCharsets.UTF_8));
      f.commit();
    }
    hashes.put(card, Provenance.sha256(card));
    writeManifest(names, clips, trained, hashes);
    return card;
  }

  private static void row(StringBuilder md, String key, String value) {
    md.append("| ").append(key).append(" | ").append(value).append(" |\n");
  }

  /** Adds (or replaces) the model's entries in its folder's manifest.json. */
  /**
   * @param hashes the model's files (graphs, then the card) and their SHA-256
   */
  private static void writeManifest(
      List<String> names, List<Clip> clips, JsonNode trained, Map<Path, String> hashes)
      throws IOException {
    List<Path> all = new ArrayList<>(hashes.keySet());
    Path card = all.get(all.size() - 1);
    Path file = card.resolveSibling("manifest.json");
    ObjectNode manifest =
        Files.isRegularFile(file)
            ? (ObjectNode) Json.MAPPER.readTree(file.toFile())
            : Json.MAPPER.createObjectNode().put("about", "Models and where they come from.");
    ArrayNode files =
        manifest.has("files") ? (ArrayNode) manifest.get("files") : manifest.putArray("files");
    List<String> ours = all.stream().map(p -> p.getFileName().toString()).toList();
    for (int i = files.size() - 1; i >= 0; i--) {
      if (ours.contains(files.get(i).path("file").asText())) files.remove(i);
    }
    for (Path p : all) {
      ObjectNode e = files.addObject();
      e.put("file", p.getFileName().toString());
      e.put("sha256", hashes.get(p));
      e.put("size", Files.size(p));
      e.put(
          "role",
          p.equals(card)
              ? "model card"
              : "pair model " + String.join(" <-> ", names) + " (doppel train)");
      e.put("licence", "set it yourself: whoever holds the rights to the training clips decides");
      ObjectNode origin = e.putObject("origin");
      origin.put("tool", "Doppel " + Version.get() + " train");
      origin.put("spec_sha256", trained.path("spec_sha256").asText());
      origin.put("steps", trained.path("steps").asLong());
      ArrayNode sources = origin.putArray("clips");
      for (Clip c : clips) {
        sources
            .addObject()
            .put("identity", c.identity())
            .put("file", c.file())
            .put("sha256", c.sha256());
      }
    }
    try (AtomicFile f = new AtomicFile(file)) {
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(f.stream(), manifest);
      f.commit();
    }
  }

  /** One training clip as its face set's index records it. */
  private record Clip(String identity, String file, String sha256, long frames) {}

  private static List<Clip> clips(List<String> names, Map<String, Path> facesets)
      throws IOException {
    List<Clip> out = new ArrayList<>();
    for (String n : names) {
      JsonNode index = Json.MAPPER.readTree(facesets.get(n).resolve("faceset.json").toFile());
      for (JsonNode s : index.path("sources")) {
        out.add(
            new Clip(
                n,
                Path.of(s.path("path").asText()).getFileName().toString(),
                s.path("sha256").asText(),
                s.path("frames").asLong()));
      }
    }
    return out;
  }

  private static String cpuName() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip()
              + " ("
              + Runtime.getRuntime().availableProcessors()
              + " cores)";
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return Runtime.getRuntime().availableProcessors() + " cores";
  }
}
