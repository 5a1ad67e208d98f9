package dev.sluice.simulator.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The MIME message SES builds from a simple send (v2 {@code Content.Simple}, v1 {@code SendEmail}):
 * header fields, then the text body, the HTML body, or both as {@code multipart/alternative} (text
 * first, RFC 2046 §5.1.4), so the simulator keeps what a recipient would get.
 *
 * <p>Bodies are UTF-8 in quoted-printable; a subject that is not plain printable ASCII becomes
 * encoded words (RFC 2047). Bcc recipients appear in no header field. The boundary starts with
 * {@code =_}, which quoted-printable never writes, so no body can contain it. Lines end in CRLF.
 *
 * <p>Stateless; thread-safe.
 */
public final class SimpleMessage {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /**
   * A header field a sender added ({@code Content.Simple.Headers}).
   *
   * @param name the field name
   * @param value its value
   */
  public record Field(String name, String value) {}

  private SimpleMessage() {}

  /**
   * Writes the message.
   *
   * @param text the plain-text body, or null
   * @param html the HTML body, or null (one of the two is given)
   */
  public static byte[] compose(
      String from,
      List<String> to,
      List<String> cc,
      String subject,
      String text,
      String html,
      List<Field> extra,
      Instant date) {
    StringBuilder h = new StringBuilder(256);
    h.append("From: ").append(oneLine(from)).append("\r\n");
    if (!to.isEmpty()) {
      h.append("To: ").append(oneLine(String.join(", ", to))).append("\r\n");
    }
    if (!cc.isEmpty()) {
      h.append("Cc: ").append(oneLine(String.join(", ", cc))).append("\r\n");
    }
    h.append("Subject: ").append(subject(subject)).append("\r\n");
    h.append("Date: ").append(DATE.format(date)).append("\r\n");
    for (Field f : extra) {
      h.append(oneLine(f.name())).append(": ").append(oneLine(f.value())).append("\r\n");
    }
    h.append("MIME-Version: 1.0\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (text != null && html != null) {
      String boundary = "=_" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
      h.append("Content-Type: multipart/alternative; boundary=\"")
          .append(boundary)
          .append("\"\r\n\r\n");
      out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
      for (String[] part : new String[][] {{"text/plain", text}, {"text/html", html}}) {
        out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(part(part[0]).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(quotedPrintable(part[1]));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    } else {
      h.append(part(text != null ? "text/plain" : "text/html"));
      out.writeBytes(h.toString().getBytes(StandardCharsets.UTF_8));
      out.writeBytes(quotedPrintable(text != null ? text : html));
    }
    return out.toByteArray();
  }

  private static String part(String type) {
    return "Content-Type: "
        + type
        + "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n";
  }

  /** A header value on one line: a sender's line breaks would start new fields. */
  private static String oneLine(String s) {
    return s.replaceAll("[\r\n]+", " ");
  }

  /** The subject as is when it is printable ASCII, else as UTF-8 encoded words (RFC 2047 §5). */
  static String subject(String s) {
    boolean plain = s.length() <= 900 && s.chars().allMatch(c -> c >= 32 && c < 127);
    if (plain) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      // At most 45 octets per word keeps each one within 75 characters (§2); never split a
      // character between words (§5 (3)).
      int j = i;
      int octets = 0;
      while (j < s.length()) {
        int cp = s.codePointAt(j);
        int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
        if (octets + n > 45) {
          break;
        }
        octets += n;
        j += Character.charCount(cp);
      }
      if (out.length() > 0) {
        out.append("\r\n ");
      }
      out.append("=?UTF-8?B?")
          .append(
              Base64.getEncoder()
                  .encodeToString(s.substring(i, j).getBytes(StandardCharsets.UTF_8)))
          .append("?=");
      i = j;
    }
    return out.toString();
  }

  /** UTF-8 in quoted-printable (RFC 2045 §6.7), line breaks as CRLF, lines of at most 76. */
  static byte[] quotedPrintable(String text) {
    byte[] in = text.replace("\r\n", "\n").replace('\r', '\n').getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 8);
    int col = 0;
    for (int i = 0; i < in.length; i++) {
      int b = in[i] & 0xff;
      if (b == '\n') {
        out.writeBytes(new byte[] {'\r', '\n'});
        col = 0;
        continue;
      }
      boolean lineEnd = i + 1 == in.length || in[i + 1] == '\n';
      boolean literal = (b >= 33 && b <= 126 && b != '=') || ((b == ' ' || b == '\t') && !lineEnd);
      int width = literal ? 1 : 3;
      if (col + width > 75) {
        out.writeBytes(new byte[] {'=', '\r', '\n'}); // soft line break (rule 5)
        col = 0;
      }
      if (literal) {
        out.write(b);
      } else {
        out.write('=');
        out.write(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        out.write(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      }
      col += width;
    }
    return out.toByteArray();
  }
}
