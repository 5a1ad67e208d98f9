package dev.sluice.feedback.intake;

import java.util.Objects;

/**
 * What became of one message handed to the intake, and so whether it is acknowledged (SNS {@code
 * 200}, SQS delete).
 *
 * @param kind what happened
 * @param refusal for {@link Kind#REFUSED}, why; null otherwise
 * @param detail words for the log and the HTTP answer (never the message's body)
 */
public record IntakeOutcome(Kind kind, SnsRefusal.Reason refusal, String detail) {
  /** What happened to a message. */
  public enum Kind {
    /** A new event, recorded. */
    RECORDED,
    /** An event recorded before (same id), not applied again. */
    DUPLICATE,
    /** A subscription confirmed by visiting its SubscribeURL. */
    CONFIRMED,
    /** Signed and listed but nothing to record (SES's set-up notice, an unsubscribe notice). */
    IGNORED,
    /** Not taken; see {@link #refusal}. */
    REFUSED,
    /** Could not be recorded or confirmed now (the recorder or the confirmation failed). */
    FAILED
  }

  /** Checks that exactly refusals carry a reason. */
  public IntakeOutcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
    if ((kind == Kind.REFUSED) != (refusal != null)) {
      throw new IllegalArgumentException("a reason goes with REFUSED only");
    }
  }

  static IntakeOutcome of(Kind kind, String detail) {
    return new IntakeOutcome(kind, null, detail);
  }

  static IntakeOutcome refused(SnsRefusal r) {
    return new IntakeOutcome(Kind.REFUSED, r.reason(), r.getMessage());
  }

  /** Whether the message is acknowledged: answered 200, or deleted from the queue. */
  public boolean acknowledged() {
    return switch (kind) {
      case RECORDED, DUPLICATE, CONFIRMED, IGNORED -> true;
      case REFUSED, FAILED -> false;
    };
  }

  /** The HTTP status an SNS endpoint answers. */
  public int httpStatus() {
    return switch (kind) {
      case RECORDED, DUPLICATE, CONFIRMED, IGNORED -> 200;
      case REFUSED -> refusal.status();
      case FAILED -> 503;
    };
  }
}
