package dev.sluice.simulator.smtp;

import dev.sluice.simulator.SendOutcome;
import dev.sluice.smtp.Reply;

/**
 * The one table from the simulator's send outcomes to the replies the SES SMTP endpoint gives at
 * the end of DATA (SES wire spec §5.5). SES sends no enhanced status codes.
 *
 * <p>Stateless; thread-safe.
 */
final class SesSmtpReplies {
  /** An injected or real internal failure. */
  static final Reply INTERNAL_FAILURE = Reply.of(451, "Temporary service failure");

  /** An injected or real unavailability. */
  static final Reply SERVICE_UNAVAILABLE = Reply.of(454, "Temporary service failure");

  /** MAIL and RCPT accepted. */
  static final Reply OK = Reply.of(250, "Ok");

  private SesSmtpReplies() {}

  /** The reply to the end of DATA for an outcome. */
  static Reply forOutcome(SendOutcome outcome) {
    return switch (outcome) {
      case SendOutcome.Accepted a -> Reply.of(250, "Ok " + a.messageId());
      case SendOutcome.Rejected r ->
          switch (r.error()) {
            case RATE_EXCEEDED ->
                Reply.of(454, "Throttling failure: Maximum sending rate exceeded.");
            case DAILY_QUOTA_EXCEEDED ->
                Reply.of(454, "Throttling failure: Daily message quota exceeded.");
            case RECIPIENT_COUNT ->
                Reply.of(554, "Transaction failed: " + text(r, "Recipient count exceeds 50."));
            case MESSAGE_REJECTED ->
                Reply.of(554, "Message rejected: " + text(r, "Email address is not verified."));
            case INVALID_PARAMETER ->
                Reply.of(554, "Transaction failed: " + text(r, "Invalid parameter."));
            case MESSAGE_TOO_LONG -> Reply.of(552, "Message is too long.");
            case CONFIGURATION_SET_DOES_NOT_EXIST ->
                Reply.of(
                    554, "Transaction failed: " + text(r, "Configuration set does not exist."));
            case SENDING_PAUSED ->
                Reply.of(
                    554, "Transaction failed: " + text(r, "Sending is paused for this account."));
            case CONFIGURATION_SET_SENDING_PAUSED ->
                Reply.of(
                    554,
                    "Transaction failed: "
                        + text(r, "Sending is paused for this configuration set."));
            case INTERNAL_FAILURE -> INTERNAL_FAILURE;
            case SERVICE_UNAVAILABLE -> SERVICE_UNAVAILABLE;
          };
    };
  }

  /** The rejection's own text on one line, or a fallback when it has none. */
  private static String text(SendOutcome.Rejected r, String fallback) {
    String m = r.message() == null ? "" : r.message().replaceAll("[\\r\\n]+", " ").strip();
    return m.isEmpty() ? fallback : m;
  }
}
