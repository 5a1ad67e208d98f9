package dev.sluice.feedback.intake;

import java.util.Locale;
import java.util.Objects;

/**
 * Why an SNS message was not taken: it is not SNS's, not for us, or cannot be read. Each reason is
 * counted under its own tag and answered with its own HTTP status.
 */
public final class SnsRefusal extends Exception {
  private static final long serialVersionUID = 1L;

  /** The reasons, each with the status an HTTP endpoint answers. */
  public enum Reason {
    /** Not JSON, not an SNS message, or a field missing or of the wrong type. */
    MALFORMED(400),
    /** The body is larger than SNS ever sends. */
    TOO_LARGE(413),
    /** The topic is not one the operator listed. */
    TOPIC_NOT_LISTED(403),
    /** A SignatureVersion other than 1 or 2. */
    UNKNOWN_SIGNATURE_VERSION(403),
    /** The SigningCertURL (or the SubscribeURL) is not https on an SNS or trusted host. */
    UNTRUSTED_CERT_URL(403),
    /** The Timestamp is outside the replay window. */
    STALE(403),
    /** The signature does not verify with the certificate: tampered, or not signed by SNS. */
    BAD_SIGNATURE(403),
    /** The notification's Message is not an SES event this version can record. */
    NOT_AN_EVENT(400),
    /** The certificate could not be fetched or read now; worth retrying later. */
    CERT_UNAVAILABLE(503);

    private final int status;

    Reason(int status) {
      this.status = status;
    }

    /** The HTTP status an endpoint answers for it. */
    public int status() {
      return status;
    }

    /** The name used in metrics tags and logs, e.g. {@code bad_signature}. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Reason reason;

  /** A refusal for a reason, with words for the log (never including the message's body). */
  public SnsRefusal(Reason reason, String detail) {
    super(reason.tag() + ": " + detail);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }
}
