package dev.sluice.smtp.client;

import dev.sluice.smtp.Reply;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads SMTP replies (RFC 5321 §4.2): one or more lines {@code NNN-text}, the last {@code NNN
 * text}, each ending in CRLF (a bare LF is tolerated). An enhanced status code (RFC 3463) at the
 * start of the text becomes {@link Reply#enhanced()}, whether or not ENHANCEDSTATUSCODES was
 * offered: SES writes one into some texts without offering it.
 *
 * <p>Bounded: a line may hold {@value #MAX_LINE} octets and a reply {@value #MAX_LINES} lines.
 * Confined to the connection's thread.
 */
final class ReplyReader {
  /** Far above RFC 5321's 512, for servers with chatty EHLO lines. */
  static final int MAX_LINE = 4096;

  static final int MAX_LINES = 512;

  private static final Pattern ENHANCED =
      Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})(?: |$)");

  private final InputStream in;
  private final byte[] line = new byte[MAX_LINE];

  /** Reads from a buffered stream. */
  ReplyReader(InputStream in) {
    this.in = in;
  }

  /** Reads one whole reply, blocking; throws on end of stream, a timeout or a malformed reply. */
  Reply read() throws IOException {
    List<String> lines = new ArrayList<>(4);
    int code = -1;
    while (true) {
      String l = readLine();
      if (lines.size() >= MAX_LINES) {
        throw new SmtpProtocolException("reply longer than " + MAX_LINES + " lines");
      }
      int c = codeOf(l);
      if (code != -1 && c != code) {
        throw new SmtpProtocolException("reply code changed within a reply: " + quote(l));
      }
      code = c;
      boolean last = l.length() == 3 || l.charAt(3) == ' ';
      if (!last && l.charAt(3) != '-') {
        throw new SmtpProtocolException("not an SMTP reply line: " + quote(l));
      }
      lines.add(l.length() > 4 ? l.substring(4) : "");
      if (last) {
        return toReply(code, lines);
      }
    }
  }

  /** Makes a reply from the code and the lines' texts, taking the enhanced code off each. */
  static Reply toReply(int code, List<String> texts) {
    String enhanced = null;
    Matcher m = ENHANCED.matcher(texts.get(0));
    if (m.lookingAt() && m.group(1).charAt(0) - '0' == code / 100) {
      enhanced = m.group(1) + "." + m.group(2) + "." + m.group(3);
    }
    if (enhanced == null) {
      return Reply.multiline(code, null, texts);
    }
    List<String> stripped = new ArrayList<>(texts.size());
    for (String t : texts) {
      stripped.add(t.startsWith(enhanced) ? t.substring(enhanced.length()).stripLeading() : t);
    }
    return Reply.multiline(code, enhanced, stripped);
  }

  private static int codeOf(String l) throws SmtpProtocolException {
    if (l.length() < 3
        || l.charAt(0) < '2'
        || l.charAt(0) > '5'
        || !Character.isDigit(l.charAt(1))
        || !Character.isDigit(l.charAt(2))) {
      throw new SmtpProtocolException("not an SMTP reply line: " + quote(l));
    }
    return Integer.parseInt(l, 0, 3, 10);
  }

  private String readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException(
            n == 0 ? "connection closed by the server" : "connection closed inside a reply line");
      }
      if (b == '\n') {
        int end = n > 0 && line[n - 1] == '\r' ? n - 1 : n;
        return new String(line, 0, end, StandardCharsets.ISO_8859_1);
      }
      if (n == MAX_LINE) {
        throw new SmtpProtocolException("reply line longer than " + MAX_LINE + " octets");
      }
      line[n++] = (byte) b;
    }
  }

  private static String quote(String l) {
    String s = l.length() > 80 ? l.substring(0, 80) + "..." : l;
    return "'" + s.replaceAll("[^\\x20-\\x7e]", "?") + "'";
  }
}
