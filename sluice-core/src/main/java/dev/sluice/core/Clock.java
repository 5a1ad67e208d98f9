package dev.sluice.core;

import java.util.concurrent.TimeUnit;

/**
 * The only source of time in Sluice's logic: wall-clock milliseconds for timestamps, a monotonic
 * nanosecond counter for rates and timeouts, and the waits measured on that counter. Tests pass a
 * manual clock and advance it; logic that waits (the delivery engine waiting for the send rate or a
 * retry) waits through {@link #sleep}, so it runs under the manual clock too.
 *
 * <p>Implementations are thread-safe.
 */
public interface Clock {
  /** Milliseconds since the epoch, for timestamps that leave the process. */
  long millis();

  /** A monotonic counter in nanoseconds, for measuring intervals; its origin is arbitrary. */
  long nanos();

  /**
   * Waits until {@code nanos} have passed on this clock: the system clock sleeps the thread, a
   * manual clock waits until it has been advanced that far. Returns at once for zero or less.
   *
   * @throws InterruptedException when the thread is interrupted while it waits
   */
  default void sleep(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }

  /** The system clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
