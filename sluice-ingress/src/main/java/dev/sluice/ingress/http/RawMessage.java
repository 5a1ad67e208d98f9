package dev.sluice.ingress.http;

import dev.sluice.ingress.MessageCheck;
import java.util.Optional;

/**
 * Checks a raw RFC 5322 message handed over as {@code message/rfc822} and returns it with CRLF line
 * endings, as the spool keeps every message.
 *
 * <h2>Design note</h2>
 *
 * <p>Bare LF line endings are turned into CRLF. The SMTP door refuses them, because two hops that
 * read line endings differently can be made to see two messages in one (SMTP smuggling); an HTTP
 * body has a length, not a terminator, so that cannot happen here, and Unix tools write LF. A CR
 * not followed by LF is refused ({@link ErrorCode#BARE_NEWLINE}): it is no one's line ending, and
 * guessing would change the message. A message that does not end in a line break gets one.
 *
 * <p>Also refused, with the SMTP door's words: what {@link MessageCheck} finds SES would refuse (an
 * empty message, no header section, header fields only, no {@code From} field, a NUL octet, a line
 * over 1000 octets with its CRLF), and a message over the size limit. The lines are fed to the
 * check as they are found, so the message is read once.
 *
 * <p>Stateless; thread-safe.
 */
final class RawMessage {
  private RawMessage() {}

  /**
   * The message with CRLF line endings.
   *
   * @param maxSize the largest message, in octets after repair
   * @throws Refusal when the message cannot be taken
   */
  static byte[] canonical(byte[] body, long maxSize) {
    if (body.length > maxSize) {
      throw tooLarge(maxSize);
    }
    MessageCheck check = new MessageCheck();
    int bareLf = 0;
    int start = 0;
    int line = 1;
    int n = body.length;
    for (int i = 0; i < n; i++) {
      byte b = body[i];
      int next;
      if (b == '\n') {
        bareLf++;
        next = i + 1;
      } else if (b == '\r') {
        if (i + 1 >= n || body[i + 1] != '\n') {
          throw new Refusal(
              ErrorCode.BARE_NEWLINE,
              "Line " + line + " holds a CR not followed by LF (RFC 5322 §2.3)");
        }
        next = i + 2;
      } else {
        continue;
      }
      if (!check.line(body, start, i)) {
        throw refused(check);
      }
      start = next;
      i = next - 1;
      line++;
    }
    boolean unterminated = start < n;
    if (unterminated && !check.line(body, start, n)) {
      throw refused(check);
    }
    Optional<MessageCheck.Refusal> refused = check.finish();
    if (refused.isPresent()) {
      throw refusal(refused.get());
    }
    long size = (long) n + bareLf + (unterminated ? 2 : 0);
    if (size > maxSize) {
      throw tooLarge(maxSize);
    }
    if (bareLf == 0 && !unterminated) {
      return body;
    }
    byte[] out = new byte[(int) size];
    int o = 0;
    for (int i = 0; i < n; i++) {
      byte b = body[i];
      if (b == '\n' && (i == 0 || body[i - 1] != '\r')) {
        out[o++] = '\r';
      }
      out[o++] = b;
    }
    if (unterminated) {
      out[o++] = '\r';
      out[o++] = '\n';
    }
    return out;
  }

  private static Refusal refused(MessageCheck check) {
    return refusal(check.finish().orElseThrow());
  }

  private static Refusal refusal(MessageCheck.Refusal r) {
    ErrorCode code =
        r.problem() == MessageCheck.Problem.LINE_TOO_LONG
            ? ErrorCode.LINE_TOO_LONG
            : ErrorCode.INVALID_MESSAGE;
    return new Refusal(code, r.text());
  }

  private static Refusal tooLarge(long maxSize) {
    return new Refusal(
        ErrorCode.MESSAGE_TOO_LARGE,
        "The message is larger than the limit of " + maxSize + " octets");
  }
}
