package dev.sluice.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rate in events per second, written {@code 500/s}, {@code 30000/m}, {@code 1000/h} or a bare
 * number meaning per second.
 *
 * @param perSecond events per second, never negative
 */
public record Rate(double perSecond) {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:/\\s*(s|m|h|d))?");

  /** Validates the value. */
  public Rate {
    if (perSecond < 0 || Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException("a rate must be a finite number >= 0, got " + perSecond);
    }
  }

  /** Parses {@code 14/s}, {@code 50000/d} or {@code 14}. */
  public static Rate parse(String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a rate such as 14/s, 600/m or 14, got '" + text + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double seconds =
        switch (unit) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3600;
          default -> 86400;
        };
    return new Rate(amount / seconds);
  }

  @Override
  public String toString() {
    double rounded = Math.rint(perSecond);
    return (rounded == perSecond ? Long.toString((long) rounded) : Double.toString(perSecond))
        + "/s";
  }
}
