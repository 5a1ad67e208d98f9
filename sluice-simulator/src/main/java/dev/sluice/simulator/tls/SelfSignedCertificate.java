package dev.sluice.simulator.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate made at start-up, valid for a year: the server certificate (EC P-256)
 * naming {@code localhost}, {@code 127.0.0.1}, {@code ::1} and any extra host names given, or an
 * RSA signing certificate ({@link #rsaSigning}). Clients trust it by loading the PEM written with
 * {@link #writePem}, or the trust store from {@link #trustStore()}.
 *
 * <p>Immutable; thread-safe.
 */
public final class SelfSignedCertificate {
  private static final char[] PASSWORD = "sluice".toCharArray();
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** Generates a new key pair and certificate for the loopback names plus {@code extraNames}. */
  public static SelfSignedCertificate generate(List<String> extraNames) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.iPAddress, "::1"));
    for (String n : extraNames) {
      boolean ip = n.matches("[0-9.]+") || n.contains(":");
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      return build(gen.generateKeyPair(), "CN=sluice simulator", names, "SHA256withECDSA");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate", e);
    }
  }

  /**
   * Generates an RSA key pair of {@code bits} and a certificate naming {@code commonName}, for
   * signing documents rather than serving TLS (the SNS signing certificate).
   */
  public static SelfSignedCertificate rsaSigning(String commonName, int bits) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(bits, new SecureRandom());
      return build(gen.generateKeyPair(), "CN=" + commonName, List.of(), "SHA256withRSA");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a signing certificate", e);
    }
  }

  private static SelfSignedCertificate build(
      KeyPair kp, String subjectName, List<GeneralName> names, String signatureAlgorithm) {
    try {
      Instant now = Instant.now();
      X500Name subject = new X500Name(subjectName);
      var builder =
          new JcaX509v3CertificateBuilder(
              subject,
              new BigInteger(64, new SecureRandom()),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(365))),
              subject,
              kp.getPublic());
      if (!names.isEmpty()) {
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(new GeneralName[0])));
        builder.addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      }
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      var signer = new JcaContentSignerBuilder(signatureAlgorithm).build(kp.getPrivate());
      X509Certificate cert =
          new JcaX509CertificateConverter().getCertificate(builder.build(signer));
      return new SelfSignedCertificate(kp, cert);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate", e);
    }
  }

  /** The certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The private key's pair. */
  public KeyPair keyPair() {
    return keyPair;
  }

  /** A server-side TLS context presenting this certificate. */
  public SSLContext serverContext() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("sluice", keyPair.getPrivate(), PASSWORD, new X509Certificate[] {certificate});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, PASSWORD);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }

  /** A trust store holding only this certificate, for clients. */
  public KeyStore trustStore() {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("sluice-simulator", certificate);
      return ks;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust store", e);
    }
  }

  /** A client-side TLS context that trusts only this certificate. */
  public SSLContext clientContext() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }

  /** The certificate in PEM form. */
  public String pem() {
    try {
      StringWriter w = new StringWriter();
      w.write("-----BEGIN CERTIFICATE-----\n");
      w.write(
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(certificate.getEncoded()));
      w.write("\n-----END CERTIFICATE-----\n");
      return w.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the certificate as PEM so clients can trust it. */
  public void writePem(Path file) throws IOException {
    Files.writeString(file, pem(), StandardCharsets.US_ASCII);
  }
}
