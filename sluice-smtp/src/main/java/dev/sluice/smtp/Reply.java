package dev.sluice.smtp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One SMTP reply as a value: a three-digit code, an optional enhanced status code (RFC 3463) and a
 * text whose lines, separated by {@code '\n'}, become a multi-line reply (RFC 5321 §4.2.1).
 *
 * <p>Immutable; thread-safe. The text may carry anything (it is often built from client input); it
 * is made safe when rendered: every character outside printable ASCII goes out as {@code '?'}.
 *
 * @param code the reply code, 200 to 599
 * @param enhanced the enhanced status code such as {@code 2.1.0}, or {@code null} for none
 * @param text the human text; {@code '\n'} separates the lines of a multi-line reply
 */
public record Reply(int code, String enhanced, String text) {
  private static final Pattern ENHANCED = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

  /** Checks the code, the enhanced code's form and class, and that the text is present. */
  public Reply {
    if (code < 200 || code > 599) {
      throw new IllegalArgumentException("an SMTP reply code is 200..599, got " + code);
    }
    if (enhanced != null
        && (!ENHANCED.matcher(enhanced).matches() || enhanced.charAt(0) - '0' != code / 100)) {
      throw new IllegalArgumentException(
          "enhanced code '" + enhanced + "' does not fit reply code " + code);
    }
    Objects.requireNonNull(text, "text");
  }

  /** A reply with an enhanced status code. */
  public static Reply of(int code, String enhanced, String text) {
    return new Reply(code, enhanced, text);
  }

  /** A reply without an enhanced status code. */
  public static Reply of(int code, String text) {
    return new Reply(code, null, text);
  }

  /** A multi-line reply, one entry per line. */
  public static Reply multiline(int code, String enhanced, List<String> lines) {
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a reply has at least one line");
    }
    return new Reply(code, enhanced, String.join("\n", lines));
  }

  /** The lines of the text. */
  public List<String> lines() {
    return List.of(text.split("\n", -1));
  }

  /** Whether the code is 2xx or 3xx. */
  public boolean isPositive() {
    return code < 400;
  }

  /** Whether the code is 4xx: try again later. */
  public boolean isTransient() {
    return code >= 400 && code < 500;
  }

  /** Whether the code is 5xx: do not repeat unchanged. */
  public boolean isPermanent() {
    return code >= 500;
  }

  /** This reply with another text, keeping code and enhanced code. */
  public Reply withText(String newText) {
    return new Reply(code, enhanced, newText);
  }

  /**
   * The reply as it goes on the wire, every line ending in CRLF.
   *
   * @param includeEnhanced whether to put the enhanced code (when there is one) on each line, as
   *     RFC 2034 asks once ENHANCEDSTATUSCODES has been advertised
   */
  public String toWire(boolean includeEnhanced) {
    List<String> lines = lines();
    StringBuilder sb = new StringBuilder(16 + text.length() + lines.size() * 12);
    for (int i = 0; i < lines.size(); i++) {
      sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
      if (includeEnhanced && enhanced != null) {
        sb.append(enhanced).append(' ');
      }
      appendSafe(sb, lines.get(i));
      sb.append("\r\n");
    }
    return sb.toString();
  }

  /** The wire form as bytes. */
  byte[] toBytes(boolean includeEnhanced) {
    return toWire(includeEnhanced).getBytes(StandardCharsets.US_ASCII);
  }

  private static void appendSafe(StringBuilder sb, String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      sb.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
  }

  @Override
  public String toString() {
    String wire = toWire(true);
    return wire.substring(0, wire.length() - 2).replace("\r\n", " | ");
  }
}
