package dev.sluice.bench.report;

import java.util.Objects;

/**
 * What one concurrency level of the ramp measured: counts of outcomes, rates and latency.
 *
 * <p>Immutable; counts are non-negative and rates finite, so reports never print {@code NaN}.
 *
 * @param concurrency calls kept in flight at once (the ramp's x axis), at least 1
 * @param processes load-generating processes that shared those calls, at least 1
 * @param attempts calls made
 * @param accepted calls the upstream accepted
 * @param throttled calls refused by a rate or quota throttle
 * @param transientErrors calls that failed in a way worth retrying (5xx, resets, timeouts)
 * @param permanentErrors calls that failed for good
 * @param seconds how long the level was measured
 * @param throughputPerSecond accepted calls per second
 * @param recipientsPerSecond recipients of accepted calls per second
 * @param latency round-trip latency of the calls
 * @param connectionsOpened connections opened to the upstream during the level
 */
public record LevelResult(
    int concurrency,
    int processes,
    long attempts,
    long accepted,
    long throttled,
    long transientErrors,
    long permanentErrors,
    double seconds,
    double throughputPerSecond,
    double recipientsPerSecond,
    LatencySummary latency,
    long connectionsOpened) {

  /** Checks that counts are non-negative, rates finite and the latency present. */
  public LevelResult {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be >= 1, was " + concurrency);
    }
    if (processes < 1) {
      throw new IllegalArgumentException("processes must be >= 1, was " + processes);
    }
    requireCount("attempts", attempts);
    requireCount("accepted", accepted);
    requireCount("throttled", throttled);
    requireCount("transientErrors", transientErrors);
    requireCount("permanentErrors", permanentErrors);
    requireCount("connectionsOpened", connectionsOpened);
    LatencySummary.requireFigure("seconds", seconds);
    LatencySummary.requireFigure("throughputPerSecond", throughputPerSecond);
    LatencySummary.requireFigure("recipientsPerSecond", recipientsPerSecond);
    Objects.requireNonNull(latency, "latency");
  }

  /** Returns transient plus permanent errors (throttles not included). */
  public long errors() {
    return transientErrors + permanentErrors;
  }

  private static void requireCount(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
  }
}
