package dev.sluice.feedback.intake;

import dev.sluice.core.Clock;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Checks that an SNS message is SNS's, is for a listed topic, and is fresh: the checks of SNS's
 * developer guide ("Verifying the signatures of Amazon SNS messages"), each refusal with its
 * reason.
 *
 * <h2>Design note</h2>
 *
 * <p>Written here rather than taken from the AWS SDK: the SDK's {@code SnsMessageManager} accepts
 * certificates only from AWS's own hosts, so it could not check the simulator's messages, and its
 * signature check is internal API. The checks run cheapest first, so a flood of forged messages
 * costs no certificate fetch unless it names a trusted URL and a listed topic:
 *
 * <ol>
 *   <li>SignatureVersion is 1 (SHA1withRSA) or 2 (SHA256withRSA);
 *   <li>SigningCertURL is https on SNS's host or a trusted one ({@link SnsTrust#trusted}), and a
 *       confirmation's SubscribeURL is on that same host and port;
 *   <li>the topic is listed;
 *   <li>the Timestamp is within the replay window of now (a captured message cannot be replayed
 *       later; within the window the recorder's deduplication by MessageId catches it);
 *   <li>the signature verifies over {@link SnsEnvelope#stringToSign()} with the certificate's key.
 * </ol>
 *
 * <p>Thread-safe.
 */
final class SnsVerifier {
  private final SnsTrust trust;
  private final SigningCertificates certificates;
  private final Clock clock;

  SnsVerifier(SnsTrust trust, SigningCertificates certificates, Clock clock) {
    this.trust = trust;
    this.certificates = certificates;
    this.clock = clock;
  }

  /** Checks a message; returns normally only when it may be acted on. */
  void verify(SnsEnvelope m) throws SnsRefusal {
    String algorithm =
        switch (m.signatureVersion()) {
          case "1" -> "SHA1withRSA";
          case "2" -> "SHA256withRSA";
          default ->
              throw new SnsRefusal(
                  SnsRefusal.Reason.UNKNOWN_SIGNATURE_VERSION,
                  "SignatureVersion " + printable(m.signatureVersion()));
        };
    URI certUrl = trustedUrl(m.signingCertUrl(), "SigningCertURL");
    if (!certUrl.getRawPath().endsWith(".pem") || certUrl.getRawQuery() != null) {
      throw new SnsRefusal(
          SnsRefusal.Reason.UNTRUSTED_CERT_URL, "SigningCertURL does not name a .pem file");
    }
    if (!m.isNotification()) {
      URI subscribe = trustedUrl(m.subscribeUrl(), "SubscribeURL");
      if (!subscribe.getHost().equalsIgnoreCase(certUrl.getHost())
          || subscribe.getPort() != certUrl.getPort()) {
        throw new SnsRefusal(
            SnsRefusal.Reason.UNTRUSTED_CERT_URL,
            "SubscribeURL is not on the SigningCertURL's host");
      }
    }
    if (!trust.listed(m.topicArn())) {
      throw new SnsRefusal(
          SnsRefusal.Reason.TOPIC_NOT_LISTED, "topic " + printable(m.topicArn()) + " not listed");
    }
    long at;
    try {
      at = OffsetDateTime.parse(m.timestamp()).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new SnsRefusal(SnsRefusal.Reason.MALFORMED, "Timestamp is not ISO-8601");
    }
    Duration age = Duration.ofMillis(clock.millis() - at);
    if (age.abs().compareTo(trust.replayWindow()) > 0) {
      throw new SnsRefusal(
          SnsRefusal.Reason.STALE,
          "Timestamp "
              + m.timestamp()
              + " is "
              + age
              + " from now, beyond "
              + trust.replayWindow());
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(m.signature());
    } catch (IllegalArgumentException e) {
      throw new SnsRefusal(SnsRefusal.Reason.BAD_SIGNATURE, "Signature is not base64");
    }
    PublicKey key = certificates.publicKey(certUrl);
    boolean ok;
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initVerify(key);
      s.update(m.stringToSign().getBytes(StandardCharsets.UTF_8));
      ok = s.verify(signature);
    } catch (GeneralSecurityException e) {
      ok = false;
    }
    if (!ok) {
      throw new SnsRefusal(
          SnsRefusal.Reason.BAD_SIGNATURE,
          "signature of " + printable(m.messageId()) + " does not verify");
    }
  }

  private URI trustedUrl(String url, String field) throws SnsRefusal {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new SnsRefusal(SnsRefusal.Reason.UNTRUSTED_CERT_URL, field + " is not a URL");
    }
    if (!trust.trusted(uri)) {
      throw new SnsRefusal(
          SnsRefusal.Reason.UNTRUSTED_CERT_URL,
          field + " " + printable(url) + " is not https on an SNS or trusted host");
    }
    return uri;
  }

  /** A value from the message, cut short and stripped of control characters, for a log line. */
  static String printable(String s) {
    String cut = s.length() > 200 ? s.substring(0, 200) + "…" : s;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
