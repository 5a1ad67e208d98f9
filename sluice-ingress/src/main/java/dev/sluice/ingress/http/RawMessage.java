package dev.sluice.ingress.http;

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
 * <p>Also refused, as SMTP would: a line over 1000 octets with its CRLF (RFC 5321 §4.5.3.1.6), and
 * a message over the size limit. And, since SES needs them: a message that does not open with a
 * header section (an mbox {@code From } line, a body alone), or has no {@code From} field.
 *
 * <p>Stateless; thread-safe.
 */
final class RawMessage {
  /** The longest line, CRLF included (RFC 5321 §4.5.3.1.6). */
  static final int MAX_LINE = 1000;

  private RawMessage() {}

  /**
   * The message with CRLF line endings.
   *
   * @param maxSize the largest message, in octets after repair
   * @throws Refusal when the message cannot be taken
   */
  static byte[] canonical(byte[] body, long maxSize) {
    if (body.length == 0) {
      throw new Refusal(ErrorCode.INVALID_MESSAGE, "The message is empty");
    }
    if (body.length > maxSize) {
      throw tooLarge(maxSize);
    }
    Headers headers = new Headers();
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
      checkLine(body, start, i, line, headers);
      start = next;
      i = next - 1;
      line++;
    }
    boolean unterminated = start < n;
    if (unterminated) {
      checkLine(body, start, n, line, headers);
    }
    headers.finish();
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

  private static void checkLine(byte[] body, int start, int end, int line, Headers headers) {
    if (end - start + 2 > MAX_LINE) {
      throw new Refusal(
          ErrorCode.LINE_TOO_LONG,
          "Line " + line + " is longer than " + MAX_LINE + " octets with its CRLF");
    }
    headers.line(body, start, end, line);
  }

  private static Refusal tooLarge(long maxSize) {
    return new Refusal(
        ErrorCode.MESSAGE_TOO_LARGE,
        "The message is larger than the limit of " + maxSize + " octets");
  }

  /** Follows the header section line by line until the empty line that ends it. */
  private static final class Headers {
    private boolean done;
    private boolean any;
    private boolean from;

    void line(byte[] b, int start, int end, int line) {
      if (done) {
        return;
      }
      if (start == end) {
        done = true;
        return;
      }
      if (b[start] == ' ' || b[start] == '\t') {
        if (!any) {
          throw invalid("The message starts with a folded line, not a header field");
        }
        return; // continues the previous field
      }
      int colon = start;
      while (colon < end && b[colon] >= 33 && b[colon] <= 126 && b[colon] != ':') {
        colon++;
      }
      if (colon == start || colon == end || b[colon] != ':') {
        throw invalid(
            "Line "
                + line
                + " is neither a header field nor the empty line that ends the header section");
      }
      any = true;
      if (colon - start == 4
          && (b[start] | 0x20) == 'f'
          && (b[start + 1] | 0x20) == 'r'
          && (b[start + 2] | 0x20) == 'o'
          && (b[start + 3] | 0x20) == 'm') {
        from = true;
      }
    }

    void finish() {
      if (!any) {
        throw invalid("The message has no header section");
      }
      if (!from) {
        throw invalid("The message has no From header field, which SES requires");
      }
    }

    private static Refusal invalid(String message) {
      return new Refusal(ErrorCode.INVALID_MESSAGE, message);
    }
  }
}
