package dev.sluice.core.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parsers for the value kinds configuration keys share (ports, switches, counts, lists, URLs). Each
 * throws {@link IllegalArgumentException} saying what it expected, which the loader reports with
 * the key's name.
 */
public final class Parsers {
  private Parsers() {}

  /** A TCP port 0..65535, or {@code off} for -1 (disabled). */
  public static int port(String s) {
    if (s.equalsIgnoreCase("off")) {
      return -1;
    }
    try {
      int p = Integer.parseInt(s);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a port 0..65535 or off, got '" + s + "'", e);
    }
  }

  /** A count >= 0, or {@code unlimited} (or -1) for -1. */
  public static double count(String s) {
    if (s.equalsIgnoreCase("unlimited") || s.equals("-1")) {
      return -1;
    }
    try {
      double d = Double.parseDouble(s);
      if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a count >= 0 or unlimited, got '" + s + "'", e);
    }
  }

  /** true/yes/on or false/no/off. */
  public static boolean bool(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("expected true or false, got '" + s + "'");
    };
  }

  /** A whole number >= 1. */
  public static int positiveInt(String s) {
    try {
      int n = Integer.parseInt(s);
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number >= 1, got '" + s + "'", e);
    }
  }

  /** A comma-separated list, blanks dropped; empty text gives an empty list. */
  public static List<String> list(String s) {
    return s.isBlank()
        ? List.of()
        : Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
  }

  /** An http(s) URL, or {@code null} for empty text. */
  public static URI uri(String s) {
    if (s.isBlank()) {
      return null;
    }
    URI u;
    try {
      u = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected an http(s) URL, got '" + s + "'", e);
    }
    if (u.getScheme() == null
        || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
        || u.getHost() == null) {
      throw new IllegalArgumentException("expected an http(s) URL, got '" + s + "'");
    }
    return u;
  }
}
