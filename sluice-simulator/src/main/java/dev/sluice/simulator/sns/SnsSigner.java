package dev.sluice.simulator.sns;

import dev.sluice.simulator.tls.SelfSignedCertificate;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs SNS messages as SNS does: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over the
 * message's {@link SnsMessage#stringToSign()}, base64-encoded. The RSA key (2048 bits, as SNS's
 * certificates have) and its self-signed certificate are made once per simulator run; receivers
 * verify with the certificate served at the SigningCertURL or exported to a file.
 *
 * <p>Cost: one RSA-2048 signature takes about a quarter of a millisecond of CPU in libcrypto and a
 * millisecond in the JDK ({@link RsaSigning}), so each published message is signed once, however
 * many subscriptions it goes to, and only when it is first sent.
 *
 * <p>Immutable and thread-safe.
 */
public final class SnsSigner {
  private final SelfSignedCertificate certificate;
  private final String fileName;
  private final RsaSigning rsa;

  SnsSigner(SelfSignedCertificate certificate) {
    this.certificate = certificate;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(certificate.certificate().getEncoded());
      // SNS names its certificates SimpleNotificationService-<32 hex digits>.pem.
      this.fileName =
          "SimpleNotificationService-" + HexFormat.of().formatHex(digest, 0, 16) + ".pem";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    this.rsa = RsaSigners.chosen(certificate.keyPair().getPrivate());
  }

  /** A signer with a new key and certificate. */
  public static SnsSigner generate() {
    return new SnsSigner(SelfSignedCertificate.rsaSigning("sluice simulator SNS signing", 2048));
  }

  /** The signing certificate. */
  public SelfSignedCertificate certificate() {
    return certificate;
  }

  /** The certificate's file name in the SigningCertURL. */
  public String fileName() {
    return fileName;
  }

  /** The certificate in PEM form, as served at the SigningCertURL. */
  public String pem() {
    return certificate.pem();
  }

  /**
   * Signs a message's canonical string.
   *
   * @param version 1 (SHA1withRSA) or 2 (SHA256withRSA)
   * @return the base64 signature
   */
  public String sign(SnsMessage message, int version) {
    return Base64.getEncoder()
        .encodeToString(rsa.sign(version, message.stringToSign().getBytes(StandardCharsets.UTF_8)));
  }

  /** What makes this signer's signatures: OpenSSL's libcrypto or the JDK ({@link RsaSigning}). */
  public String signing() {
    return rsa.name();
  }

  /** The JCA algorithm of a SignatureVersion. */
  static String algorithm(int version) {
    return RsaSigners.algorithm(version);
  }
}
