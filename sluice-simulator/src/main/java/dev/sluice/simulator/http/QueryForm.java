package dev.sluice.simulator.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded {@code application/x-www-form-urlencoded} body in the AWS Query protocol's shape: flat
 * dotted names, lists as {@code .member.N} numbered from 1. Both {@code +} and {@code %20} decode
 * to a space.
 */
final class QueryForm {
  private final Map<String, String> values;

  private QueryForm(Map<String, String> values) {
    this.values = values;
  }

  /** Decodes a form; a malformed escape throws {@link IllegalArgumentException}. */
  static QueryForm parse(String form) {
    Map<String, String> values = new HashMap<>();
    if (form != null && !form.isEmpty()) {
      for (String pair : form.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : pair.substring(eq + 1);
        values.putIfAbsent(
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(v, StandardCharsets.UTF_8));
      }
    }
    return new QueryForm(values);
  }

  String get(String name) {
    return values.get(name);
  }

  /** The names the form holds. */
  java.util.Set<String> names() {
    return values.keySet();
  }

  /** The values of {@code prefix.member.1}, {@code .member.2}… up to the first gap. */
  List<String> list(String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 1; ; i++) {
      String v = values.get(prefix + ".member." + i);
      if (v == null) {
        return out;
      }
      out.add(v);
    }
  }

  /** How many numbered members a list-of-structures has (e.g. {@code Tags.member.N.Name}). */
  int structCount(String prefix, String field) {
    int n = 0;
    while (values.containsKey(prefix + ".member." + (n + 1) + "." + field)) {
      n++;
    }
    return n;
  }
}
