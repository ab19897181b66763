package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.doppel.Version;
import dev.doppel.output.Provenance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Writes the C2PA manifest store of one output: the assertions (hard binding, ingredient, actions,
 * Doppel's own record), the claim that lists their hashes, and its COSE signature. The labels are
 * fixed when the writer is made, so writing again with another binding hash of the same length
 * gives a store of the same length: containers reserve the space first, hash the asset around it,
 * then fill it.
 */
final class ManifestStoreWriter {
  static final String DIGITAL_SOURCE_TYPE =
      "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";
  static final String DOPPEL_ASSERTION = "dev.doppel.provenance";
  static final String INGREDIENT = "c2pa.ingredient.v3";
  static final String ACTIONS = "c2pa.actions.v2";

  private final CredentialFacts facts;
  private final SigningIdentity identity;
  private final String manifestLabel;
  private final String instanceId;

  /**
   * @param seed decides the manifest's labels: random for a one-off output, derived from the file's
   *     bytes for a dataset (with deterministic signatures, the same input then gives the same
   *     bytes)
   */
  ManifestStoreWriter(CredentialFacts facts, SigningIdentity identity, byte[] seed) {
    this.facts = facts;
    this.identity = identity;
    this.manifestLabel = "urn:c2pa:" + uuidFrom(seed, "manifest");
    this.instanceId = "xmp:iid:" + uuidFrom(seed, "instance");
  }

  /** A version-4-shaped UUID from SHA-256 of {@code seed} and {@code what}. */
  static UUID uuidFrom(byte[] seed, String what) {
    java.security.MessageDigest md = DataHash.sha256();
    md.update(seed);
    md.update(what.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(md.digest());
    long hi = (b.getLong() & ~0xF000L) | 0x4000L;
    long lo = (b.getLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(hi, lo);
  }

  /** The signed store with {@code binding} (label, CBOR content) as its hard binding. */
  byte[] write(String bindingLabel, ObjectNode binding) {
    List<byte[]> assertions = new ArrayList<>();
    ArrayNode created = Cbor.array();

    byte[] bindingBox = assertion(bindingLabel, binding);
    assertions.add(bindingBox);
    created.add(hashedUri(bindingLabel, bindingBox));

    byte[] ingredientBox = assertion(INGREDIENT, ingredient());
    assertions.add(ingredientBox);
    ObjectNode ingredientRef = hashedUri(INGREDIENT, ingredientBox);
    created.add(ingredientRef);

    byte[] actionsBox = assertion(ACTIONS, actions(ingredientRef));
    assertions.add(actionsBox);
    created.add(hashedUri(ACTIONS, actionsBox));

    byte[] doppelBox = assertion(DOPPEL_ASSERTION, doppel());
    assertions.add(doppelBox);
    created.add(hashedUri(DOPPEL_ASSERTION, doppelBox));

    ObjectNode claim = Cbor.map();
    claim.put("instanceID", instanceId);
    claim.putObject("claim_generator_info").put("name", "Doppel").put("version", Version.get());
    claim.put("signature", "self#jumbf=c2pa.signature");
    claim.set("created_assertions", created);
    claim.put("alg", "sha256");
    claim.put("dc:title", facts.title());
    byte[] claimBytes = Cbor.write(claim);

    byte[] manifest =
        Jumbf.superBox(
            Jumbf.MANIFEST,
            manifestLabel,
            List.of(
                Jumbf.superBox(Jumbf.ASSERTION_STORE, "c2pa.assertions", assertions),
                Jumbf.superBox(Jumbf.CLAIM, "c2pa.claim.v2", List.of(cbor(claimBytes))),
                Jumbf.superBox(
                    Jumbf.SIGNATURE,
                    "c2pa.signature",
                    List.of(cbor(Cose.sign(claimBytes, identity))))));
    return Jumbf.superBox(Jumbf.MANIFEST_STORE, "c2pa", List.of(manifest));
  }

  private ObjectNode ingredient() {
    ObjectNode i = Cbor.map();
    i.put("dc:title", facts.inputName());
    i.put("relationship", "parentOf");
    i.put(
        "description",
        facts.inputSha256() != null
            ? "the input; SHA-256 " + facts.inputSha256()
            : "the input, read as a stream (not hashed)");
    return i;
  }

  private ObjectNode actions(ObjectNode ingredientRef) {
    ObjectNode root = Cbor.map();
    ArrayNode actions = root.putArray("actions");
    ObjectNode opened = actions.addObject().put("action", "c2pa.opened");
    opened.putObject("parameters").putArray("ingredients").add(ingredientRef);
    ObjectNode edited = actions.addObject().put("action", "c2pa.edited");
    if (facts.synthetic()) edited.put("digitalSourceType", DIGITAL_SOURCE_TYPE);
    edited.putObject("softwareAgent").put("name", "Doppel").put("version", Version.get());
    edited.put(
        "description",
        switch (facts.kind()) {
          case "face-swap" -> "faces replaced by a trained model" + modelWords();
          case "annotation" -> "face boxes and landmarks drawn; faces not altered";
          default -> "re-encoded by Doppel; faces not altered (" + facts.kind() + ")";
        });
    return root;
  }

  private String modelWords() {
    return facts.model() != null ? " (" + facts.model() + ")" : "";
  }

  private ObjectNode doppel() {
    ObjectNode d = Cbor.map();
    d.put("tool", "Doppel");
    d.put("version", Version.get());
    d.put("kind", facts.kind());
    d.put("synthetic", facts.synthetic());
    ObjectNode input = d.putObject("input").put("name", facts.inputName());
    if (facts.inputSha256() != null) input.put("sha256", facts.inputSha256());
    else input.putNull("sha256");
    if (facts.model() != null) {
      d.putObject("model").put("name", facts.model()).put("sha256", facts.modelSha256());
    }
    if (facts.watermark() != null) d.putObject("watermark").put("payload", facts.watermark());
    return d;
  }

  private static byte[] assertion(String label, ObjectNode content) {
    return Jumbf.superBox(Jumbf.CBOR_ASSERTION, label, List.of(cbor(Cbor.write(content))));
  }

  private static byte[] cbor(byte[] payload) {
    return Jumbf.box("cbor", payload);
  }

  private ObjectNode hashedUri(String label, byte[] box) {
    ObjectNode uri = Cbor.map();
    uri.put("url", "self#jumbf=/c2pa/" + manifestLabel + "/c2pa.assertions/" + label);
    // the hash covers the superbox's content (description and content boxes), not its header
    uri.put(
        "hash", HexFormat.of().parseHex(Provenance.sha256(Arrays.copyOfRange(box, 8, box.length))));
    return uri;
  }
}
