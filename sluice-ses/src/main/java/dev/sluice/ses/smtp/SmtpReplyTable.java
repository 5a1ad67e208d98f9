package dev.sluice.ses.smtp;

import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.CallResult.ThrottleKind;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SendResult.Failed;
import dev.sluice.smtp.client.SendResult.RecipientRefusal;
import dev.sluice.smtp.client.SendResult.Refused;
import dev.sluice.smtp.client.SendResult.Stage;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one place where SMTP results become {@link CallResult}s, for SES's SMTP endpoint (SES wire
 * spec §5.5) and for any other SMTP server. The rows below are checked in order; what no row names
 * falls to the defaults.
 *
 * <table>
 *   <caption>Classification</caption>
 *   <tr><th>result</th><th>attempt</th></tr>
 *   <tr><td>2xx after DATA</td><td>Accepted: SES's message id (the text after {@code Ok}), or
 *       another server's whole reply text</td></tr>
 *   <tr><td>454 "Maximum sending rate exceeded" (also the SigV2 variant)</td>
 *       <td>Throttled(RATE)</td></tr>
 *   <tr><td>454 "Daily message quota exceeded"</td><td>Throttled(DAILY)</td></tr>
 *   <tr><td>535 "Account not subscribed", 554 "Access denied", 554 "Sending is paused", any 530
 *       (TLS or AUTH required)</td><td>Permanent, account-wide</td></tr>
 *   <tr><td>refused recipients (every recipient must be accepted, so nothing was sent)</td>
 *       <td>Permanent listing the refused addresses if any refusal is 5xx, else Transient</td></tr>
 *   <tr><td>other 4xx (421 at connect, 451, 454 Temporary ...)</td><td>Transient</td></tr>
 *   <tr><td>other 5xx before MAIL (greeting, EHLO, TLS, AUTH: wrong password)</td>
 *       <td>Permanent, account-wide: no message can pass until the configuration changes</td></tr>
 *   <tr><td>other 5xx from MAIL on</td><td>Permanent for this message</td></tr>
 *   <tr><td>I/O error, reset, timeout, malformed reply</td><td>Transient</td></tr>
 *   <tr><td>local failure that retrying cannot fix (no STARTTLS or AUTH offered, untrusted
 *       certificate, unwritable address)</td><td>Permanent; account-wide before MAIL</td></tr>
 * </table>
 *
 * <p>Stateless; thread-safe.
 */
final class SmtpReplyTable {
  private enum Kind {
    RATE,
    DAILY,
    ACCOUNT
  }

  /** A reply code and a phrase its text contains (any text when empty), and what it means. */
  private record Row(int code, String phrase, Kind kind) {
    boolean matches(Reply r) {
      return r.code() == code
          && r.text().toLowerCase(Locale.ROOT).contains(phrase.toLowerCase(Locale.ROOT));
    }
  }

  private static final List<Row> ROWS =
      List.of(
          new Row(454, "Maximum sending rate exceeded", Kind.RATE),
          new Row(454, "Maximum SigV2 SMTP sending rate exceeded", Kind.RATE),
          new Row(454, "Daily message quota exceeded", Kind.DAILY),
          new Row(535, "Account not subscribed", Kind.ACCOUNT),
          new Row(554, "Access denied", Kind.ACCOUNT),
          new Row(554, "Sending is paused", Kind.ACCOUNT),
          new Row(530, "", Kind.ACCOUNT));

  private SmtpReplyTable() {}

  /**
   * Classifies one message's result.
   *
   * @param sesMessageIds whether an accepting reply reads {@code Ok <MessageId>} (SES)
   */
  static CallResult classify(SendResult result, boolean sesMessageIds) {
    return switch (result) {
      case SendResult.Accepted a -> new CallResult.Accepted(upstreamId(a.reply(), sesMessageIds));
      case Failed f ->
          f.retryable()
              ? new CallResult.Transient(where(f.stage()) + f.message())
              : new CallResult.Permanent(where(f.stage()) + f.message(), beforeMail(f.stage()));
      case Refused r -> refused(r);
    };
  }

  private static CallResult refused(Refused r) {
    Reply reply = r.reply();
    String text = where(r.stage()) + reply;
    for (Row row : ROWS) {
      if (row.matches(reply)) {
        return switch (row.kind()) {
          case RATE -> new CallResult.Throttled(ThrottleKind.RATE, text);
          case DAILY -> new CallResult.Throttled(ThrottleKind.DAILY, text);
          case ACCOUNT -> new CallResult.Permanent(text, true);
        };
      }
    }
    if (r.stage() == Stage.RCPT && !r.refused().isEmpty()) {
      String list =
          r.refused().stream()
              .map(f -> f.recipient() + " (" + f.reply() + ")")
              .collect(Collectors.joining(", "));
      boolean permanent =
          r.refused().stream().map(RecipientRefusal::reply).anyMatch(Reply::isPermanent);
      String why = "rcpt: refused recipients, nothing sent: " + list;
      return permanent ? new CallResult.Permanent(why, false) : new CallResult.Transient(why);
    }
    if (reply.isTransient()) {
      return new CallResult.Transient(text);
    }
    return new CallResult.Permanent(text, beforeMail(r.stage()));
  }

  private static String upstreamId(Reply reply, boolean ses) {
    String text = reply.text().strip();
    if (ses && text.startsWith("Ok ")) {
      return text.substring(3).strip();
    }
    return text;
  }

  /** Connect, greeting, EHLO, TLS and AUTH concern every message alike. */
  private static boolean beforeMail(Stage stage) {
    return stage.compareTo(Stage.MAIL) < 0;
  }

  private static String where(Stage stage) {
    return stage.name().toLowerCase(Locale.ROOT) + ": ";
  }
}
