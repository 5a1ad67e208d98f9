package dev.sluice.core.shape;

import dev.sluice.core.Clock;

/**
 * A token bucket that hands out reservations: a caller takes {@code n} tokens at once (one per
 * recipient) and is told how long to wait before acting on them.
 *
 * <p>Design: reservations may drive the balance negative; the debt is what later callers wait for,
 * so concurrent callers are spaced exactly {@code n / rate} apart in the order they reserved, with
 * no polling and no lock held while waiting. The bucket holds at most {@code capacity} tokens (the
 * burst allowance). A polling "try to take, sleep, try again" limiter was rejected: under
 * contention it lets callers overtake each other and wakes every sleeper on each refill. The rate
 * may change at any time (adaptive shaping); the debt already taken is repaid at the new rate.
 *
 * <p>Thread-safe: one lock around a few arithmetic steps.
 */
public final class TokenBucket {
  private final Clock clock;
  private double ratePerSecond;
  private double capacity;
  private double burstSeconds;
  private double tokens;
  private long updatedAt;

  /**
   * Creates a full bucket.
   *
   * @param ratePerSecond tokens added per second; negative or infinite means unlimited
   * @param burstSeconds how many seconds of rate the bucket holds (at least one token)
   * @param clock the time source
   */
  public TokenBucket(double ratePerSecond, double burstSeconds, Clock clock) {
    this.clock = clock;
    this.updatedAt = clock.nanos();
    this.burstSeconds = burstSeconds;
    setRate(ratePerSecond);
    this.tokens = capacity;
  }

  /** Whether the bucket limits at all. */
  public synchronized boolean unlimited() {
    return ratePerSecond < 0 || Double.isInfinite(ratePerSecond);
  }

  /** The current rate in tokens per second (negative when unlimited). */
  public synchronized double rate() {
    return ratePerSecond;
  }

  /** Changes the rate; tokens earned so far are kept, up to the new capacity. */
  public synchronized void setRate(double newRate) {
    refill(clock.nanos());
    this.ratePerSecond = newRate;
    this.capacity = unlimited() ? 0 : Math.max(1.0, newRate * burstSeconds);
    this.tokens = Math.min(tokens, capacity);
  }

  /**
   * Takes {@code n} tokens and returns how many nanoseconds to wait before using them; zero when
   * they were available now.
   */
  public synchronized long reserve(int n) {
    if (unlimited()) {
      return 0;
    }
    long now = clock.nanos();
    refill(now);
    double before = tokens;
    tokens -= n;
    if (before >= n) {
      return 0;
    }
    if (ratePerSecond == 0) {
      return Long.MAX_VALUE;
    }
    // Wait until the balance is back at zero: the debt this reservation leaves.
    return (long) Math.ceil((n - before) / ratePerSecond * 1e9);
  }

  /** Gives back tokens that were reserved but not used (a call that was never made). */
  public synchronized void refund(int n) {
    tokens = Math.min(capacity, tokens + n);
  }

  /** The current balance; negative while callers are waiting. */
  public synchronized double available() {
    refill(clock.nanos());
    return tokens;
  }

  private void refill(long now) {
    long elapsed = now - updatedAt;
    updatedAt = now;
    if (elapsed > 0 && !unlimited()) {
      tokens = Math.min(capacity, tokens + elapsed * ratePerSecond / 1e9);
    }
  }
}
