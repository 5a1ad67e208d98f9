package dev.sluice.app.admin;

import java.util.Arrays;

/**
 * One number per second over the last {@code seconds} seconds, in a fixed ring: events counted in
 * each second ({@link #counts}) or a level sampled in each second ({@link #levels}), such as the
 * shaped rate. Memory is two arrays of {@code seconds} cells, whatever the traffic.
 *
 * <p>A cell belongs to one epoch second; a write to a newer second reuses the ring cell of the
 * second {@code seconds} earlier, so nothing needs clearing on a timer and an idle window costs
 * nothing. A cell only ever reports the second it holds; a write for a second older than the one
 * its cell already holds (a wall clock stepped back by more than the window) is dropped.
 *
 * <p>Time is passed in ({@code nowMillis}), so tests drive it without sleeping.
 *
 * <p>Thread-safe: each method holds the window's lock for a few array accesses.
 */
public final class RateWindow {
  private final boolean levels;
  private final long[] secondOf;
  private final double[] value;

  private RateWindow(int seconds, boolean levels) {
    if (seconds < 1 || seconds > 86_400) {
      throw new IllegalArgumentException("seconds must be 1..86400, got " + seconds);
    }
    this.levels = levels;
    this.secondOf = new long[seconds];
    this.value = new double[seconds];
    Arrays.fill(secondOf, Long.MIN_VALUE);
  }

  /** A window of event counts: {@link #add} sums into the current second; empty seconds are 0. */
  public static RateWindow counts(int seconds) {
    return new RateWindow(seconds, false);
  }

  /**
   * A window of sampled levels: {@link #set} keeps the last value given in each second; seconds
   * with no sample are NaN.
   */
  public static RateWindow levels(int seconds) {
    return new RateWindow(seconds, true);
  }

  /** How many seconds the window holds. */
  public int seconds() {
    return secondOf.length;
  }

  /** Counts {@code n} events in the second of {@code nowMillis}. */
  public synchronized void add(long nowMillis, double n) {
    if (levels) {
      throw new IllegalStateException("a level window takes set(), not add()");
    }
    int i = cell(Math.floorDiv(nowMillis, 1000));
    if (i >= 0) {
      value[i] += n;
    }
  }

  /** Records the level {@code v} for the second of {@code nowMillis}, replacing an earlier one. */
  public synchronized void set(long nowMillis, double v) {
    if (!levels) {
      throw new IllegalStateException("a count window takes add(), not set()");
    }
    int i = cell(Math.floorDiv(nowMillis, 1000));
    if (i >= 0) {
      value[i] = v;
    }
  }

  /**
   * The cell for {@code second}, claimed for it if it held an older one; -1 if it holds a newer.
   */
  private int cell(long second) {
    int i = (int) Math.floorMod(second, (long) secondOf.length);
    if (secondOf[i] > second) {
      return -1;
    }
    if (secondOf[i] != second) {
      secondOf[i] = second;
      value[i] = levels ? Double.NaN : 0;
    }
    return i;
  }

  private double at(long second) {
    int i = (int) Math.floorMod(second, (long) secondOf.length);
    if (secondOf[i] == second) {
      return value[i];
    }
    return levels ? Double.NaN : 0;
  }

  /**
   * The sum of the last {@code last} seconds up to and including the second of {@code nowMillis};
   * for a count window, the events in that span (e.g. throttles in the last minute).
   */
  public synchronized double sum(long nowMillis, int last) {
    checkSpan(last);
    return sumBefore(Math.floorDiv(nowMillis, 1000) + 1, last);
  }

  /**
   * Events per second over the {@code last} complete seconds before the second of {@code
   * nowMillis}, which is still filling and left out; for a count window.
   */
  public synchronized double perSecond(long nowMillis, int last) {
    checkSpan(last + 1);
    return sumBefore(Math.floorDiv(nowMillis, 1000), last) / last;
  }

  private double sumBefore(long end, int last) {
    double s = 0;
    for (long t = end - last; t < end; t++) {
      double v = at(t);
      if (!Double.isNaN(v)) {
        s += v;
      }
    }
    return s;
  }

  /**
   * Every second of the window up to and including the second of {@code nowMillis}, oldest first.
   */
  public synchronized Series series(long nowMillis) {
    long now = Math.floorDiv(nowMillis, 1000);
    double[] out = new double[secondOf.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = at(now - out.length + 1 + k);
    }
    return new Series(now, out);
  }

  private void checkSpan(int span) {
    if (span < 1 || span > secondOf.length) {
      throw new IllegalArgumentException(
          "a span of " + span + " seconds does not fit a window of " + secondOf.length);
    }
  }

  /**
   * A window's contents at one moment.
   *
   * @param endSecond the epoch second of the last value
   * @param values one value per second, oldest first, ending at {@code endSecond}; NaN where a
   *     level window had no sample
   */
  public record Series(long endSecond, double[] values) {
    /** Copies the array. */
    public Series {
      values = values.clone();
    }

    /** The values (a copy). */
    @Override
    public double[] values() {
      return values.clone();
    }

    /** An empty series of {@code seconds} zeros ending at {@code endSecond}. */
    public static Series zeros(long endSecond, int seconds) {
      return new Series(endSecond, new double[seconds]);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Series s && s.endSecond == endSecond && Arrays.equals(s.values, values);
    }

    @Override
    public int hashCode() {
      return Long.hashCode(endSecond) * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return "Series[end=" + endSecond + ", " + values.length + " seconds]";
    }
  }
}
