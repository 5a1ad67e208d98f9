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
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509ExtendedKeyManager;

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
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {keyManager(certificateChain, privateKey)}, null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS implementation: " + e.getMessage(), e);
    }
  }

  /**
   * Loads the files into a key manager for a server context.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  static X509ExtendedKeyManager keyManager(Path certificateChain, Path privateKey) {
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
    if (!matches(key, chain.get(0).getPublicKey())) {
      throw new IllegalArgumentException(
          privateKey
              + " does not match "
              + certificateChain
              + ": the key is not the private half of the first certificate");
    }
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry("server", key, none, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      for (KeyManager km : kmf.getKeyManagers()) {
        if (km instanceof X509ExtendedKeyManager x) {
          return x;
        }
      }
      throw new IllegalStateException("the JDK's key manager factory made no X.509 key manager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          privateKey + " does not match " + certificateChain + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code key} is the private half of {@code publicKey}: a signature made with the one
   * verifies with the other. Checked before the files are served, so that a certificate renewed
   * without its key is refused at load rather than failing every handshake after it.
   */
  private static boolean matches(PrivateKey key, java.security.PublicKey publicKey) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return algorithm == null; // an algorithm not checked here is left to the handshake
    }
    try {
      byte[] probe = "sluice key check".getBytes(StandardCharsets.US_ASCII);
      java.security.Signature sign = java.security.Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      java.security.Signature verify = java.security.Signature.getInstance(algorithm);
      verify.initVerify(publicKey);
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
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
