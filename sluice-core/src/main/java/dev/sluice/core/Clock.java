package dev.sluice.core;

/**
 * The only source of time in Sluice's logic: wall-clock milliseconds for timestamps and a monotonic
 * nanosecond counter for rates and timeouts. Tests pass a manual clock and advance it; nothing in
 * the core sleeps.
 *
 * <p>Implementations are thread-safe.
 */
public interface Clock {
  /** Milliseconds since the epoch, for timestamps that leave the process. */
  long millis();

  /** A monotonic counter in nanoseconds, for measuring intervals; its origin is arbitrary. */
  long nanos();

  /** The system clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}
