package dev.sluice.smtp.client;

/**
 * A connection could not be made ready for mail (connect, greeting, EHLO, TLS or AUTH); carries the
 * refusal or failure as a {@link SendResult} so a pool can hand it back as a message's result.
 */
public final class SmtpConnectException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient SendResult result;

  SmtpConnectException(SendResult result) {
    super(describe(result));
    this.result = result;
  }

  /** The refusal or failure, never {@link SendResult.Accepted}. */
  public SendResult result() {
    return result;
  }

  private static String describe(SendResult r) {
    return switch (r) {
      case SendResult.Refused f -> f.stage() + ": " + f.reply();
      case SendResult.Failed f -> f.stage() + ": " + f.message();
      case SendResult.Accepted a -> "accepted";
    };
  }
}
