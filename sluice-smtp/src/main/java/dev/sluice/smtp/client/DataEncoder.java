package dev.sluice.smtp.client;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message content as SMTP DATA (RFC 5321 §4.5.2): every line ending becomes CRLF (a bare LF
 * or bare CR is taken as a line end, since RFC 5321 §2.3.8 forbids them on the wire and servers
 * refuse them), a line starting with {@code .} gets a second one, the last line is terminated, and
 * {@code .} CRLF ends the data.
 *
 * <p>Stateless; thread-safe. Writes runs of ordinary octets in one call, so a buffered stream does
 * not see a call per octet.
 */
final class DataEncoder {
  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte DOT = '.';
  private static final byte[] CRLF = {CR, LF};
  private static final byte[] END = {DOT, CR, LF};

  private DataEncoder() {}

  /**
   * What the content will be on the wire, before dot-stuffing.
   *
   * @param size octets with CRLF line ends, excluding stuffing dots and the final {@code .} CRLF:
   *     the value for MAIL's SIZE parameter (RFC 1870 §3)
   * @param eightBit whether any octet has the high bit set (then BODY=8BITMIME is due)
   */
  record Measure(long size, boolean eightBit) {}

  /** Measures the content in one pass. */
  static Measure measure(byte[] content) {
    long size = content.length;
    boolean eightBit = false;
    for (int i = 0; i < content.length; i++) {
      byte b = content[i];
      if (b < 0) {
        eightBit = true;
      } else if (b == LF && (i == 0 || content[i - 1] != CR)) {
        size++; // bare LF gains a CR
      } else if (b == CR && (i + 1 == content.length || content[i + 1] != LF)) {
        size++; // bare CR gains an LF
      }
    }
    if (content.length > 0
        && content[content.length - 1] != LF
        && content[content.length - 1] != CR) {
      size += 2; // the last line gets its CRLF
    }
    return new Measure(size, eightBit);
  }

  /** Writes the content, normalized and dot-stuffed, followed by {@code .} CRLF. */
  static void write(byte[] content, OutputStream out) throws IOException {
    boolean lineStart = true;
    int run = 0; // start of the pending run of octets copied as they are
    int i = 0;
    while (i < content.length) {
      byte b = content[i];
      if (b == CR || b == LF) {
        out.write(content, run, i - run);
        out.write(CRLF);
        i += b == CR && i + 1 < content.length && content[i + 1] == LF ? 2 : 1;
        run = i;
        lineStart = true;
        continue;
      }
      if (lineStart && b == DOT) {
        out.write(content, run, i - run);
        out.write(DOT); // the doubled dot; the original follows in the next run
        run = i;
      }
      lineStart = false;
      i++;
    }
    out.write(content, run, content.length - run);
    if (!lineStart) {
      out.write(CRLF);
    }
    out.write(END);
  }
}
