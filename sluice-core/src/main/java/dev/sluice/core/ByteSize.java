package dev.sluice.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, written {@code 512}, {@code 64KB}, {@code 40MB} or {@code 1GB} (powers of 1024,
 * as mail systems count them).
 *
 * @param bytes the size, never negative
 */
public record ByteSize(long bytes) {
  private static final Pattern FORM = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?");

  /** Validates the value. */
  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size must be >= 0, got " + bytes);
    }
  }

  /** Creates a size of the given number of bytes. */
  public static ByteSize ofBytes(long bytes) {
    return new ByteSize(bytes);
  }

  /** Creates a size of the given number of mebibytes. */
  public static ByteSize ofMegabytes(long mb) {
    return new ByteSize(mb * 1024 * 1024);
  }

  /** Parses {@code 40MB}, {@code 64KB} or a plain byte count. */
  public static ByteSize parse(String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a size such as 512, 64KB, 40MB or 1GB, got '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    long factor =
        switch (unit) {
          case "kb", "k" -> 1024L;
          case "mb", "m" -> 1024L * 1024;
          case "gb", "g" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
    return new ByteSize(Math.multiplyExact(amount, factor));
  }

  /** Returns the size as an int, for buffers; fails if it does not fit. */
  public int toIntExact() {
    return Math.toIntExact(bytes);
  }

  @Override
  public String toString() {
    long[] sizes = {1024L * 1024 * 1024, 1024L * 1024, 1024L};
    String[] units = {"GB", "MB", "KB"};
    for (int i = 0; i < sizes.length; i++) {
      if (bytes != 0 && bytes % sizes[i] == 0) {
        return bytes / sizes[i] + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
