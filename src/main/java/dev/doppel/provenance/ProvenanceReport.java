package dev.doppel.provenance;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * What {@code doppel inspect} found in one file: each kind of provenance Doppel writes, and a
 * one-line verdict.
 *
 * @param kind "video" or "image"
 * @param labels the kinds of label found that say the file is synthetic or a Doppel output
 * @param containerTags Doppel's tags among the container's (empty when none)
 * @param xmp the XMP packet's Doppel and IPTC fields, or null when the file has none
 * @param sidecar the sidecar beside the file, or null when there is none
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // "sidecar": null says there is none
public record ProvenanceReport(
    String file,
    String kind,
    String verdict,
    boolean synthetic,
    List<String> labels,
    @JsonProperty("container_tags") Map<String, String> containerTags,
    Map<String, String> xmp,
    Sidecar sidecar,
    C2pa c2pa,
    Watermark watermark) {

  /**
   * @param outputMatches whether the SHA-256 the sidecar records is this file's
   * @param watermark the invisible watermark's payload it records, null when none
   */
  public record Sidecar(
      String path,
      String tool,
      String version,
      String kind,
      boolean synthetic,
      String created,
      @JsonProperty("input") String input,
      @JsonProperty("input_sha256") String inputSha256,
      @JsonProperty("output_sha256_matches") boolean outputMatches,
      String watermark) {}

  /**
   * C2PA Content Credentials, checked: the claim's signature, the hashes of its assertions, the
   * hard binding to the file's bytes, and whether the signer's chain ends at a trusted root.
   *
   * @param valid signature, assertions and binding all check out (trust aside)
   * @param trust "trusted (...)", "development certificate (untrusted)" or "untrusted: ..."
   * @param actions the recorded actions, e.g. c2pa.opened, c2pa.edited
   * @param digitalSourceType the IPTC digital source type an action declares
   * @param note one line for people: what was found and what failed
   */
  public record C2pa(
      boolean present,
      boolean valid,
      @JsonProperty("signature_valid") boolean signatureValid,
      @JsonProperty("assertions_valid") boolean assertionsValid,
      @JsonProperty("binding_valid") boolean bindingValid,
      String signer,
      String trust,
      String generator,
      List<String> actions,
      @JsonProperty("digital_source_type") String digitalSourceType,
      String note) {}

  /**
   * Doppel's invisible watermark, read from the faces' pixels (see {@code
   * dev.doppel.watermark.WatermarkDetector}).
   *
   * @param found whether a payload decoded
   * @param payload its 8 hex digits (tool id 44, then the output id), null when none
   * @param recorded the payload the sidecar records, null without one
   * @param confidence mean |summed chip| per frame, 0..1; unmarked faces read ~0.1-0.2
   * @param framesRead frames of the face track read
   * @param framesMarked of those, frames that decode on their own
   * @param note one line for people
   */
  public record Watermark(
      boolean found,
      String payload,
      String recorded,
      double confidence,
      @JsonProperty("frames_read") int framesRead,
      @JsonProperty("frames_marked") int framesMarked,
      String note) {}
}
