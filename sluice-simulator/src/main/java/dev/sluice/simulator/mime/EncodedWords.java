package dev.sluice.simulator.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes RFC 2047 encoded words ({@code =?UTF-8?B?…?=}, {@code =?iso-8859-1?Q?…?=}) in a header
 * field's value into the text a mail client shows.
 *
 * <p>Whitespace between two adjacent encoded words is dropped (RFC 2047 §6.2), and adjacent words
 * in the same charset are decoded together, so a character whose octets a sender split across two
 * words comes out whole. A word in an unknown charset or with a bad encoding is left as it is.
 *
 * <p>Stateless; thread-safe.
 */
public final class EncodedWords {
  private static final Pattern WORD = Pattern.compile("=\\?([^?\\s]+)\\?([bBqQ])\\?([^?\\s]*)\\?=");

  private EncodedWords() {}

  /** The value with every encoded word decoded. */
  public static String decode(String value) {
    if (value == null || !value.contains("=?")) {
      return value;
    }
    Matcher m = WORD.matcher(value);
    StringBuilder out = new StringBuilder(value.length());
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    Charset pendingCharset = null;
    int last = 0;
    while (m.find()) {
      String between = value.substring(last, m.start());
      Charset cs = charset(m.group(1));
      byte[] octets = cs == null ? null : octets(m.group(2), m.group(3));
      if (octets == null) {
        flush(out, pending, pendingCharset);
        pendingCharset = null;
        out.append(between).append(m.group());
        last = m.end();
        continue;
      }
      boolean adjacent = pendingCharset != null && between.isBlank();
      if (!adjacent || !cs.equals(pendingCharset)) {
        flush(out, pending, pendingCharset);
        if (!adjacent) {
          out.append(between);
        }
      }
      pendingCharset = cs;
      pending.writeBytes(octets);
      last = m.end();
    }
    flush(out, pending, pendingCharset);
    out.append(value, last, value.length());
    return out.toString();
  }

  private static void flush(StringBuilder out, ByteArrayOutputStream pending, Charset cs) {
    if (cs != null && pending.size() > 0) {
      out.append(new String(pending.toByteArray(), cs));
    }
    pending.reset();
  }

  private static Charset charset(String name) {
    int star = name.indexOf('*'); // RFC 2231 §5: a language may follow the charset
    return MimeText.charset(star < 0 ? name : name.substring(0, star), null);
  }

  private static byte[] octets(String encoding, String text) {
    if (encoding.toUpperCase(Locale.ROOT).equals("B")) {
      try {
        return Base64.getMimeDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '_') {
        out.write(' '); // RFC 2047 §4.2 (2)
      } else if (c == '=' && i + 2 < text.length()) {
        int hi = Character.digit(text.charAt(i + 1), 16);
        int lo = Character.digit(text.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        out.write(hi * 16 + lo);
        i += 2;
      } else if (c == '=') {
        return null;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
