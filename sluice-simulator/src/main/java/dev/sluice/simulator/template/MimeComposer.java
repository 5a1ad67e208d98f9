package dev.sluice.simulator.template;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the MIME message SES sends for a templated email, so the simulator's inbox shows what the
 * recipient would get: the addressing headers, the rendered subject (RFC 2047 encoded words when it
 * is not ASCII), the text and HTML parts as {@code multipart/alternative} (one part alone when the
 * template has one), the send's custom headers, and its attachments in a {@code multipart/mixed}
 * around them.
 *
 * <p>Design: bodies go out as 7bit when they are ASCII with lines of at most 998 octets (RFC 5322
 * §2.1.1), otherwise as quoted-printable UTF-8 (RFC 2045 §6.7), with line breaks made CRLF either
 * way; attachments as base64 unless quoted-printable is asked for. Header lines are folded at
 * spaces near 78 characters. No Message-ID is written: SES gives the message its own when it sends
 * it.
 *
 * <p>Stateless and thread-safe.
 */
public final class MimeComposer {
  private static final String CRLF = "\r\n";
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final Pattern NAME_ADDR = Pattern.compile("^\\s*(.*?)\\s*<([^<>]*)>\\s*$");

  private MimeComposer() {}

  /**
   * A header the send adds.
   *
   * @param name the field name
   * @param value the field value, unfolded
   */
  public record Header(String name, String value) {
    /** Checks for nulls. */
    public Header {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * An attachment, as SES v2's {@code Attachment} describes it.
   *
   * @param content the bytes
   * @param fileName the file name
   * @param contentType the MIME type
   * @param inline whether it is shown inline ({@code ContentDisposition} INLINE)
   * @param contentId the {@code Content-ID}, or null
   * @param description the {@code Content-Description}, or null
   * @param quotedPrintable whether to encode it quoted-printable instead of base64
   */
  public record Attachment(
      byte[] content,
      String fileName,
      String contentType,
      boolean inline,
      String contentId,
      String description,
      boolean quotedPrintable) {}

  /**
   * What the message is made of.
   *
   * @param from the From field, or null (TestRenderEmailTemplate has none)
   * @param to the To addresses
   * @param cc the Cc addresses (Bcc addresses are in no header)
   * @param replyTo the Reply-To addresses
   * @param content the rendered subject and parts
   * @param headers the send's own headers, after the standard ones
   * @param attachments the attachments
   * @param dateMillis the Date field's time
   */
  public record Email(
      String from,
      List<String> to,
      List<String> cc,
      List<String> replyTo,
      RenderedContent content,
      List<Header> headers,
      List<Attachment> attachments,
      long dateMillis) {
    /** Copies the lists. */
    public Email {
      to = List.copyOf(to);
      cc = List.copyOf(cc);
      replyTo = List.copyOf(replyTo);
      headers = List.copyOf(headers);
      attachments = List.copyOf(attachments);
    }
  }

  /** The message as bytes. */
  public static byte[] compose(Email e) {
    StringBuilder h = new StringBuilder();
    field(h, "Date", DATE.format(Instant.ofEpochMilli(e.dateMillis())));
    if (e.from() != null) {
      field(h, "From", addressList(List.of(e.from())));
    }
    if (!e.replyTo().isEmpty()) {
      field(h, "Reply-To", addressList(e.replyTo()));
    }
    if (!e.to().isEmpty()) {
      field(h, "To", addressList(e.to()));
    }
    if (!e.cc().isEmpty()) {
      field(h, "Cc", addressList(e.cc()));
    }
    field(h, "Subject", unstructured(e.content().subject()));
    for (Header x : e.headers()) {
      field(h, x.name(), unstructured(x.value()));
    }
    field(h, "MIME-Version", "1.0");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, h.toString());
    if (e.attachments().isEmpty()) {
      body(out, e.content());
    } else {
      String b = boundary();
      write(
          out, "Content-Type: multipart/mixed; " + CRLF + "\tboundary=\"" + b + "\"" + CRLF + CRLF);
      write(out, "--" + b + CRLF);
      body(out, e.content());
      for (Attachment a : e.attachments()) {
        write(out, CRLF + "--" + b + CRLF);
        attachment(out, a);
      }
      write(out, CRLF + "--" + b + "--" + CRLF);
    }
    return out.toByteArray();
  }

  /** The text and HTML parts, with their Content-Type header and the blank line after it. */
  private static void body(ByteArrayOutputStream out, RenderedContent c) {
    if (c.text() != null && c.html() != null) {
      String b = boundary();
      write(
          out,
          "Content-Type: multipart/alternative; "
              + CRLF
              + "\tboundary=\""
              + b
              + "\""
              + CRLF
              + CRLF);
      write(out, "--" + b + CRLF);
      part(out, "text/plain", c.text());
      write(out, CRLF + "--" + b + CRLF);
      part(out, "text/html", c.html());
      write(out, CRLF + "--" + b + "--" + CRLF);
    } else if (c.html() != null) {
      part(out, "text/html", c.html());
    } else {
      part(out, "text/plain", c.text() == null ? "" : c.text());
    }
  }

  private static void part(ByteArrayOutputStream out, String type, String text) {
    String crlf = crlf(text);
    boolean sevenBit = isAscii(crlf) && maxLineLength(crlf) <= 998;
    write(out, "Content-Type: " + type + "; charset=UTF-8" + CRLF);
    write(
        out,
        "Content-Transfer-Encoding: " + (sevenBit ? "7bit" : "quoted-printable") + CRLF + CRLF);
    write(out, sevenBit ? crlf : quotedPrintable(crlf.getBytes(StandardCharsets.UTF_8), false));
  }

  private static void attachment(ByteArrayOutputStream out, Attachment a) {
    String name = a.fileName();
    boolean ascii = isAscii(name) && name.indexOf('"') < 0 && name.indexOf('\\') < 0;
    write(
        out,
        "Content-Type: "
            + a.contentType()
            + "; name="
            + (ascii ? "\"" + name + "\"" : "\"" + encodedWords(name) + "\"")
            + CRLF);
    write(
        out,
        "Content-Disposition: "
            + (a.inline() ? "inline" : "attachment")
            + "; "
            + (ascii ? "filename=\"" + name + "\"" : "filename*=UTF-8''" + percent(name))
            + CRLF);
    if (a.contentId() != null) {
      String id = a.contentId();
      write(out, "Content-ID: " + (id.startsWith("<") ? id : "<" + id + ">") + CRLF);
    }
    if (a.description() != null) {
      write(out, fold("Content-Description: " + unstructured(a.description())) + CRLF);
    }
    if (a.quotedPrintable()) {
      write(out, "Content-Transfer-Encoding: quoted-printable" + CRLF + CRLF);
      write(out, quotedPrintable(a.content(), true));
    } else {
      write(out, "Content-Transfer-Encoding: base64" + CRLF + CRLF);
      write(
          out,
          Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII))
              .encodeToString(a.content()));
    }
  }

  // ---- headers

  private static void field(StringBuilder h, String name, String value) {
    h.append(fold(name + ": " + value)).append(CRLF);
  }

  /** A text field's value: as it is when ASCII, otherwise RFC 2047 encoded words. */
  static String unstructured(String value) {
    String v = value.replace("\r", " ").replace("\n", " ");
    return isAscii(v) ? v : encodedWords(v);
  }

  /** Addresses joined with commas; a display name that is not ASCII becomes encoded words. */
  private static String addressList(List<String> addresses) {
    StringBuilder sb = new StringBuilder();
    for (String given : addresses) {
      String a = given.replace('\r', ' ').replace('\n', ' ');
      if (!sb.isEmpty()) {
        sb.append(", ");
      }
      Matcher m = NAME_ADDR.matcher(a);
      if (!isAscii(a) && m.matches()) {
        String display = m.group(1);
        if (display.length() >= 2 && display.startsWith("\"") && display.endsWith("\"")) {
          display = display.substring(1, display.length() - 1);
        }
        sb.append(encodedWords(display)).append(" <").append(m.group(2)).append('>');
      } else {
        sb.append(a.strip());
      }
    }
    return sb.toString();
  }

  /**
   * RFC 2047 "B" encoded words of at most 75 characters, separated by folding whitespace, never
   * splitting a character's UTF-8 bytes between two words.
   */
  static String encodedWords(String s) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int end = i;
      int bytes = 0;
      while (end < s.length()) {
        int cp = s.codePointAt(end);
        int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
        if (bytes + n > 45) { // 45 bytes are 60 base64 characters: "=?UTF-8?B?" + 60 + "?=" = 72
          break;
        }
        bytes += n;
        end += Character.charCount(cp);
      }
      if (!sb.isEmpty()) {
        sb.append(CRLF).append(' ');
      }
      sb.append("=?UTF-8?B?")
          .append(
              Base64.getEncoder()
                  .encodeToString(s.substring(i, end).getBytes(StandardCharsets.UTF_8)))
          .append("?=");
      i = end;
    }
    return sb.toString();
  }

  /** Folds a header line longer than 78 characters at spaces (RFC 5322 §2.2.3). */
  static String fold(String line) {
    if (line.length() <= 78 || line.contains(CRLF)) {
      return line;
    }
    StringBuilder sb = new StringBuilder();
    int lineStart = 0;
    int lastSpace = -1;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == ' ' && i > lineStart) {
        lastSpace = i;
      }
      if (i - lineStart >= 78 && lastSpace > lineStart) {
        sb.append(line, lineStart, lastSpace).append(CRLF);
        lineStart = lastSpace;
        lastSpace = -1;
      }
    }
    sb.append(line, lineStart, line.length());
    return sb.toString();
  }

  private static String percent(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c < 128 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  // ---- bodies

  /** The text with every line break (CRLF, CR or LF) made CRLF. */
  static String crlf(String text) {
    return text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", CRLF);
  }

  private static int maxLineLength(String crlf) {
    int max = 0;
    int start = 0;
    for (int i = crlf.indexOf(CRLF); ; i = crlf.indexOf(CRLF, start)) {
      int end = i < 0 ? crlf.length() : i;
      max = Math.max(max, end - start);
      if (i < 0) {
        return max;
      }
      start = i + 2;
    }
  }

  /**
   * Quoted-printable (RFC 2045 §6.7) with lines of at most 76 characters.
   *
   * @param binary whether CR and LF are data to encode, not line breaks
   */
  static String quotedPrintable(byte[] bytes, boolean binary) {
    StringBuilder sb = new StringBuilder(bytes.length + bytes.length / 8);
    int lineLen = 0;
    for (int i = 0; i < bytes.length; i++) {
      int c = bytes[i] & 0xff;
      if (!binary && c == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
        sb.append(CRLF);
        lineLen = 0;
        i++;
        continue;
      }
      boolean lineEnds =
          i + 1 == bytes.length
              || (!binary && bytes[i + 1] == '\r' && i + 2 < bytes.length && bytes[i + 2] == '\n');
      boolean literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !lineEnds);
      String enc = literal ? String.valueOf((char) c) : hex(c);
      if (lineLen + enc.length() > 75) {
        sb.append('=').append(CRLF);
        lineLen = 0;
      }
      sb.append(enc);
      lineLen += enc.length();
    }
    return sb.toString();
  }

  private static String hex(int c) {
    return "="
        + Character.toUpperCase(Character.forDigit(c >> 4, 16))
        + Character.toUpperCase(Character.forDigit(c & 15, 16));
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  private static String boundary() {
    return "----=_Part_" + UUID.randomUUID().toString().replace("-", "");
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
