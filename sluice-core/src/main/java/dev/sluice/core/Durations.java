package dev.sluice.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints durations in the configuration form {@code 250ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 1d}.
 */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h|d)");

  private Durations() {}

  /**
   * Parses a duration such as {@code 50ms} or {@code 1.5s}.
   *
   * @throws IllegalArgumentException naming the expected form when the text does not match
   */
  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 250ms, 30s, 5m, 1h or 1d, got '" + text + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    double nanosPerUnit =
        switch (m.group(2)) {
          case "us" -> 1e3;
          case "ms" -> 1e6;
          case "s" -> 1e9;
          case "m" -> 60e9;
          case "h" -> 3600e9;
          default -> 86400e9;
        };
    return Duration.ofNanos(Math.round(amount * nanosPerUnit));
  }

  /**
   * Prints a duration in the shortest exact configuration form, e.g. {@code 1500ms} or {@code 30s}.
   */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0ms";
    }
    long[] sizes = {
      86400_000_000_000L, 3600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L
    };
    String[] units = {"d", "h", "m", "s", "ms", "us"};
    for (int i = 0; i < sizes.length; i++) {
      if (nanos % sizes[i] == 0) {
        return nanos / sizes[i] + units[i];
      }
    }
    return nanos / 1_000L + "us";
  }
}
