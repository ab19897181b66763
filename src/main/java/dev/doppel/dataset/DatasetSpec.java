package dev.doppel.dataset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.doppel.DoppelException;
import dev.doppel.output.OutputPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
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
 * A pair method swaps every clip of the identity its a2b graph reads into the identity it renders,
 * and back with b2a. A one-shot method ({@code "model": "inswapper_128.onnx", "recognizer":
 * "w600k_r50.onnx", "sources_per_target": 1}) places other identities, picked from the seed within
 * the target's split, on every clip. Paths are relative to the spec file.
 */
public record DatasetSpec(
    Path file,
    String name,
    long seed,
    String realSet,
    Map<String, List<Path>> identities,
    List<Method> methods,
    List<String> compression,
    List<ClipRenderer.Step> perturbations,
    int[] randomMix,
    double[] splitRatios,
    DeepfakeBench deepfakeBench,
    byte[] bytes) {

  /**
   * @param oneShot an inswapper-style model that renders any identity (else a pair prefix, which
   *     renders only its two)
   * @param recognizer for a one-shot model: the ArcFace-style recogniser that embeds sources
   * @param sourcesPerTarget for a one-shot model: how many other identities go on each clip
   */
  public record Method(
      String name,
      Path model,
      boolean oneShot,
      String faces,
      Path recognizer,
      int sourcesPerTarget) {}

  public static final List<String> LEVELS = List.of("c0", "c23", "c40");

  /**
   * The perturbations of one target clip: the fixed list, or with random_perturbations a mix of
   * min..max different kinds at random levels, in random order, drawn from the seed and the clip's
   * name (so reruns choose the same).
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

  /** The raw spec as written: every key known, every value of its JSON type. */
  @JsonIgnoreProperties(ignoreUnknown = false)
  record RawSpec(
      String name,
      Long seed,
      @JsonProperty("real_set") String realSet,
      Map<String, List<String>> identities,
      List<RawMethod> methods,
      List<String> compression,
      List<RawStep> perturbations,
      @JsonProperty("random_perturbations") RawMix randomPerturbations,
      RawSplits splits,
      @JsonProperty("deepfakebench") RawDeepfakeBench deepfakeBench) {}

  /** {@code "deepfakebench": {}} asks for the export with its defaults. */
  record RawDeepfakeBench(Integer frames, Integer size, Double scale, String root) {}

  record RawMethod(
      String name,
      String model,
      String faces,
      String recognizer,
      @JsonProperty("sources_per_target") Integer sourcesPerTarget) {}

  record RawStep(String kind, Integer level) {}

  record RawMix(Integer min, Integer max) {}

  record RawSplits(Double train, Double val, Double test) {}

  /** YAML parsing is slow on huge files (a 20 MB spec took 155 s): refused before parsing. */
  static final long MAX_YAML_BYTES = 2L << 20;

  /** JSON parses fast; 64 MiB holds a few hundred thousand clip paths. */
  static final long MAX_JSON_BYTES = 64L << 20;

  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_-]*";

  public static DatasetSpec read(Path file) {
    String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean yaml = n.endsWith(".yaml") || n.endsWith(".yml");
    byte[] bytes;
    RawSpec raw;
    try {
      if (!Files.isRegularFile(file)) {
        throw DoppelException.usage("cannot read dataset spec: " + file + ": no such file");
      }
      long size = Files.size(file);
      long max = yaml ? MAX_YAML_BYTES : MAX_JSON_BYTES;
      if (size > max) {
        throw DoppelException.usage(
            "cannot read dataset spec: "
                + file
                + ": "
                + size
                + " bytes is over the limit of "
                + max
                + " for "
                + (yaml ? "YAML (write large " + "specs as JSON)" : "JSON"));
      }
      bytes = Files.readAllBytes(file);
      raw =
          strict(
                  yaml
                      ? YAMLMapper.builder()
                          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                          .build()
                      : JsonMapper.builder()
                          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                          .build())
              .readValue(bytes, RawSpec.class);
    } catch (JsonMappingException e) {
      throw DoppelException.usage("cannot read dataset spec: " + file + ": " + describe(e));
    } catch (IOException e) {
      throw DoppelException.usage(
          "cannot read dataset spec: "
              + file
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
    if (raw == null) {
      throw DoppelException.usage("cannot read dataset spec: " + file + ": not a JSON object");
    }
    Path base = file.toAbsolutePath().getParent();
    List<String> problems = new ArrayList<>();
    String name = raw.name() != null ? raw.name() : "dataset";
    if (!name.matches(NAME)) {
      problems.add("name '" + name + "': use letters, digits, dashes and underscores");
    }
    String realSet = raw.realSet() != null ? raw.realSet() : "doppel";
    if (!realSet.matches(NAME)) {
      // it becomes a folder name: original_sequences/<real_set>/
      problems.add("real_set '" + realSet + "': use letters, digits, dashes and underscores");
    }
    Map<String, List<Path>> identities = new LinkedHashMap<>();
    Map<Path, String> identityOfClip = new HashMap<>();
    if (raw.identities() != null) {
      raw.identities()
          .forEach(
              (identity, clipNames) -> {
                if (!identity.matches("[A-Za-z0-9-]+")) {
                  problems.add("identity '" + identity + "': use letters, digits and dashes");
                }
                if (clipNames == null || clipNames.isEmpty()) {
                  problems.add("identity '" + identity + "' has no clips");
                }
                List<Path> clips = new ArrayList<>();
                for (String c : clipNames == null ? List.<String>of() : clipNames) {
                  Path p = base.resolve(c).normalize();
                  if (!Files.isRegularFile(p)) problems.add("clip " + p + ": no such file");
                  String other = identityOfClip.putIfAbsent(OutputPaths.realish(p), identity);
                  if (other != null) {
                    problems.add(
                        "clip "
                            + p
                            + " is listed "
                            + (other.equals(identity)
                                ? "twice under '" + identity + "'"
                                : "under both '" + other + "' and '" + identity + "'")
                            + " (one clip belongs to one identity, once)");
                  }
                  clips.add(p);
                }
                identities.put(identity, clips);
              });
    }
    if (identities.isEmpty()) problems.add("no identities");
    List<Method> methods = new ArrayList<>();
    for (RawMethod m : raw.methods() == null ? List.<RawMethod>of() : raw.methods()) {
      String methodName = m.name() != null ? m.name() : "Doppel";
      if (!methodName.matches("[A-Za-z0-9_-]+")) {
        problems.add("method '" + methodName + "': use letters, digits, dashes and underscores");
      }
      Path recognizer = m.recognizer() != null ? base.resolve(m.recognizer()).normalize() : null;
      if (recognizer != null && !Files.isRegularFile(recognizer)) {
        problems.add("recognizer " + recognizer + ": no such file");
      }
      int sources = m.sourcesPerTarget() != null ? m.sourcesPerTarget() : 1;
      if (sources < 1) {
        problems.add("method " + methodName + ": sources_per_target must be >= 1");
      }
      String faces = m.faces() != null ? m.faces() : "all";
      try {
        dev.doppel.swap.FaceSelection.parse(faces);
      } catch (DoppelException e) {
        problems.add(
            "method "
                + methodName
                + ": faces '"
                + faces
                + "': use all, largest, none "
                + "or track=N");
      }
      if (m.model() == null) {
        problems.add("method " + methodName + ": no model");
        continue;
      }
      Path model = base.resolve(m.model()).normalize();
      boolean oneShot = false;
      if (!dev.doppel.swap.ModelResolver.exists(model)) {
        problems.add(
            "method " + methodName + ": model " + model + ": no such file or pair " + "prefix");
      } else {
        // a file is read for its kind; a pair prefix names several graphs
        oneShot =
            Files.isRegularFile(model)
                && dev.doppel.swap.ModelInfo.read(model).kind()
                    == dev.doppel.swap.ModelKind.ONESHOT;
        if (oneShot && recognizer == null) {
          problems.add(
              "method " + methodName + " is a one-shot model and needs a " + "\"recognizer\"");
        }
      }
      methods.add(new Method(methodName, model, oneShot, faces, recognizer, sources));
    }
    if (methods.isEmpty() && problems.stream().noneMatch(p -> p.startsWith("method "))) {
      problems.add("no methods");
    }
    List<String> compression =
        new ArrayList<>(raw.compression() != null ? raw.compression() : List.of());
    if (compression.isEmpty()) compression.add("c23");
    compression.stream()
        .filter(c -> !LEVELS.contains(c))
        .forEach(c -> problems.add("compression " + c + ": use c0, c23 or c40"));
    List<ClipRenderer.Step> perturbations = new ArrayList<>();
    for (RawStep p : raw.perturbations() == null ? List.<RawStep>of() : raw.perturbations()) {
      try {
        Perturbation kind = Perturbation.valueOf(String.valueOf(p.kind()).toUpperCase(Locale.ROOT));
        int level = p.level() != null ? p.level() : 0;
        kind.parameter(level);
        perturbations.add(new ClipRenderer.Step(kind, level));
      } catch (IllegalArgumentException e) {
        problems.add("perturbation " + p.kind() + " level " + p.level() + ": " + e.getMessage());
      }
    }
    for (int i = 0; i < perturbations.size() - 1; i++) {
      if (!perturbations.get(i).kind().isFrameOperation()) {
        problems.add(
            "perturbations: video_compression acts on the encoded stream, so it must "
                + "come last");
      }
    }
    int[] mix = null;
    RawMix rp = raw.randomPerturbations();
    if (rp != null) {
      mix = new int[] {rp.min() != null ? rp.min() : 2, rp.max() != null ? rp.max() : 4};
      if (mix[0] < 1 || mix[1] < mix[0] || mix[1] > Perturbation.values().length) {
        problems.add(
            "random_perturbations: need 1 <= min <= max <= " + Perturbation.values().length);
      }
      if (!perturbations.isEmpty()) {
        problems.add("give either perturbations or random_perturbations");
      }
    }
    RawSplits s = raw.splits() != null ? raw.splits() : new RawSplits(null, null, null);
    double[] ratios = {
      s.train() != null ? s.train() : 0.7,
      s.val() != null ? s.val() : 0.15,
      s.test() != null ? s.test() : 0.15
    };
    if (Arrays.stream(ratios).anyMatch(r -> !Double.isFinite(r) || r < 0)
        || Arrays.stream(ratios).sum() <= 0) {
      problems.add(
          "splits "
              + Arrays.toString(ratios)
              + ": give train, val and test as "
              + "shares >= 0 with a sum above 0");
    }
    DeepfakeBench dfb = null;
    if (raw.deepfakeBench() != null) {
      RawDeepfakeBench d = raw.deepfakeBench();
      dfb =
          new DeepfakeBench(
              d.frames() != null ? d.frames() : DeepfakeBench.FRAMES,
              d.size() != null ? d.size() : DeepfakeBench.SIZE,
              d.scale() != null ? d.scale() : DeepfakeBench.SCALE,
              d.root() != null ? d.root() : "datasets/" + name);
      List<String> names = new ArrayList<>(identities.keySet());
      methods.forEach(m -> names.add(m.name()));
      names.add(name);
      names.add(realSet);
      problems.addAll(dfb.problems(names));
    }
    if (!problems.isEmpty()) {
      throw DoppelException.usage("dataset spec " + file + ": " + String.join("; ", problems));
    }
    return new DatasetSpec(
        file,
        name,
        raw.seed() != null ? raw.seed() : 0,
        realSet,
        identities,
        methods,
        compression,
        perturbations,
        mix,
        ratios,
        dfb,
        bytes);
  }

  /** A mapper that refuses what a typo or a wrong type would silently turn into a default. */
  private static ObjectMapper strict(ObjectMapper m) {
    m.enable(
        DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
        DeserializationFeature.FAIL_ON_TRAILING_TOKENS,
        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
        DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    m.enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    m.coercionConfigDefaults()
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    // a String target still takes a JSON string
    m.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
        .setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
    // ... and a share may be written 0 or 1
    m.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Float)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
    return m;
  }

  /** Jackson's complaint in one line: where in the spec, and what was wrong. */
  private static String describe(JsonMappingException e) {
    List<JsonMappingException.Reference> path = e.getPath();
    if (e instanceof UnrecognizedPropertyException u) {
      String where =
          path.size() <= 1 ? "the top level" : location(path.subList(0, path.size() - 1));
      return "unknown key '"
          + u.getPropertyName()
          + "' at "
          + where
          + " (known: "
          + u.getKnownPropertyIds()
          + ")";
    }
    String why =
        String.valueOf(e.getOriginalMessage())
            .lines()
            .findFirst()
            .orElse("")
            .replaceAll(" \\(class [^)]*\\)", "")
            .replaceAll(" \\(but [^)]*\\)", "")
            .replace("`java.lang.", "`")
            .replaceAll("`[\\w.$]*[.$](Raw\\w+)`", "$1");
    return (path.isEmpty() ? "" : location(path) + ": ") + why;
  }

  /** A JSON path as the user wrote it: methods[0].model. */
  private static String location(List<JsonMappingException.Reference> path) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) b.append('.');
        b.append(r.getFieldName());
      } else {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }
}
