package dev.doppel.testing;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A user's own C2PA signing chain, as a newsroom would have one: a root CA and a signer. */
public final class TestCertificates {
  private TestCertificates() {}

  /**
   * @param key the signer's PKCS#8 key (PEM)
   * @param chain the signer's certificate, then the root's (PEM)
   * @param rootFile the root alone (PEM), a trust anchor
   */
  public record Chain(Path key, Path chain, Path rootFile, X509Certificate root) {}

  /** An EC P-384 root "Test newsroom root" and a signer it issued, written into {@code dir}. */
  public static Chain newsroom(Path dir) throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair caKeys = ec.generateKeyPair();
    KeyPair signerKeys = ec.generateKeyPair();
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X500Name caName = new X500Name("CN=Test newsroom root,O=Test");
    X509Certificate ca =
        cert(
            new JcaX509v3CertificateBuilder(
                    caName, BigInteger.ONE, from(), until(), caName, caKeys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign))
                .addExtension(
                    Extension.subjectKeyIdentifier,
                    false,
                    ext.createSubjectKeyIdentifier(caKeys.getPublic())),
            caKeys);
    X509Certificate signer =
        cert(
            new JcaX509v3CertificateBuilder(
                    caName,
                    BigInteger.TWO,
                    from(),
                    until(),
                    new X500Name("CN=Test newsroom signer,O=Test"),
                    signerKeys.getPublic())
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(
                    Extension.extendedKeyUsage,
                    false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection))
                .addExtension(
                    Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca)),
            caKeys);
    Path key = dir.resolve("signer-key.pem");
    Path chain = dir.resolve("signer-chain.pem");
    Path root = dir.resolve("root.pem");
    Files.writeString(key, pem(new JcaPKCS8Generator(signerKeys.getPrivate(), null)));
    Files.writeString(chain, pem(signer) + pem(ca));
    Files.writeString(root, pem(ca));
    return new Chain(key, chain, root, ca);
  }

  private static Date from() {
    return Date.from(Instant.now().minusSeconds(3600));
  }

  private static Date until() {
    return Date.from(Instant.now().plusSeconds(86_400L * 365));
  }

  private static X509Certificate cert(X509v3CertificateBuilder b, KeyPair issuer) throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(issuer.getPrivate())));
  }

  private static String pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    }
    return w.toString();
  }
}
