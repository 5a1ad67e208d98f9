package dev.sluice.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to; for tests of rates, retries and expiry without sleeping.
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements Clock {
  private final AtomicLong nanos = new AtomicLong();
  private final long epochMillisAtZero;

  /** Starts at the given wall-clock time, with the monotonic counter at zero. */
  public ManualClock(long epochMillis) {
    this.epochMillisAtZero = epochMillis;
  }

  @Override
  public long millis() {
    return epochMillisAtZero + nanos.get() / 1_000_000L;
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  /** Moves both clocks forward. */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time only moves forward");
    }
    nanos.addAndGet(d.toNanos());
  }
}
