package dev.sluice.core.shape;

import dev.sluice.core.Clock;

/**
 * A token bucket that hands out reservations: a caller takes {@code n} tokens at once (one per
 * recipient) and is told when it may act on them.
 *
 * <p>Design: the bucket admits a call the way SES does. SES lets a call through while the account
 * has budget left and then charges all its recipients, so one call may overdraw the account and
 * later calls wait until the allowance has rebuilt. Here a reservation of {@code n} tokens is due
 * once the balance it found has grown to {@code min(n, capacity)}: a call no larger than the bucket
 * waits for all its tokens, a larger one waits at most until the bucket is full, then goes and
 * leaves the bucket in debt. Waiting for {@code n} tokens in a bucket that never holds {@code n}
 * would wait forever, which is the stall this rule exists to prevent. Over any interval the tokens
 * charged never exceed {@code capacity + rate × interval + (largest call − capacity)}, so the
 * long-run rate stays at or below the rate.
 *
 * <p>Reservations may drive the balance negative; the debt is what later callers wait for, so
 * concurrent callers are spaced {@code n / rate} apart in the order they reserved, with no polling
 * and no lock held while waiting. A reservation is a point on the bucket's refill line (the tokens
 * earned since it was made), not a time: when the rate changes (adaptive shaping, a new share of
 * the account), {@link #remainingNanos} answers at the new rate and the caller keeps its place. A
 * polling "try to take, sleep, try again" limiter was rejected: under contention it lets callers
 * overtake each other and wakes every sleeper on each refill.
 *
 * <p>Thread-safe: one lock around a few arithmetic steps.
 */
public final class TokenBucket {
  private final Clock clock;
  private double ratePerSecond;
  private double capacity;
  private final double burstSeconds;
  private double tokens;
  // Tokens earned since creation, counted whether or not the bucket had room for them; the line
  // reservations are placed on.
  private double earned;
  private long updatedAt;

  /**
   * A claim on tokens already taken from the bucket.
   *
   * @param tokens how many were taken
   * @param due the bucket's earned count at which the caller may act
   */
  public record Reservation(int tokens, double due) {}

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

  /** How many tokens the bucket holds when full. */
  public synchronized double capacity() {
    return capacity;
  }

  /** Changes the rate; tokens earned so far are kept, up to the new capacity. */
  public synchronized void setRate(double newRate) {
    refill(clock.nanos());
    this.ratePerSecond = newRate;
    this.capacity = unlimited() ? 0 : Math.max(1.0, newRate * burstSeconds);
    this.tokens = Math.min(tokens, capacity);
  }

  /**
   * Takes {@code n} tokens and returns how many nanoseconds to wait before using them at the
   * current rate; zero when they may be used now, {@link Long#MAX_VALUE} while the rate is zero.
   */
  public synchronized long reserve(int n) {
    return remainingNanos(take(n));
  }

  /**
   * Takes {@code n} tokens if the caller would wait at most {@code maxWaitNanos} for them; returns
   * the reservation, or {@code null} (and takes nothing) when the wait would be longer.
   */
  public synchronized Reservation tryReserve(int n, long maxWaitNanos) {
    return waitNanos(n) <= maxWaitNanos ? take(n) : null;
  }

  /**
   * How long a reservation of {@code n} tokens made now would wait at the current rate, without
   * taking anything.
   */
  public synchronized long waitNanos(int n) {
    if (unlimited()) {
      return 0;
    }
    refill(clock.nanos());
    return nanosFor(Math.min(n, capacity) - tokens);
  }

  /**
   * How many nanoseconds are left before {@code r} may be used, at the current rate; zero once it
   * is due.
   */
  public synchronized long remainingNanos(Reservation r) {
    if (unlimited()) {
      return 0;
    }
    refill(clock.nanos());
    return nanosFor(r.due() - earned);
  }

  /** Gives back the tokens of a reservation that was not used (a call that was never made). */
  public synchronized void cancel(Reservation r) {
    refund(r.tokens());
  }

  /** Gives back tokens that were reserved but not used. */
  public synchronized void refund(int n) {
    if (!unlimited()) {
      tokens = Math.min(capacity, tokens + n);
    }
  }

  /** The current balance; negative while callers are waiting. */
  public synchronized double available() {
    refill(clock.nanos());
    return tokens;
  }

  /**
   * How long the debt owed now takes to repay at the current rate, in seconds: how far ahead the
   * bucket has promised its tokens. Zero when the balance is not negative or the bucket is
   * unlimited.
   */
  public synchronized double debtSeconds() {
    if (unlimited()) {
      return 0;
    }
    refill(clock.nanos());
    if (tokens >= 0) {
      return 0;
    }
    return ratePerSecond > 0 ? -tokens / ratePerSecond : Double.POSITIVE_INFINITY;
  }

  private Reservation take(int n) {
    if (unlimited()) {
      return new Reservation(n, Double.NEGATIVE_INFINITY);
    }
    refill(clock.nanos());
    // Due when the balance found now has grown to min(n, capacity): the refill needed is earned
    // with nothing lost to the cap, since the balance stays below it until then.
    double due = earned + Math.max(0, Math.min(n, capacity) - tokens);
    tokens -= n;
    return new Reservation(n, due);
  }

  private long nanosFor(double shortfall) {
    // A shortfall of rounding error is none: a caller that slept the wait it was given is due.
    if (shortfall <= 1e-9) {
      return 0;
    }
    if (ratePerSecond == 0) {
      return Long.MAX_VALUE;
    }
    double nanos = Math.ceil(shortfall / ratePerSecond * 1e9);
    return nanos >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) nanos;
  }

  private void refill(long now) {
    long elapsed = now - updatedAt;
    updatedAt = now;
    if (elapsed > 0 && !unlimited()) {
      double add = elapsed * ratePerSecond / 1e9;
      earned += add;
      tokens = Math.min(capacity, tokens + add);
    }
  }
}
