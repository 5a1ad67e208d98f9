package dev.sluice.simulator.mime;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A structured header field value such as {@code text/plain; charset="utf-8"} or {@code attachment;
 * filename*=UTF-8''r%C3%A9sum%C3%A9.pdf}: the value, lower case, and its parameters (RFC 2045 §5.1,
 * RFC 2183), with RFC 2231 extended values decoded (continuations are not joined).
 *
 * @param value the main value, lower case, without parameters
 * @param params the parameters by lower-case name
 */
record HeaderValue(String value, Map<String, String> params) {
  /** Parses a field value; anything malformed is skipped. */
  static HeaderValue parse(String field) {
    Map<String, String> params = new LinkedHashMap<>();
    int n = field.length();
    int semi = next(field, 0);
    String value = field.substring(0, semi).strip().toLowerCase(Locale.ROOT);
    int i = semi + 1;
    while (i < n) {
      int end = next(field, i);
      String p = field.substring(i, end);
      int eq = p.indexOf('=');
      if (eq > 0) {
        String name = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String v = p.substring(eq + 1).strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
          v = v.substring(1, v.length() - 1).replaceAll("\\\\(.)", "$1");
        }
        if (name.endsWith("*")) {
          name = name.substring(0, name.length() - 1);
          v = extended(v);
        }
        params.putIfAbsent(name, v);
      }
      i = end + 1;
    }
    return new HeaderValue(value, params);
  }

  /** The parameter, or null. */
  String param(String name) {
    return params.get(name);
  }

  /** The index of the next {@code ;} outside quotes, or the length. */
  private static int next(String s, int from) {
    boolean quoted = false;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quoted) {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        return i;
      }
    }
    return s.length();
  }

  /** RFC 2231 §4: {@code charset'language'percent-encoded}. */
  private static String extended(String v) {
    int a = v.indexOf('\'');
    int b = a < 0 ? -1 : v.indexOf('\'', a + 1);
    if (b < 0) {
      return v;
    }
    try {
      return URLDecoder.decode(
          v.substring(b + 1).replace("+", "%2B"),
          MimeText.charset(v.substring(0, a), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return v;
    }
  }
}
