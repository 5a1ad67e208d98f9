package dev.sluice.ingress.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes a {@link MessageSpec} as an RFC 5322 message with MIME (RFC 2045-2047): the relay adds
 * {@code Date} and a {@code Message-ID} of its own; a text or HTML body alone is the whole body,
 * both become {@code multipart/alternative} (plain text first, as RFC 2046 §5.1.4 orders them). Bcc
 * recipients never appear in a header. Everything written is 7-bit with CRLF line endings and no
 * line over 998 octets, so it passes any SMTP hop unchanged.
 *
 * <p>The multipart boundary starts with {@code =_}, which neither quoted-printable (it writes
 * {@code =} as {@code =3D}) nor base64 can produce, so no body can contain it.
 *
 * <p>Thread-safe.
 */
final class MimeComposer {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final char[] ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

  private final String hostname;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param hostname the right-hand side of generated Message-IDs
   */
  MimeComposer(String hostname) {
    this.hostname = Objects.requireNonNull(hostname, "hostname");
  }

  /**
   * A written message and the Message-ID it was given.
   *
   * @param content the message octets
   * @param messageId the {@code Message-ID} field's value, with angle brackets
   */
  record Composed(byte[] content, String messageId) {}

  /** Writes the message as sent at {@code date}. */
  Composed compose(MessageSpec m, Instant date) {
    String messageId =
        "<" + Long.toString(date.toEpochMilli(), 36) + "." + token(20) + "@" + hostname + ">";
    StringBuilder h = new StringBuilder(512);
    h.append("Date: ").append(DATE.format(date)).append("\r\n");
    h.append(HeaderFields.addresses("From", List.of(m.from())));
    if (!m.replyTo().isEmpty()) {
      h.append(HeaderFields.addresses("Reply-To", m.replyTo()));
    }
    if (!m.to().isEmpty()) {
      h.append(HeaderFields.addresses("To", m.to()));
    }
    if (!m.cc().isEmpty()) {
      h.append(HeaderFields.addresses("Cc", m.cc()));
    }
    if (m.subject() != null) {
      h.append(HeaderFields.unstructured("Subject", m.subject()));
    }
    h.append("Message-ID: ").append(messageId).append("\r\n");
    h.append("MIME-Version: 1.0\r\n");
    for (MessageSpec.Field f : m.fields()) {
      String field = HeaderFields.custom(f.name(), f.value());
      if (field == null) {
        throw new IllegalArgumentException("header " + f.name() + " cannot be folded");
      }
      h.append(field);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(h.length() + 1024);
    if (m.text() != null && m.html() != null) {
      String boundary = "=_" + token(28);
      h.append("Content-Type: multipart/alternative; boundary=\"")
          .append(boundary)
          .append("\"\r\n");
      h.append("\r\n");
      ascii(out, h);
      part(out, boundary, "text/plain", m.text());
      part(out, boundary, "text/html", m.html());
      ascii(out, "--" + boundary + "--\r\n");
    } else {
      boolean plain = m.text() != null;
      BodyEncoding body = BodyEncoding.of(plain ? m.text() : m.html());
      contentFields(h, plain ? "text/plain" : "text/html", body);
      h.append("\r\n");
      ascii(out, h);
      out.writeBytes(body.body());
      if (body.body().length > 0 && !endsWithCrlf(body.body())) {
        ascii(out, "\r\n"); // a message ends with a line break
      }
    }
    return new Composed(out.toByteArray(), messageId);
  }

  private static void part(ByteArrayOutputStream out, String boundary, String type, String text) {
    BodyEncoding body = BodyEncoding.of(text);
    StringBuilder h = new StringBuilder(128).append("--").append(boundary).append("\r\n");
    contentFields(h, type, body);
    h.append("\r\n");
    ascii(out, h);
    out.writeBytes(body.body());
    // The CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1), so the part
    // decodes to the text exactly.
    ascii(out, "\r\n");
  }

  private static boolean endsWithCrlf(byte[] b) {
    return b.length >= 2 && b[b.length - 2] == '\r' && b[b.length - 1] == '\n';
  }

  private static void contentFields(StringBuilder h, String type, BodyEncoding body) {
    h.append("Content-Type: ").append(type).append("; charset=UTF-8\r\n");
    h.append("Content-Transfer-Encoding: ").append(body.transferEncoding()).append("\r\n");
  }

  private static void ascii(ByteArrayOutputStream out, CharSequence s) {
    out.writeBytes(s.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private String token(int length) {
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(c);
  }
}
