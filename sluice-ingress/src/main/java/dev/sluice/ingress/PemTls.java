package dev.sluice.ingress;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server TLS context from the PEM files a certificate authority hands out: a certificate chain
 * (leaf first) and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}) of type RSA, EC or
 * Ed25519.
 */
public final class PemTls {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]+)-----END \\1-----");

  private PemTls() {}

  /**
   * Loads the files into a TLS server context.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static SSLContext serverContext(Path certificateChain, Path privateKey) {
    List<Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(certificateChain, "CERTIFICATE")) {
        chain.add(cf.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          certificateChain + ": not a valid X.509 certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException(
          certificateChain + ": no -----BEGIN CERTIFICATE----- block found");
    }
    PrivateKey key = key(privateKey);
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry("server", key, none, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          privateKey + " does not match " + certificateChain + ": " + e.getMessage(), e);
    }
  }

  private static PrivateKey key(Path file) {
    List<byte[]> keys = blocks(file, "PRIVATE KEY");
    if (keys.size() != 1) {
      String hint =
          text(file).contains("BEGIN RSA PRIVATE KEY")
                  || text(file).contains("BEGIN EC PRIVATE KEY")
              ? " (convert it: openssl pkcs8 -topk8 -nocrypt -in OLD -out NEW)"
              : "";
      throw new IllegalArgumentException(
          file + ": expected one unencrypted -----BEGIN PRIVATE KEY----- block (PKCS#8)" + hint);
    }
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(keys.get(0));
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException(file + ": not an RSA, EC or Ed25519 private key");
  }

  private static List<byte[]> blocks(Path file, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(text(file));
    while (m.find()) {
      if (m.group(1).equals(type)) {
        try {
          out.add(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              file + ": a " + type + " block is not valid base64", e);
        }
      }
    }
    return out;
  }

  private static String text(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
