package dev.doppel.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.DoppelException;
import dev.doppel.Version;
import dev.doppel.provenance.c2pa.ContentCredentials;
import dev.doppel.provenance.c2pa.CredentialFacts;
import dev.doppel.provenance.c2pa.SigningIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The label every output carries unless the user turns it off: container tags saying which Doppel
 * made it and what kind of output it is, signed C2PA Content Credentials inside MP4/MOV, PNG and
 * JPEG files (embedded by {@link #writeSidecar} just before it hashes the output), and a sidecar
 * {@code OUTPUT.doppel.json} with the SHA-256 of inputs and output, so a file can be traced back to
 * how it was made.
 */
public final class Provenance {
  private Provenance() {}

  /** Container tags for an output of {@code kind} ("annotation", "face-swap", ...). */
  public static Map<String, String> containerTags(String kind, boolean synthetic) {
    return tags(kind, synthetic, "video");
  }

  /** The same label for a still image (written into it by {@link ImageLabel}). */
  public static Map<String, String> imageTags(String kind, boolean synthetic) {
    return tags(kind, synthetic, "image");
  }

  private static Map<String, String> tags(String kind, boolean synthetic, String medium) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("encoder_tool", "Doppel " + Version.get());
    tags.put("doppel_kind", kind);
    tags.put("doppel_synthetic", String.valueOf(synthetic));
    String words =
        synthetic
            ? "SYNTHETIC: faces in this " + medium + " were altered by Doppel " + Version.get()
            : "Doppel " + Version.get() + " " + kind + " (faces not altered)";
    // plain MP4 players keep comment and description; the custom keys need use_metadata_tags
    tags.put("comment", words);
    tags.put("description", words);
    if (synthetic) {
      // IPTC digital source type: real footage with parts made by a trained model
      tags.put(
          "digital_source_type",
          "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia");
    }
    return tags;
  }

  public static Path sidecarFor(Path output) {
    return output.resolveSibling(output.getFileName() + ".doppel.json");
  }

  /** Writes the sidecar for a finished output. */
  public static void writeSidecar(
      Path output, String kind, boolean synthetic, Path input, Map<String, Object> settings) {
    writeSidecar(output, output, kind, synthetic, input, settings);
  }

  /**
   * Writes the sidecar of {@code output} while its content is still at {@code complete} (its
   * temporary name): the label exists before the output does, so a labelled output is
   * all-or-nothing.
   */
  public static void writeSidecar(
      Path output,
      Path complete,
      String kind,
      boolean synthetic,
      Path input,
      Map<String, Object> settings) {
    writeSidecar(output, complete, kind, synthetic, input.toString(), input, settings);
  }

  /**
   * As {@link #writeSidecar(Path, Path, String, boolean, Path, Map)} for an input that may be a
   * stream (a URL, standard input, a device): {@code inputFile} null, no SHA-256 to record.
   */
  public static void writeSidecar(
      Path output,
      Path complete,
      String kind,
      boolean synthetic,
      String inputName,
      Path inputFile,
      Map<String, Object> settings) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("tool", "Doppel");
    root.put("version", Version.get());
    root.put("kind", kind);
    root.put("synthetic", synthetic);
    root.put("created", Instant.now().toString());
    ObjectNode in = root.putObject("input").put("path", inputName);
    if (inputFile != null) {
      in.put("sha256", sha256(inputFile));
    } else {
      in.putNull("sha256");
      in.put("stream", true); // read as it came: no file to hash
    }
    String outputName = output.getFileName().toString();
    if (ContentCredentials.embeds(output)) {
      // inside the file first, so the sidecar's hash is of the file as it will stay
      String inputSha = inputFile != null ? in.get("sha256").asText() : null;
      Object model = settings.get("model");
      Object modelSha = settings.get("model_sha256");
      SigningIdentity signer = ContentCredentials.signer();
      ContentCredentials.embed(
          complete,
          outputName,
          signer,
          new CredentialFacts(
              outputName,
              kind,
              synthetic,
              inputName,
              inputSha,
              model != null ? Path.of(model.toString()).getFileName().toString() : null,
              modelSha != null ? modelSha.toString() : null,
              settings.get("watermark") instanceof Map<?, ?> w ? (String) w.get("payload") : null));
      root.putObject("c2pa")
          .put("embedded", true)
          .put("signer", signer.signer().getSubjectX500Principal().getName())
          .put("development_certificate", signer.development());
    } else {
      root.putObject("c2pa")
          .put("embedded", false)
          .put(
              "why",
              "no C2PA embedding for this container (MKV, WebM, AVI); this sidecar is the label");
    }
    root.putObject("output").put("path", outputName).put("sha256", sha256(complete));
    root.set("settings", Json.MAPPER.valueToTree(settings));
    try (AtomicFile f = new AtomicFile(sidecarFor(output))) {
      Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(f.stream(), root);
      f.commit();
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot write: " + sidecarFor(output) + ": " + OutputPaths.describe(e));
    }
  }

  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw DoppelException.processing("cannot hash: " + file + ": " + e.getMessage());
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every Java platform has SHA-256
    }
  }
}
