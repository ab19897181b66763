package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import dev.doppel.DoppelException;
import dev.doppel.output.OutputPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * C2PA Content Credentials: signs and embeds a manifest store into an output Doppel wrote (MP4 and
 * MOV, PNG, JPEG), and reads and checks the store of any such file.
 */
public final class ContentCredentials {
  private ContentCredentials() {}

  private static SigningIdentity configured;

  /**
   * Signs with {@code identity} from now on in this process ({@code --sign-key/--sign-cert}); null
   * goes back to the default ({@link #signer()}).
   */
  public static synchronized void signWith(SigningIdentity identity) {
    configured = identity;
  }

  /**
   * Who signs: the identity given with {@code --sign-key/--sign-cert}, else the PEM files named by
   * $DOPPEL_SIGN_KEY and $DOPPEL_SIGN_CERT, else this installation's development certificate.
   */
  public static synchronized SigningIdentity signer() {
    if (configured != null) return configured;
    String key = System.getenv("DOPPEL_SIGN_KEY");
    String cert = System.getenv("DOPPEL_SIGN_CERT");
    if (key != null && !key.isBlank() && cert != null && !cert.isBlank()) {
      configured = SigningIdentity.load(Path.of(key), Path.of(cert));
      return configured;
    }
    return DevelopmentIdentity.get();
  }

  /** Whether C2PA defines an embedding for this output's container (by its name). */
  public static boolean embeds(Path output) {
    return Container.forName(output.getFileName().toString()) != null;
  }

  /**
   * Embeds signed Content Credentials into {@code file} (the complete output, possibly under its
   * temporary name); does nothing for a container without a C2PA embedding.
   */
  public static void embed(
      Path file, String outputName, SigningIdentity signer, CredentialFacts facts) {
    byte[] seed = new byte[16];
    new java.security.SecureRandom().nextBytes(seed);
    embed(file, outputName, facts, signer, seed);
  }

  /**
   * As {@link #embed(Path, String, SigningIdentity, CredentialFacts)}, with the manifest's labels
   * derived from the file's bytes: with the same signing key, the same file gets the same Content
   * Credentials, so a dataset built twice (or on a cluster) is byte-identical.
   */
  public static void embedReproducibly(
      Path file, String outputName, SigningIdentity signer, CredentialFacts facts) {
    byte[] seed = java.util.HexFormat.of().parseHex(dev.doppel.output.Provenance.sha256(file));
    embed(file, outputName, facts, signer, seed);
  }

  private static void embed(
      Path file, String outputName, CredentialFacts facts, SigningIdentity signer, byte[] seed) {
    Container container = Container.forName(outputName);
    if (container == null) return;
    try {
      container.embed(file, new ManifestStoreWriter(facts, signer, seed));
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot add Content Credentials to " + outputName + ": " + OutputPaths.describe(e));
    }
  }

  /** Reads and checks the manifest store of {@code file}; {@code anchors} are trusted roots. */
  public static Verification verify(Path file, List<X509Certificate> anchors) throws IOException {
    byte[] head = new byte[16];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    Container container = Container.forContent(Arrays.copyOf(head, n));
    if (container == null) return Verification.absent();
    byte[] store;
    try {
      store = container.store(file);
    } catch (IOException e) {
      return Verification.unreadable("cannot read the container: " + e.getMessage());
    }
    if (store == null) return Verification.absent();
    try {
      return check(file, container, Jumbf.parse(store), anchors);
    } catch (IllegalArgumentException e) {
      return Verification.unreadable("damaged manifest store: " + e.getMessage());
    }
  }

  private static Verification check(
      Path file, Container container, Jumbf.SuperBox store, List<X509Certificate> anchors)
      throws IOException {
    List<Jumbf.SuperBox> manifests = new ArrayList<>();
    for (Jumbf.SuperBox b : store.children()) {
      if (b.type().equals(Jumbf.MANIFEST)) manifests.add(b);
    }
    if (manifests.isEmpty()) return Verification.unreadable("the store holds no manifest");
    Jumbf.SuperBox manifest = manifests.get(manifests.size() - 1); // the active one
    Jumbf.SuperBox claimBox = manifest.child("c2pa.claim.v2");
    if (claimBox == null) claimBox = manifest.child("c2pa.claim");
    Jumbf.SuperBox signatureBox = manifest.child("c2pa.signature");
    Jumbf.SuperBox assertionStore = manifest.child("c2pa.assertions");
    if (claimBox == null || signatureBox == null || assertionStore == null) {
      return Verification.unreadable("the manifest lacks a claim, signature or assertion store");
    }
    byte[] claimBytes = claimBox.content("cbor");
    byte[] cose = signatureBox.content("cbor");
    if (claimBytes == null || cose == null) {
      return Verification.unreadable("the claim or signature has no CBOR content");
    }
    JsonNode claim = Cbor.read(claimBytes);
    String generator =
        claim.has("claim_generator_info") && claim.get("claim_generator_info").isObject()
            ? (claim.path("claim_generator_info").path("name").asText()
                    + " "
                    + claim.path("claim_generator_info").path("version").asText(""))
                .strip()
            : claim.path("claim_generator").asText(null);

    List<String> problems = new ArrayList<>();
    Cose.Checked signature = Cose.verify(cose, claimBytes);
    if (!signature.valid()) problems.add(signature.problem());
    String signer =
        signature.chain().isEmpty()
            ? null
            : signature.chain().get(0).getSubjectX500Principal().getName();
    String trust = trust(signature.chain(), anchors);

    boolean assertionsValid = true;
    JsonNode listed =
        claim.has("created_assertions")
            ? claim.get("created_assertions")
            : claim.path("assertions");
    String bindingLabel = null;
    JsonNode binding = null;
    List<String> actions = new ArrayList<>();
    String sourceType = null;
    for (JsonNode ref : listed) {
      String url = ref.path("url").asText();
      String label = url.substring(url.lastIndexOf('/') + 1);
      Jumbf.SuperBox a = assertionStore.child(label);
      if (a == null) {
        assertionsValid = false;
        problems.add("assertion " + label + " is missing");
        continue;
      }
      MessageDigest md = DataHash.sha256();
      md.update(a.bytes(), 8, a.bytes().length - 8); // content only, as the writer hashed it
      if (!Arrays.equals(md.digest(), ref.path("hash").binaryValue())) {
        assertionsValid = false;
        problems.add("assertion " + label + " does not match its hash in the claim");
      }
      byte[] content = a.content("cbor");
      if (content == null) continue;
      JsonNode value = Cbor.read(content);
      if (label.equals(DataHash.LABEL) || label.startsWith("c2pa.hash.bmff.v")) {
        bindingLabel = label;
        binding = value;
      } else if (label.startsWith("c2pa.actions")) {
        for (JsonNode action : value.path("actions")) {
          actions.add(action.path("action").asText());
          if (action.has("digitalSourceType"))
            sourceType = action.get("digitalSourceType").asText();
        }
      }
    }
    boolean bindingValid = false;
    if (binding == null) {
      problems.add("no hard binding");
    } else {
      bindingValid = container.bindingMatches(file, bindingLabel, binding);
      if (!bindingValid) problems.add(bindingLabel + " does not match the file's bytes");
    }
    return new Verification(
        true,
        signature.valid(),
        signer,
        trust,
        assertionsValid,
        bindingValid,
        actions,
        sourceType,
        generator,
        problems.isEmpty() ? null : problems.get(0));
  }

  /** Whether the chain is whole and ends at a trusted root. */
  private static String trust(List<X509Certificate> chain, List<X509Certificate> anchors) {
    if (chain.isEmpty()) return "untrusted: no certificate";
    try {
      for (int i = 0; i + 1 < chain.size(); i++) {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      }
      X509Certificate last = chain.get(chain.size() - 1);
      for (X509Certificate anchor : anchors) {
        if (anchor.equals(last))
          return "trusted (" + anchor.getSubjectX500Principal().getName() + ")";
        try {
          last.verify(anchor.getPublicKey());
          return "trusted (" + anchor.getSubjectX500Principal().getName() + ")";
        } catch (GeneralSecurityException notThisOne) {
          // try the next anchor
        }
      }
      if (DevelopmentIdentity.isDevelopment(chain.get(0))) {
        return "development certificate (untrusted)";
      }
      return "untrusted: no trust anchor for " + last.getIssuerX500Principal().getName();
    } catch (GeneralSecurityException e) {
      return "untrusted: broken certificate chain (" + e.getMessage() + ")";
    }
  }
}
