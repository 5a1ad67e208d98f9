package dev.sluice.ingress.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A text body in UTF-8 with a content-transfer-encoding that keeps every line short and 7-bit (RFC
 * 2045 §6): quoted-printable for text that is mostly ASCII, base64 for text that is not.
 *
 * <h2>Design note</h2>
 *
 * <p>Quoted-printable keeps ASCII text readable and costs three octets for each octet it escapes;
 * base64 costs four for every three. When more than a fifth of the octets need escaping, base64 is
 * the smaller (CJK text, for one). Line breaks in the text ({@code CRLF}, {@code LF} or a lone
 * {@code CR}) become CRLF, the canonical form of text (RFC 2049 §4). Decoded, the body is exactly
 * the text with CRLF breaks: it ends in a line break only when the text does, so the composer adds
 * the CRLF that closes a message or comes before a boundary.
 *
 * @param transferEncoding {@code quoted-printable} or {@code base64}
 * @param body the encoded octets, CRLF line endings, lines of at most 76 characters; the last line
 *     may lack its CRLF
 */
record BodyEncoding(String transferEncoding, byte[] body) {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** Encodes a text in the smaller of the two encodings. */
  static BodyEncoding of(String text) {
    String[] lines = lines(text);
    long plain = 0;
    long escaped = 0;
    byte[][] utf8 = new byte[lines.length][];
    for (int i = 0; i < lines.length; i++) {
      utf8[i] = lines[i].getBytes(StandardCharsets.UTF_8);
      plain += utf8[i].length + 2;
      for (byte b : utf8[i]) {
        int c = b & 0xff;
        if (!literal(c) && c != ' ' && c != '\t') {
          escaped++;
        }
      }
    }
    if (escaped * 5 > plain) {
      return new BodyEncoding("base64", base64(utf8));
    }
    return new BodyEncoding("quoted-printable", quotedPrintable(utf8));
  }

  /** The text's lines without their breaks; after a final break comes an empty last line. */
  private static String[] lines(String text) {
    return text.isEmpty() ? new String[0] : text.split("\r\n|\r|\n", -1);
  }

  /** Quoted-printable (RFC 2045 §6.7), soft breaks keeping lines to 76 characters. */
  static byte[] quotedPrintable(byte[][] lines) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int l = 0; l < lines.length; l++) {
      byte[] line = lines[l];
      if (l > 0) {
        out.write('\r');
        out.write('\n');
      }
      int column = 0;
      for (int i = 0; i < line.length; i++) {
        int b = line[i] & 0xff;
        boolean last = i == line.length - 1;
        // Rule 3: white space at the end of a line is encoded, or transports may strip it.
        boolean plain = literal(b) || ((b == ' ' || b == '\t') && !last);
        int width = plain ? 1 : 3;
        // Rule 5: a soft break "=" ends the line, so only the last character may take column 76.
        if (column + width > (last ? 76 : 75)) {
          out.write('=');
          out.write('\r');
          out.write('\n');
          column = 0;
        }
        if (plain) {
          out.write(b);
        } else {
          out.write('=');
          out.write(HEX[b >> 4]);
          out.write(HEX[b & 0xf]);
        }
        column += width;
      }
    }
    return out.toByteArray();
  }

  private static byte[] base64(byte[][] lines) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    for (int l = 0; l < lines.length; l++) {
      if (l > 0) {
        text.write('\r');
        text.write('\n');
      }
      text.writeBytes(lines[l]);
    }
    return Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encode(text.toByteArray());
  }

  /** Printable ASCII but "=": written as itself (RFC 2045 §6.7 rule 2). */
  private static boolean literal(int b) {
    return b >= 33 && b <= 126 && b != '=';
  }
}
