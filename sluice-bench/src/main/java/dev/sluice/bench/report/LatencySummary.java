package dev.sluice.bench.report;

import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * Round-trip latency of the calls at one concurrency level, in milliseconds.
 *
 * <p>Immutable; every figure is finite and non-negative, so reports never print {@code NaN}.
 *
 * @param count number of calls measured
 * @param p50Millis median latency
 * @param p90Millis 90th percentile
 * @param p99Millis 99th percentile
 * @param p999Millis 99.9th percentile
 * @param maxMillis largest latency seen
 * @param meanMillis arithmetic mean
 */
public record LatencySummary(
    long count,
    double p50Millis,
    double p90Millis,
    double p99Millis,
    double p999Millis,
    double maxMillis,
    double meanMillis) {

  /** The summary of no calls: every figure zero. */
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

  private static final double NANOS_PER_MILLI = 1_000_000.0;

  /** Checks that the count and every figure are non-negative and finite. */
  public LatencySummary {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    requireFigure("p50Millis", p50Millis);
    requireFigure("p90Millis", p90Millis);
    requireFigure("p99Millis", p99Millis);
    requireFigure("p999Millis", p999Millis);
    requireFigure("maxMillis", maxMillis);
    requireFigure("meanMillis", meanMillis);
  }

  /**
   * Summarises a histogram of latencies recorded in nanoseconds; an empty histogram gives {@link
   * #EMPTY}.
   */
  public static LatencySummary of(Histogram h) {
    Objects.requireNonNull(h, "h");
    long count = h.getTotalCount();
    if (count == 0) {
      return EMPTY;
    }
    return new LatencySummary(
        count,
        millis(h.getValueAtPercentile(50.0)),
        millis(h.getValueAtPercentile(90.0)),
        millis(h.getValueAtPercentile(99.0)),
        millis(h.getValueAtPercentile(99.9)),
        millis(h.getMaxValue()),
        h.getMean() / NANOS_PER_MILLI);
  }

  private static double millis(long nanos) {
    return nanos / NANOS_PER_MILLI;
  }

  static void requireFigure(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, was " + value);
    }
  }
}
