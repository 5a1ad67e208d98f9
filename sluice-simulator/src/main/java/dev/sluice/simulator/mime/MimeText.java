package dev.sluice.simulator.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * Undoes a part's content transfer encoding (RFC 2045 §6: base64, quoted-printable, or none) up to
 * a bound, and finds its charset.
 *
 * <p>Stateless; thread-safe.
 */
final class MimeText {
  private MimeText() {}

  /**
   * Decoded octets, at most {@code limit} of them.
   *
   * @param truncated whether the part had more than {@code limit} octets
   */
  record Decoded(byte[] octets, boolean truncated) {}

  /**
   * Decodes {@code m[start, end)} in the named transfer encoding, keeping at most {@code limit}.
   */
  static Decoded decode(byte[] m, int start, int end, String encoding, int limit) {
    String e = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
    return switch (e) {
      case "base64" -> base64(m, start, end, limit);
      case "quoted-printable" -> quotedPrintable(m, start, end, limit);
      default -> {
        int n = Math.min(end - start, limit);
        byte[] out = new byte[n];
        System.arraycopy(m, start, out, 0, n);
        yield new Decoded(out, end - start > limit);
      }
    };
  }

  /** The size the part has once decoded, without keeping it. */
  static long decodedSize(byte[] m, int start, int end, String encoding) {
    String e = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
    if (!e.equals("base64")) {
      return end - start;
    }
    long symbols = 0;
    for (int i = start; i < end; i++) {
      if (BASE64[m[i] & 0xff] >= 0) {
        symbols++;
      }
    }
    return symbols * 3 / 4;
  }

  private static final int[] BASE64 = new int[256];

  static {
    java.util.Arrays.fill(BASE64, -1);
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < a.length(); i++) {
      BASE64[a.charAt(i)] = i;
    }
  }

  private static Decoded base64(byte[] m, int start, int end, int limit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, (end - start) * 3 / 4));
    int bits = 0;
    int n = 0;
    for (int i = start; i < end; i++) {
      int v = BASE64[m[i] & 0xff];
      if (v < 0) {
        if (m[i] == '=') {
          break; // padding ends the data
        }
        continue; // line breaks and stray characters are ignored (RFC 2045 §6.8)
      }
      bits = (bits << 6) | v;
      n += 6;
      if (n >= 8) {
        n -= 8;
        if (out.size() == limit) {
          return new Decoded(out.toByteArray(), true);
        }
        out.write((bits >> n) & 0xff);
      }
    }
    return new Decoded(out.toByteArray(), false);
  }

  private static Decoded quotedPrintable(byte[] m, int start, int end, int limit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, end - start));
    for (int i = start; i < end; i++) {
      if (out.size() == limit) {
        return new Decoded(out.toByteArray(), true);
      }
      byte b = m[i];
      if (b != '=') {
        out.write(b);
        continue;
      }
      // A soft line break: '=' then optional trailing whitespace, then CRLF or LF (§6.7 rule 5).
      int j = i + 1;
      while (j < end && (m[j] == ' ' || m[j] == '\t')) {
        j++;
      }
      if (j < end && (m[j] == '\n' || (m[j] == '\r' && j + 1 < end && m[j + 1] == '\n'))) {
        i = m[j] == '\r' ? j + 1 : j;
        continue;
      }
      if (j == end) {
        break;
      }
      int hi = i + 2 < end ? Character.digit(m[i + 1], 16) : -1;
      int lo = i + 2 < end ? Character.digit(m[i + 2], 16) : -1;
      if (hi < 0 || lo < 0) {
        out.write(b); // not an escape: kept as it is, as RFC 2045 §6.7 suggests
        continue;
      }
      out.write(hi * 16 + lo);
      i += 2;
    }
    return new Decoded(out.toByteArray(), false);
  }

  /** The named charset, or {@code fallback} when the name is missing or unknown. */
  static Charset charset(String name, Charset fallback) {
    if (name == null || name.isBlank()) {
      return fallback;
    }
    try {
      return Charset.forName(name.strip());
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      return fallback;
    }
  }

  /** Text in a part's charset; UTF-8 when none is named (it reads ASCII and most 8-bit mail). */
  static String text(byte[] octets, String charset) {
    return new String(octets, charset(charset, StandardCharsets.UTF_8));
  }
}
