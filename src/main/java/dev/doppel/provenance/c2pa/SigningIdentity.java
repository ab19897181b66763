package dev.doppel.provenance.c2pa;

import dev.doppel.DoppelException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Who signs Content Credentials: a private key and its certificate chain (signer first).
 *
 * @param development the per-installation development certificate Doppel made itself: no one trusts
 *     it, and reports say so
 */
public record SigningIdentity(PrivateKey key, List<X509Certificate> chain, boolean development) {
  public SigningIdentity {
    if (chain.isEmpty())
      throw new IllegalArgumentException("a signing identity needs a certificate");
    chain = List.copyOf(chain);
  }

  public X509Certificate signer() {
    return chain.get(0);
  }

  /**
   * The user's key and certificate chain, PEM files ({@code --sign-key}, {@code --sign-cert}):
   * PKCS#8, SEC1 EC or PKCS#1 RSA keys without a password; the certificate file holds the signer's
   * certificate first, then its issuers.
   */
  public static SigningIdentity load(Path keyFile, Path certFile) {
    PrivateKey key = null;
    for (Object o : pemObjects(keyFile)) {
      key = privateKey(o);
      if (key != null) break;
    }
    if (key == null) {
      throw DoppelException.usage(
          "--sign-key " + keyFile + ": no unencrypted private key in it (PEM, PKCS#8 or SEC1)");
    }
    List<X509Certificate> chain = certificates(certFile);
    if (chain.isEmpty()) {
      throw DoppelException.usage("--sign-cert " + certFile + ": no PEM certificate in it");
    }
    return new SigningIdentity(key, chain, false);
  }

  /** Key and chain as one PEM text (PKCS#8 key first), for {@link #fromPem}. */
  public String toPem() {
    java.io.StringWriter out = new java.io.StringWriter();
    try (org.bouncycastle.openssl.jcajce.JcaPEMWriter w =
        new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
      w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
      for (X509Certificate c : chain) w.writeObject(c);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The identity {@link #toPem} wrote; development or not as its certificate says. */
  public static SigningIdentity fromPem(String pem) {
    PrivateKey key = null;
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new java.io.StringReader(pem))) {
      for (Object o; (o = parser.readObject()) != null; ) {
        if (key == null) key = privateKey(o);
        if (o instanceof X509CertificateHolder h) chain.add(converter.getCertificate(h));
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException("not a signing identity: " + e.getMessage(), e);
    }
    if (key == null || chain.isEmpty()) {
      throw new IllegalArgumentException("not a signing identity: no key or certificate");
    }
    return new SigningIdentity(key, chain, DevelopmentIdentity.isDevelopment(chain.get(0)));
  }

  /** The PEM certificates in {@code file}, in order. */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : pemObjects(file)) {
      if (o instanceof X509CertificateHolder h) {
        try {
          chain.add(converter.getCertificate(h));
        } catch (CertificateException e) {
          throw DoppelException.usage(file + ": unreadable certificate: " + e.getMessage());
        }
      }
    }
    return chain;
  }

  static PrivateKey privateKey(Object pem) {
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (pem instanceof PEMKeyPair pair) return converter.getPrivateKey(pair.getPrivateKeyInfo());
      if (pem instanceof PrivateKeyInfo info) return converter.getPrivateKey(info);
      return null;
    } catch (IOException e) {
      throw DoppelException.usage("unreadable private key: " + e.getMessage());
    }
  }

  static List<Object> pemObjects(Path file) {
    List<Object> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(r)) {
      for (Object o; (o = parser.readObject()) != null; ) out.add(o);
    } catch (IOException e) {
      throw DoppelException.usage("cannot read " + file + ": " + e.getMessage());
    }
    return out;
  }
}
