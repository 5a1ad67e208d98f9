package dev.sluice.simulator.sns;

/**
 * A refused SNS call (ConfirmSubscription, Unsubscribe, Subscribe), carrying the HTTP status and
 * the error code SNS's Query API answers with, e.g. 400 {@code InvalidParameter} or 404 {@code
 * NotFound}.
 */
public final class SnsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status. */
  private final int status;

  /** SNS's error code. */
  private final String code;

  /** A refusal with SNS's status, code and message. */
  public SnsException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** SNS's error code, e.g. {@code InvalidParameter}. */
  public String code() {
    return code;
  }
}
