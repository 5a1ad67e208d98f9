package dev.sluice.bench.report;

import java.util.Locale;

/**
 * How the reports write numbers for people: fixed locale, precision that shrinks as values grow.
 *
 * <p>Stateless and thread-safe.
 */
final class NumberText {

  private NumberText() {}

  /** Writes a latency in milliseconds with three significant-ish digits, never NaN. */
  static String millis(double ms) {
    double v = finite(ms);
    if (v < 1) {
      return format("%.3f", v);
    }
    if (v < 100) {
      return format("%.2f", v);
    }
    if (v < 10_000) {
      return format("%.1f", v);
    }
    return format("%.0f", v);
  }

  /** Writes a per-second rate: one decimal below 1000, whole numbers above. */
  static String rate(double perSecond) {
    double v = finite(perSecond);
    return v < 1000 ? format("%.1f", v) : format("%.0f", v);
  }

  /** Writes the change from {@code base} to {@code value} as a signed percentage. */
  static String signedPercent(double value, double base) {
    if (!(base > 0) || Double.isInfinite(base)) {
      return "n/a";
    }
    return format("%+.0f%%", (finite(value) - base) / base * 100);
  }

  /** Writes an axis tick value, using k, M and G suffixes for large numbers. */
  static String tick(double value, double step) {
    double v = finite(value);
    if (Math.abs(v) >= 1_000_000_000 && step >= 100_000_000) {
      return trim(format("%.2f", v / 1_000_000_000)) + "G";
    }
    if (Math.abs(v) >= 1_000_000 && step >= 100_000) {
      return trim(format("%.2f", v / 1_000_000)) + "M";
    }
    if (Math.abs(v) >= 10_000 && step >= 1000) {
      return trim(format("%.2f", v / 1000)) + "k";
    }
    // Nice steps are 1, 2, 2.5 or 5 times a power of ten: one decimal more than the step's
    // magnitude shows 2.5 and 0.25 exactly, and trailing zeros are trimmed.
    int decimals = (int) Math.max(0, Math.min(6, Math.ceil(-Math.log10(step) - 1e-9) + 1));
    return trim(format("%." + decimals + "f", v));
  }

  /** Returns {@code v}, or zero when it is NaN or infinite, so output stays NaN-free. */
  static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  private static String trim(String s) {
    if (!s.contains(".")) {
      return s;
    }
    String t = s.replaceAll("0+$", "");
    return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
  }

  private static String format(String pattern, double v) {
    return String.format(Locale.ROOT, pattern, v);
  }
}
