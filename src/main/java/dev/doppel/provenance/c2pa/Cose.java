package dev.doppel.provenance.c2pa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * COSE_Sign1 (RFC 9052) as C2PA signs a claim: the claim is the detached payload, the protected
 * header holds the algorithm and the certificate chain ({@code x5chain}, label 33), and the
 * signature is the raw one COSE uses (r || s for ECDSA), of fixed length for a given key.
 */
final class Cose {
  private Cose() {}

  /** COSE algorithm identifiers C2PA allows, and the JCA signature each maps to. */
  enum Algorithm {
    ES256(-7, "SHA256withECDSAinP1363Format"),
    ES384(-35, "SHA384withECDSAinP1363Format"),
    ES512(-36, "SHA512withECDSAinP1363Format"),
    PS256(-37, "RSASSA-PSS"),
    ED25519(-8, "Ed25519");

    final int id;
    final String jca;

    Algorithm(int id, String jca) {
      this.id = id;
      this.jca = jca;
    }

    static Algorithm forKey(PrivateKey key) {
      if (key instanceof ECKey ec) {
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        return bits <= 256 ? ES256 : bits <= 384 ? ES384 : ES512;
      }
      if (key instanceof RSAKey) return PS256;
      if (key.getAlgorithm().equals("Ed25519") || key.getAlgorithm().equals("EdDSA")) {
        return ED25519;
      }
      throw new IllegalArgumentException(
          "a "
              + key.getAlgorithm()
              + " key cannot sign C2PA claims (use EC P-256/384/521, RSA or"
              + " Ed25519)");
    }

    static Algorithm forId(int id) {
      for (Algorithm a : values()) if (a.id == id) return a;
      return null;
    }

    Signature signature() throws GeneralSecurityException {
      Signature s = Signature.getInstance(jca);
      if (this == PS256) {
        s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      }
      return s;
    }
  }

  /** The tagged COSE_Sign1 of {@code payload} (a claim's CBOR bytes) by {@code identity}. */
  static byte[] sign(byte[] payload, SigningIdentity identity) {
    Algorithm alg = Algorithm.forKey(identity.key());
    byte[] protectedHeader = protectedHeader(alg, identity.chain());
    byte[] signature;
    try {
      Signature s = alg.signature();
      byte[] tbs = toBeSigned(protectedHeader, payload);
      s.initSign(identity.key(), deterministicRandom(identity.key(), tbs));
      s.update(tbs);
      signature = s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign the C2PA claim: " + e.getMessage(), e);
    }
    return Cbor.write(
        g -> {
          g.writeTag(18);
          g.writeStartArray(null, 4);
          g.writeBinary(protectedHeader);
          g.writeStartObject(null, 0);
          g.writeEndObject();
          g.writeNull(); // detached payload: the claim
          g.writeBinary(signature);
          g.writeEndArray();
        });
  }

  /**
   * The randomness of a signature (ECDSA's k, PSS's salt) drawn from a generator seeded with the
   * key and the bytes signed, as RFC 6979 does for ECDSA: the same claim signed with the same key
   * gives the same signature (reproducible datasets), different claims never share a k, and no one
   * without the key can predict it.
   */
  private static java.security.SecureRandom deterministicRandom(PrivateKey key, byte[] tbs)
      throws GeneralSecurityException {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    md.update(key.getEncoded());
    md.update(tbs);
    java.security.SecureRandom r = java.security.SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(md.digest()); // seeded before first use: SHA1PRNG then draws from this seed only
    return r;
  }

  private static byte[] protectedHeader(Algorithm alg, List<X509Certificate> chain) {
    return Cbor.write(
        g -> {
          g.writeStartObject(null, 2);
          g.writeFieldId(1);
          g.writeNumber(alg.id);
          g.writeFieldId(33);
          g.writeStartArray(null, chain.size());
          for (X509Certificate c : chain) {
            try {
              g.writeBinary(c.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
              throw new IllegalStateException(e);
            }
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  /** Sig_structure: ["Signature1", protected, external_aad (empty), payload]. */
  private static byte[] toBeSigned(byte[] protectedHeader, byte[] payload) {
    return Cbor.write(
        g -> {
          g.writeStartArray(null, 4);
          g.writeString("Signature1");
          g.writeBinary(protectedHeader);
          g.writeBinary(new byte[0]);
          g.writeBinary(payload);
          g.writeEndArray();
        });
  }

  /** What a COSE_Sign1 says about itself once checked against its payload. */
  record Checked(String algorithm, List<X509Certificate> chain, boolean valid, String problem) {}

  static Checked verify(byte[] cose, byte[] payload) {
    try {
      JsonNode root = Cbor.read(cose);
      if (!(root instanceof ArrayNode a) || a.size() != 4) {
        return new Checked(null, List.of(), false, "COSE_Sign1 is not a four-element array");
      }
      byte[] protectedHeader = a.get(0).binaryValue();
      JsonNode header = Cbor.read(protectedHeader);
      JsonNode unprotected = a.get(1);
      Algorithm alg = Algorithm.forId(header.path("1").asInt(0));
      if (alg == null) return new Checked(null, List.of(), false, "unsupported algorithm");
      JsonNode x5 = header.has("33") ? header.get("33") : unprotected.path("33");
      List<X509Certificate> chain = new ArrayList<>();
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<JsonNode> ders = new ArrayList<>();
      if (x5.isArray()) x5.forEach(ders::add);
      else if (x5.isBinary()) ders.add(x5);
      for (JsonNode der : ders) {
        chain.add(
            (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der.binaryValue())));
      }
      if (chain.isEmpty()) return new Checked(alg.name(), chain, false, "no certificate");
      PublicKey key = chain.get(0).getPublicKey();
      Signature s = alg.signature();
      s.initVerify(key);
      s.update(toBeSigned(protectedHeader, payload));
      boolean ok = s.verify(a.get(3).binaryValue());
      return new Checked(alg.name(), chain, ok, ok ? null : "signature does not match the claim");
    } catch (java.io.IOException | GeneralSecurityException | RuntimeException e) {
      return new Checked(null, List.of(), false, "unreadable signature: " + e.getMessage());
    }
  }
}
