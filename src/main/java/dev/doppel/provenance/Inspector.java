package dev.doppel.provenance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.output.Json;
import dev.doppel.output.Provenance;
import dev.doppel.provenance.c2pa.ContentCredentials;
import dev.doppel.provenance.c2pa.Verification;
import dev.doppel.video.ContainerTags;
import dev.doppel.video.Stills;
import dev.doppel.watermark.WatermarkDetector;
import dev.doppel.watermark.WatermarkScan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;

/**
 * Reads back every kind of provenance Doppel writes: its container tags (videos), the XMP packet
 * (images), the sidecar {@code FILE.doppel.json} and whether its recorded SHA-256 is the file's,
 * the C2PA manifest store, and the invisible watermark in the faces' pixels. A report, never an
 * error, for a file it can read.
 */
public final class Inspector {
  static final String IPTC_COMPOSITE =
      "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";

  /** Tags Doppel writes; other keys of the container are not reported. */
  private static final List<String> DOPPEL_TAGS =
      List.of(
          "encoder_tool",
          "doppel_kind",
          "doppel_synthetic",
          "digital_source_type",
          "comment",
          "description");

  /** The comment Doppel writes (see {@link Provenance}), which plain MP4 players keep. */
  private static final java.util.regex.Pattern SYNTHETIC_COMMENT =
      java.util.regex.Pattern.compile(
          "^SYNTHETIC: faces in this (video|image) were altered by Doppel ");

  private static final java.util.regex.Pattern PLAIN_COMMENT =
      java.util.regex.Pattern.compile("^Doppel \\S+ .*\\(faces not altered\\)$");

  private static final String XMP_START = "<x:xmpmeta";
  private static final String XMP_END = "</x:xmpmeta>";

  private Inspector() {}

  /**
   * @throws DoppelException usage error when the file is missing, processing error when it is not
   *     media Doppel can read
   */
  public static ProvenanceReport inspect(Path file) {
    return inspect(file, List.of());
  }

  /**
   * As {@link #inspect(Path)}, trusting C2PA signers whose chain ends at one of {@code anchors}.
   */
  public static ProvenanceReport inspect(Path file, List<X509Certificate> anchors) {
    if (!Files.isRegularFile(file)) {
      throw DoppelException.usage("cannot inspect: " + file + ": no such file");
    }
    boolean image = Stills.isStill(file);
    Map<String, String> tags = new TreeMap<>();
    Map<String, String> xmp = null;
    if (image) {
      xmp = xmpOf(file);
    } else {
      ContainerTags.read(file)
          .forEach(
              (k, v) -> {
                if (DOPPEL_TAGS.contains(k.toLowerCase(java.util.Locale.ROOT))) tags.put(k, v);
              });
    }
    ProvenanceReport.Sidecar sidecar = sidecarOf(file);
    ProvenanceReport.C2pa c2pa = c2paOf(file, anchors);
    ProvenanceReport.Watermark watermark =
        watermarkOf(file, sidecar != null ? sidecar.watermark() : null);

    List<String> labels = new ArrayList<>();
    boolean synthetic = false;
    boolean doppel = false;
    String comment = tags.getOrDefault("comment", "");
    if ("true".equals(tags.get("doppel_synthetic"))
        || IPTC_COMPOSITE.equals(tags.get("digital_source_type"))
        || SYNTHETIC_COMMENT.matcher(comment).find()) {
      synthetic = true;
    }
    if (tags.keySet().stream().anyMatch(k -> k.startsWith("doppel_"))
        || tags.getOrDefault("encoder_tool", "").startsWith("Doppel ")
        || SYNTHETIC_COMMENT.matcher(comment).find()
        || PLAIN_COMMENT.matcher(comment).find()) {
      doppel = true;
    }
    if (!tags.isEmpty() && (doppel || synthetic)) labels.add("container tags");
    if (xmp != null
        && ("true".equals(xmp.get("doppel:synthetic"))
            || IPTC_COMPOSITE.equals(xmp.get("Iptc4xmpExt:DigitalSourceType")))) {
      synthetic = true;
    }
    if (xmp != null
        && (xmp.containsKey("doppel:kind")
            || xmp.getOrDefault("xmp:CreatorTool", "").startsWith("Doppel"))) {
      doppel = true;
    }
    if (xmp != null && (doppel || synthetic)) labels.add("XMP");
    if (sidecar != null) {
      labels.add(sidecar.outputMatches() ? "sidecar (hash matches)" : "sidecar (hash differs)");
      doppel = true;
      synthetic |= sidecar.synthetic() && sidecar.outputMatches();
    }
    if (c2pa.present()) {
      labels.add(c2pa.valid() ? "C2PA manifest (valid)" : "C2PA manifest (INVALID)");
      if (c2pa.valid()) {
        synthetic |= IPTC_COMPOSITE.equals(c2pa.digitalSourceType());
        doppel |= c2pa.generator() != null && c2pa.generator().startsWith("Doppel");
      }
    }

    if (watermark.found()) {
      labels.add("watermark (" + watermark.payload() + ")");
      synthetic = true;
      doppel = true;
    }

    String verdict;
    if (labels.isEmpty()) {
      verdict = "no provenance found";
    } else if (synthetic) {
      verdict = "labelled synthetic by Doppel: " + String.join(", ", labels);
    } else if (doppel) {
      verdict = "a Doppel output, faces not labelled as altered: " + String.join(", ", labels);
    } else {
      verdict = "provenance of another tool: " + String.join(", ", labels);
    }
    if (c2pa.present() && !c2pa.valid()) {
      verdict += "; its C2PA manifest does not check out (" + c2pa.note() + ")";
    }
    if (sidecar != null && !sidecar.outputMatches()) {
      verdict += "; the file changed after Doppel wrote it (its SHA-256 is not the sidecar's)";
    }
    return new ProvenanceReport(
        file.toString(),
        image ? "image" : "video",
        verdict,
        synthetic,
        labels,
        tags,
        xmp,
        sidecar,
        c2pa,
        watermark);
  }

  /** The watermark in {@code file}'s faces, compared with the payload its sidecar records. */
  private static ProvenanceReport.Watermark watermarkOf(Path file, String recorded) {
    WatermarkDetector.Result r = WatermarkScan.scan(file);
    String payload = r.found() ? r.payload().hex() : null;
    String note;
    if (r.framesRead() == 0) {
      note = "not found (no face to read)";
    } else if (!r.found()) {
      note =
          String.format(
              Locale.ROOT,
              "not found (%d frames of a face read, confidence %.2f)",
              r.framesRead(),
              r.confidence());
    } else {
      note =
          String.format(
              Locale.ROOT,
              "Doppel's, output id %06x (payload %s), confidence %.2f%s, %d frames read, %d"
                  + " decode on their own%s",
              r.payload().outputId(),
              payload,
              r.confidence(),
              r.gain() == 1.0 ? "" : String.format(Locale.ROOT, " at gain %.2f", r.gain()),
              r.framesRead(),
              r.framesMarked(),
              recorded == null
                  ? ""
                  : payload.equals(recorded)
                      ? "; the sidecar records the same payload"
                      : "; the sidecar records another payload (" + recorded + ")");
    }
    return new ProvenanceReport.Watermark(
        r.found(),
        payload,
        recorded,
        Math.round(r.confidence() * 1000) / 1000.0,
        r.framesRead(),
        r.framesMarked(),
        note);
  }

  private static ProvenanceReport.Sidecar sidecarOf(Path file) {
    Path path = Provenance.sidecarFor(file);
    if (!Files.isRegularFile(path)) return null;
    JsonNode s;
    try {
      s = Json.MAPPER.readTree(path.toFile());
    } catch (IOException e) {
      return new ProvenanceReport.Sidecar(
          path.toString(), null, null, null, false, null, null, null, false, null);
    }
    String recorded = s.path("output").path("sha256").asText("");
    return new ProvenanceReport.Sidecar(
        path.toString(),
        s.path("tool").asText(null),
        s.path("version").asText(null),
        s.path("kind").asText(null),
        s.path("synthetic").asBoolean(false),
        s.path("created").asText(null),
        s.path("input").path("path").asText(null),
        s.path("input").path("sha256").isTextual() ? s.path("input").path("sha256").asText() : null,
        recorded.equals(Provenance.sha256(file)),
        s.path("settings").path("watermark").path("payload").asText(null));
  }

  /**
   * The XMP packet of an image, found by scanning for it (XMP's packet scanning: JPEG APP1, PNG
   * iTXt, WebP and TIFF all keep it uncompressed in Doppel's files), with the fields Doppel and
   * IPTC define, whether written as attributes or as elements. Null when there is none.
   */
  static Map<String, String> xmpOf(Path file) {
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw DoppelException.processing("cannot read: " + file + ": " + e.getMessage());
    }
    int from = text.indexOf(XMP_START);
    int to = from < 0 ? -1 : text.indexOf(XMP_END, from);
    if (to < 0) return null;
    byte[] packet =
        text.substring(from, to + XMP_END.length()).getBytes(StandardCharsets.ISO_8859_1);
    Map<String, String> out = new TreeMap<>();
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(packet));
      NodeList all = doc.getElementsByTagName("*");
      for (int i = 0; i < all.getLength(); i++) {
        Element e = (Element) all.item(i);
        NamedNodeMap attrs = e.getAttributes();
        for (int a = 0; a < attrs.getLength(); a++) {
          Attr attr = (Attr) attrs.item(a);
          keep(out, attr.getName(), attr.getValue());
        }
        if (e.getChildNodes().getLength() == 1 && e.getFirstChild().getNodeType() == 3) {
          keep(out, e.getTagName(), e.getTextContent());
        }
      }
    } catch (Exception e) {
      out.put("error", "unreadable XMP packet: " + e.getMessage());
    }
    return out;
  }

  private static void keep(Map<String, String> out, String name, String value) {
    if (name.equals("Iptc4xmpExt:DigitalSourceType")
        || name.equals("xmp:CreatorTool")
        || name.startsWith("doppel:")) {
      out.put(name, value.strip());
    }
  }

  private static ProvenanceReport.C2pa c2paOf(Path file, List<X509Certificate> anchors) {
    Verification v;
    try {
      v = ContentCredentials.verify(file, anchors);
    } catch (IOException e) {
      throw DoppelException.processing("cannot read: " + file + ": " + e.getMessage());
    }
    String note;
    if (!v.present()) {
      note = "none";
    } else if (v.valid()) {
      note =
          "valid (signature, assertions, "
              + "hash binding); signed by "
              + v.signer()
              + ", "
              + v.trust()
              + "; actions "
              + String.join(", ", v.actions())
              + (v.digitalSourceType() != null ? "; source type " + v.digitalSourceType() : "");
    } else {
      note = "present but INVALID: " + v.problem();
    }
    return new ProvenanceReport.C2pa(
        v.present(),
        v.valid(),
        v.signatureValid(),
        v.assertionsValid(),
        v.bindingValid(),
        v.signer(),
        v.trust(),
        v.generator(),
        v.actions(),
        v.digitalSourceType(),
        note);
  }
}
