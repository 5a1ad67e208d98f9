package dev.sluice.ingress;

import java.util.Objects;
import java.util.Optional;

/**
 * What SES would refuse in a raw message, checked at both doors before the message is accepted,
 * with the same words on each: the SMTP door answers {@code 550 5.6.0} at the end of data, the HTTP
 * door {@code 400} ({@code invalid_message}, or {@code line_too_long}).
 *
 * <h2>Design note</h2>
 *
 * <p>SES's RawMessage has to "contain a header and a body, separated by one blank line", with "all
 * of the required header fields" (SES's API reference), and lines of at most 1000 characters with
 * their CRLF (RFC 5321 §4.5.3.1.6, which SES cites). So a message is refused when it is empty, does
 * not open with a header field, has a line in its header section that is neither a field nor the
 * empty line ending it, never ends its header section (header fields only), has no {@code From}
 * field in it (RFC 5322 §3.6 requires one; a {@code From:} line in the body does not count), or has
 * a line over 1000 octets. A NUL octet anywhere is refused too: RFC 5321 §4.5.2 and RFC 2045
 * §2.7–2.8 allow none in 7-bit or 8-bit text, no BINARYMIME is offered, and a raw message is MIME
 * text to SES, so binary content has to be base64-encoded first.
 *
 * <p>Rejected: checking MIME structure (boundaries, encodings): SES documents that parts must be
 * "formatted properly" but not how strictly it checks, and a wrong guess would refuse mail SES
 * takes. Rejected too: repairing (adding a blank line or a {@code From}): the author's message is
 * stored as sent, or refused with the reason.
 *
 * <p>The check reads lines ended by LF (a CR before it belongs to the ending), so it takes a
 * message after DATA (CRLF only), after BDAT (octets as sent) and from HTTP (CRLF or LF) alike, in
 * one pass, line by line, so a door that already walks the lines can feed them in.
 *
 * <p>An instance follows one message and is confined to one thread; {@link #check(byte[])} is
 * thread-safe.
 */
public final class MessageCheck {
  /** The longest line, CRLF included (RFC 5321 §4.5.3.1.6). */
  public static final int MAX_LINE = 1000;

  /** What is wrong with a message. */
  public enum Problem {
    /** No octets at all. */
    EMPTY,
    /** The first line is not a header field (a body alone, an mbox {@code From } line). */
    NO_HEADER_SECTION,
    /** A line of the header section that is neither a field nor the empty line ending it. */
    NOT_A_HEADER_FIELD,
    /** Header fields and nothing else: no empty line, no body. */
    NO_BODY_SEPARATOR,
    /** No {@code From} field in the header section. */
    NO_FROM,
    /** A NUL octet. */
    NUL,
    /** A line over {@link #MAX_LINE} octets with its CRLF. */
    LINE_TOO_LONG,
    /** SES's control headers break SES's rules or the relay's ({@link SesHeaderRules}). */
    SES_HEADER,
    /** An {@code X-Sluice-Route} header naming no route of the relay ({@link RelayHeaderRules}). */
    ROUTE_HEADER,
    /** An {@code X-Sluice-Class} header naming no class of the relay ({@link RelayHeaderRules}). */
    CLASS_HEADER
  }

  /**
   * Why a message is refused.
   *
   * @param problem which rule it breaks
   * @param text what is wrong, for people, printable ASCII; both doors answer with exactly this
   */
  public record Refusal(Problem problem, String text) {
    /** The longest text {@link #fitted} gives, so an SMTP reply line stays within 512 octets. */
    static final int MAX_TEXT = 400;

    /** Checks the parts are present. */
    public Refusal {
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(text, "text");
    }

    /**
     * A refusal whose text may quote the message: anything but printable ASCII is replaced by
     * {@code ?} (a header's octets are read as ISO-8859-1) and the text is cut to {@link #MAX_TEXT}
     * characters, so it fits an SMTP reply line (RFC 5321 §4.5.3.1.5).
     */
    static Refusal fitted(Problem problem, String text) {
      StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_TEXT));
      for (int i = 0; i < text.length() && sb.length() < MAX_TEXT; i++) {
        char c = text.charAt(i);
        sb.append(c >= ' ' && c < 0x7f ? c : '?');
      }
      if (sb.length() < text.length()) {
        sb.setLength(MAX_TEXT - 3);
        sb.append("...");
      }
      return new Refusal(problem, sb.toString());
    }
  }

  private Refusal refusal;
  private int lines;
  private boolean headerDone;
  private boolean anyField;
  private boolean from;

  /** A check at the start of a message. */
  public MessageCheck() {}

  /** Checks a whole message; lines end in LF or CRLF, and the last one may have no ending. */
  public static Optional<Refusal> check(byte[] message) {
    MessageCheck c = new MessageCheck();
    int start = 0;
    int n = message.length;
    while (start < n) {
      int lf = indexOf(message, (byte) '\n', start, n);
      int next = lf < 0 ? n : lf + 1;
      int end = lf > start && message[lf - 1] == '\r' ? lf - 1 : (lf < 0 ? n : lf);
      if (!c.line(message, start, end)) {
        break;
      }
      start = next;
    }
    return c.finish();
  }

  /**
   * Takes the next line.
   *
   * @param end the index after the line's content, its CR LF or LF excluded
   * @return false once the message is refused (the rest need not be read)
   */
  public boolean line(byte[] b, int start, int end) {
    if (refusal != null) {
      return false;
    }
    lines++;
    if (end - start + 2 > MAX_LINE) {
      return refuse(
          Problem.LINE_TOO_LONG,
          "Line " + lines + " is longer than " + MAX_LINE + " octets with its CRLF");
    }
    if (indexOf(b, (byte) 0, start, end) >= 0) {
      return refuse(
          Problem.NUL,
          "Line "
              + lines
              + " holds a NUL octet, which SES cannot take in a raw message;"
              + " send binary content base64-encoded");
    }
    if (!headerDone) {
      header(b, start, end);
    }
    return refusal == null;
  }

  /** Ends the message; the first refusal found, if any. */
  public Optional<Refusal> finish() {
    if (refusal == null) {
      if (lines == 0) {
        refuse(Problem.EMPTY, "The message is empty");
      } else if (!anyField) {
        refuse(Problem.NO_HEADER_SECTION, "The message has no header section");
      } else if (!from) {
        refuse(Problem.NO_FROM, "The message has no From header field, which SES requires");
      } else if (!headerDone) {
        refuse(
            Problem.NO_BODY_SEPARATOR,
            "The message has header fields only; SES requires a header section and a body"
                + " separated by an empty line");
      }
    }
    return Optional.ofNullable(refusal);
  }

  private void header(byte[] b, int start, int end) {
    if (start == end) {
      headerDone = true;
      return;
    }
    if (b[start] == ' ' || b[start] == '\t') {
      if (!anyField) {
        refuse(
            Problem.NO_HEADER_SECTION, "The message starts with a folded line, not a header field");
      }
      return; // continues the previous field
    }
    int colon = start;
    while (colon < end && b[colon] >= 33 && b[colon] <= 126 && b[colon] != ':') {
      colon++;
    }
    if (colon == start || colon == end || b[colon] != ':') {
      refuse(
          anyField ? Problem.NOT_A_HEADER_FIELD : Problem.NO_HEADER_SECTION,
          "Line "
              + lines
              + " is neither a header field nor the empty line that ends the header section");
      return;
    }
    anyField = true;
    if (colon - start == 4
        && (b[start] | 0x20) == 'f'
        && (b[start + 1] | 0x20) == 'r'
        && (b[start + 2] | 0x20) == 'o'
        && (b[start + 3] | 0x20) == 'm') {
      from = true;
    }
  }

  private boolean refuse(Problem problem, String text) {
    refusal = new Refusal(problem, text);
    return false;
  }

  private static int indexOf(byte[] b, byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }
}
