package dev.doppel.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.pipeline.FaceJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code doppel dataset} builds (JSON, or the same in YAML for .yaml/.yml files):
 *
 * <pre>
 * {"name": "samples", "seed": 7, "real_set": "doppel",
 *  "identities": {"astronaut": ["samples/astronaut.mp4"], "hopper": ["samples/hopper.mp4"]},
 *  "methods": [{"name": "DoppelPair96", "model": "models/pair96", "faces": "largest"}],
 *  "compression": ["c0", "c23", "c40"],
 *  "perturbations": [{"kind": "gaussian_blur", "level": 2}],
 *  "random_perturbations": {"min": 2, "max": 4},
 *  "splits": {"train": 0.7, "val": 0.15, "test": 0.15}}
 * </pre>
 *
 * A pair method swaps every clip of the identity its a2b graph reads into the identity it
 * renders, and back with b2a. A one-shot method ({@code "model": "inswapper_128.onnx",
 * "recognizer": "w600k_r50.onnx", "sources_per_target": 1}) places other identities, picked
 * from the seed within the target's split, on every clip. Paths are relative to the spec file.
 */
public record DatasetSpec(Path file, String name, long seed, String realSet,
    Map<String, List<Path>> identities, List<Method> methods, List<String> compression,
    List<ClipRenderer.Step> perturbations, int[] randomMix, double[] splitRatios,
    byte[] bytes) {

  /**
   * @param oneShot an inswapper-style model that renders any identity (else a pair prefix,
   *     which renders only its two)
   * @param recognizer for a one-shot model: the ArcFace-style recogniser that embeds sources
   * @param sourcesPerTarget for a one-shot model: how many other identities go on each clip
   */
  public record Method(String name, Path model, boolean oneShot, String faces, Path recognizer,
      int sourcesPerTarget) {}

  public static final List<String> LEVELS = List.of("c0", "c23", "c40");

  /**
   * The perturbations of one target clip: the fixed list, or with random_perturbations a mix
   * of min..max different kinds at random levels, in random order, drawn from the seed and the
   * clip's name (so reruns choose the same).
   */
  public List<ClipRenderer.Step> perturbationsFor(String clip) {
    if (randomMix == null) return perturbations;
    java.util.Random r = new java.util.Random(seed * 1_000_003L + clip.hashCode());
    List<Perturbation> kinds = new ArrayList<>(List.of(Perturbation.values()));
    java.util.Collections.shuffle(kinds, r);
    int n = randomMix[0] + r.nextInt(randomMix[1] - randomMix[0] + 1);
    List<ClipRenderer.Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) steps.add(new ClipRenderer.Step(kinds.get(i), 1 + r.nextInt(5)));
    // compression acts on the stream after the frame distortions (see Perturbation)
    steps.sort(java.util.Comparator.comparing(s -> !s.kind().isFrameOperation()));
    return steps;
  }

  public static DatasetSpec read(Path file) {
    byte[] bytes;
    JsonNode root;
    try {
      bytes = Files.readAllBytes(file);
      String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
      root = n.endsWith(".yaml") || n.endsWith(".yml")
          ? new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(bytes)
          : FaceJson.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw DoppelException.usage("cannot read dataset spec: " + file + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw DoppelException.usage("cannot read dataset spec: " + file + ": not a JSON object");
    }
    Path base = file.toAbsolutePath().getParent();
    List<String> problems = new ArrayList<>();
    Map<String, List<Path>> identities = new LinkedHashMap<>();
    root.path("identities").fields().forEachRemaining(e -> {
      if (!e.getKey().matches("[A-Za-z0-9-]+")) {
        problems.add("identity '" + e.getKey() + "': use letters, digits and dashes");
      }
      List<Path> clips = new ArrayList<>();
      e.getValue().forEach(c -> {
        Path p = base.resolve(c.asText()).normalize();
        if (!Files.isRegularFile(p)) problems.add("clip " + p + ": no such file");
        clips.add(p);
      });
      identities.put(e.getKey(), clips);
    });
    if (identities.isEmpty()) problems.add("no identities");
    List<Method> methods = new ArrayList<>();
    root.path("methods").forEach(m -> {
      String name = m.path("name").asText("Doppel");
      if (!name.matches("[A-Za-z0-9_-]+")) {
        problems.add("method '" + name + "': use letters, digits, dashes and underscores");
      }
      Path recognizer = m.hasNonNull("recognizer")
          ? base.resolve(m.path("recognizer").asText()).normalize() : null;
      if (recognizer != null && !Files.isRegularFile(recognizer)) {
        problems.add("recognizer " + recognizer + ": no such file");
      }
      int sources = m.path("sources_per_target").asInt(1);
      if (sources < 1) problems.add("method " + name + ": sources_per_target must be >= 1");
      String faces = m.path("faces").asText("all");
      try {
        dev.doppel.swap.FaceSelection.parse(faces);
      } catch (DoppelException e) {
        problems.add("method " + name + ": faces '" + faces + "': use all, largest, none or "
            + "track=N");
      }
      Path model = base.resolve(m.path("model").asText("")).normalize();
      boolean oneShot = false;
      if (!dev.doppel.swap.ModelResolver.exists(model)) {
        problems.add("method " + name + ": model " + model + ": no such file or pair prefix");
      } else {
        // a file is read for its kind; a pair prefix names several graphs
        oneShot = Files.isRegularFile(model) && dev.doppel.swap.ModelInfo.ONESHOT.equals(
            dev.doppel.swap.ModelInfo.read(model).kind());
        if (oneShot && recognizer == null) {
          problems.add("method " + name + " is a one-shot model and needs a \"recognizer\"");
        }
      }
      methods.add(new Method(name, model, oneShot, faces, recognizer, sources));
    });
    if (methods.isEmpty()) problems.add("no methods");
    List<String> compression = new ArrayList<>();
    root.path("compression").forEach(c -> compression.add(c.asText()));
    if (compression.isEmpty()) compression.add("c23");
    compression.stream().filter(c -> !LEVELS.contains(c))
        .forEach(c -> problems.add("compression " + c + ": use c0, c23 or c40"));
    List<ClipRenderer.Step> perturbations = new ArrayList<>();
    root.path("perturbations").forEach(p -> {
      try {
        Perturbation kind = Perturbation.valueOf(p.path("kind").asText("").toUpperCase(
            Locale.ROOT));
        int level = p.path("level").asInt(0);
        kind.parameter(level);
        perturbations.add(new ClipRenderer.Step(kind, level));
      } catch (IllegalArgumentException e) {
        problems.add("perturbation " + p + ": " + e.getMessage());
      }
    });
    for (int i = 0; i < perturbations.size() - 1; i++) {
      if (!perturbations.get(i).kind().isFrameOperation()) {
        problems.add("perturbations: video_compression acts on the encoded stream, so it must "
            + "come last");
      }
    }
    int[] mix = null;
    JsonNode rp = root.path("random_perturbations");
    if (rp.isObject()) {
      mix = new int[] {rp.path("min").asInt(2), rp.path("max").asInt(4)};
      if (mix[0] < 1 || mix[1] < mix[0] || mix[1] > Perturbation.values().length) {
        problems.add("random_perturbations: need 1 <= min <= max <= "
            + Perturbation.values().length);
      }
      if (!perturbations.isEmpty()) {
        problems.add("give either perturbations or random_perturbations");
      }
    }
    JsonNode s = root.path("splits");
    double[] ratios = {s.path("train").asDouble(0.7), s.path("val").asDouble(0.15),
        s.path("test").asDouble(0.15)};
    if (!problems.isEmpty()) {
      throw DoppelException.usage("dataset spec " + file + ": " + String.join("; ", problems));
    }
    return new DatasetSpec(file, root.path("name").asText("dataset"), root.path("seed")
        .asLong(0), root.path("real_set").asText("doppel"), identities, methods, compression,
        perturbations, mix, ratios, bytes);
  }
}
