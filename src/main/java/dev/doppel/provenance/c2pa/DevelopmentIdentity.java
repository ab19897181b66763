package dev.doppel.provenance.c2pa;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The signing identity Doppel uses when the user gave none: a development CA and a signer it
 * issued, made once per installation (per user) and kept in {@code DIR/c2pa-development.pem}.
 * Signatures made with it are valid but untrusted: no trust list holds this CA, and every report
 * says "development certificate". The signer is not self-signed because C2PA forbids that for claim
 * signatures; its certificate carries the key usages C2PA asks for.
 */
public final class DevelopmentIdentity {
  private DevelopmentIdentity() {}

  /** The organisational unit that marks both certificates as Doppel's development ones. */
  public static final String MARK = "Doppel development certificate - untrusted";

  static final String FILE = "c2pa-development.pem";

  /**
   * Where Doppel keeps per-user state: $DOPPEL_CONFIG, $XDG_CONFIG_HOME/doppel, ~/.config/doppel.
   */
  public static Path configDirectory() {
    String dir = System.getenv("DOPPEL_CONFIG");
    if (dir == null || dir.isBlank()) dir = System.getProperty("doppel.config");
    if (dir != null && !dir.isBlank()) return Path.of(dir);
    String xdg = System.getenv("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "doppel");
    return Path.of(System.getProperty("user.home"), ".config", "doppel");
  }

  private static Path loadedFrom;
  private static SigningIdentity loaded;

  /** This installation's development identity, made on first use (read once per process). */
  public static synchronized SigningIdentity get() {
    Path file = configDirectory().resolve(FILE);
    if (!Files.exists(file)) create(file);
    else if (file.equals(loadedFrom)) return loaded;
    SigningIdentity id;
    try {
      id = SigningIdentity.fromPem(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException | IllegalArgumentException e) {
      id = null;
    }
    if (id == null || !id.development() || id.chain().size() != 2) {
      throw DoppelException.processing(
          file + ": not a Doppel development identity (delete it to make a new one)");
    }
    loadedFrom = file;
    loaded = id;
    return id;
  }

  /** True when {@code certificate} is one of Doppel's development certificates. */
  public static boolean isDevelopment(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName().contains(MARK);
  }

  private static void create(Path file) {
    try {
      Files.createDirectories(file.getParent());
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair caKeys = generator.generateKeyPair();
      KeyPair signerKeys = generator.generateKeyPair();
      String installation = UUID.randomUUID().toString().substring(0, 8);
      X500Name caName =
          new X500Name("CN=Doppel development CA " + installation + ",OU=" + MARK + ",O=Doppel");
      X500Name signerName =
          new X500Name(
              "CN=Doppel development signer " + installation + ",OU=" + MARK + ",O=Doppel");
      Instant now = Instant.now();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

      X509v3CertificateBuilder ca =
          builder(caName, caName, caKeys, now, Duration.ofDays(3650 * 2))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(caKeys.getPublic()));
      X509Certificate caCert = sign(ca, caKeys.getPrivate());

      X509v3CertificateBuilder signer =
          builder(caName, signerName, signerKeys, now, Duration.ofDays(3650))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(signerKeys.getPublic()));
      X509Certificate signerCert = sign(signer, caKeys.getPrivate());

      StringWriter pem = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
        w.writeObject(new JcaPKCS8Generator(signerKeys.getPrivate(), null));
        w.writeObject(signerCert);
        w.writeObject(caCert);
      }
      // written whole under a temporary name, then linked into place: two processes making it
      // at once both end up with the one that got there first
      Path temp = Files.createTempFile(file.getParent(), ".c2pa-development", ".pem");
      try {
        Files.writeString(temp, pem.toString(), StandardCharsets.US_ASCII);
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException e) {
        // another process made it first
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw DoppelException.processing(
          "cannot make the development signing certificate in " + file.getParent() + ": " + e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException(e); // EC P-256 and SHA256withECDSA are in every JDK
    }
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys, Instant now, Duration valid) {
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, new SecureRandom()).add(BigInteger.ONE),
        Date.from(now.minus(Duration.ofDays(1))),
        Date.from(now.plus(valid)),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey issuerKey)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }
}
