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
  private final Map<String, List<String>> repeated;

  private QueryForm(Map<String, String> values, Map<String, List<String>> repeated) {
    this.values = values;
    this.repeated = repeated;
  }

  /** Decodes a form; a malformed escape throws {@link IllegalArgumentException}. */
  static QueryForm parse(String form) {
    Map<String, String> values = new HashMap<>();
    Map<String, List<String>> repeated = new HashMap<>();
    if (form != null && !form.isEmpty()) {
      for (String pair : form.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : pair.substring(eq + 1);
        String key = URLDecoder.decode(k, StandardCharsets.UTF_8);
        String value = URLDecoder.decode(v, StandardCharsets.UTF_8);
        values.putIfAbsent(key, value);
        repeated.computeIfAbsent(key, x -> new ArrayList<>()).add(value);
      }
    }
    return new QueryForm(values, repeated);
  }

  String get(String name) {
    return values.get(name);
  }

  /** Every value of a name given more than once, as a REST query repeats a list parameter. */
  List<String> all(String name) {
    return repeated.getOrDefault(name, List.of());
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

  /** Whether any field's name starts with {@code prefix}. */
  boolean hasPrefix(String prefix) {
    for (String k : values.keySet()) {
      if (k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
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
