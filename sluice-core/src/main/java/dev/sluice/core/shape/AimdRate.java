package dev.sluice.core.shape;

import dev.sluice.core.Clock;

/**
 * An adaptive send rate: additive increase, multiplicative decrease, bounded above by a ceiling
 * (the account's MaxSendRate, or a rate set by hand).
 *
 * <p>Design: SES answers a throttle only after the fact, and several calls already in flight will
 * be throttled together; so a throttle cuts the rate by {@code cutFactor} at most once per {@code
 * cutSpacing}, letting the in-flight tail drain before judging again. Between throttles the rate
 * climbs back by {@code increaseFraction} of the ceiling per second; once it is within 10% of the
 * rate at which the last throttle came, it climbs ten times slower, so a sender sharing the account
 * with others settles just under the real limit instead of sawing across it. A rate set twice too
 * high converges below the limit in a few cuts (1.0 → 0.7 → 0.49 of the set rate). The rate never
 * drops under {@code floor}.
 *
 * <p>Thread-safe.
 */
public final class AimdRate {
  private final Clock clock;
  private final double cutFactor;
  private final double increaseFraction;
  private final long cutSpacingNanos;
  private final double floor;
  private double ceiling;
  private double current;
  private double lastThrottledAt = Double.NaN;
  private long updatedAt;
  private long lastCut = Long.MIN_VALUE / 2;
  private long throttles;
  private long cuts;

  /**
   * Creates a controller starting at the ceiling.
   *
   * @param ceiling the highest rate (recipients per second); negative for unlimited
   * @param cutFactor the multiplier applied on a throttle, e.g. 0.7
   * @param increaseFraction how much the rate climbs per second between throttles, as a fraction of
   *     the ceiling
   * @param cutSpacingNanos the least time between two cuts
   * @param floor the lowest rate
   * @param clock the time source
   */
  public AimdRate(
      double ceiling,
      double cutFactor,
      double increaseFraction,
      long cutSpacingNanos,
      double floor,
      Clock clock) {
    if (!(cutFactor > 0 && cutFactor < 1)) {
      throw new IllegalArgumentException("cutFactor must be in (0, 1)");
    }
    this.clock = clock;
    this.cutFactor = cutFactor;
    this.increaseFraction = increaseFraction;
    this.cutSpacingNanos = cutSpacingNanos;
    this.floor = floor;
    this.ceiling = ceiling;
    this.current = ceiling;
    this.updatedAt = clock.nanos();
  }

  /** The rate to send at now; negative when unlimited. */
  public synchronized double current() {
    advance(clock.nanos());
    return current;
  }

  /** The ceiling. */
  public synchronized double ceiling() {
    return ceiling;
  }

  /** Sets a new ceiling (a fresh MaxSendRate); the current rate is capped at it. */
  public synchronized void setCeiling(double newCeiling) {
    advance(clock.nanos());
    boolean wasUnlimited = ceiling < 0;
    ceiling = newCeiling;
    if (newCeiling < 0) {
      current = newCeiling;
    } else if (wasUnlimited || current > newCeiling) {
      current = newCeiling;
    }
  }

  /** Records a throttle; returns true when it cut the rate. */
  public synchronized boolean onThrottle() {
    long now = clock.nanos();
    advance(now);
    throttles++;
    if (current < 0 || now - lastCut < cutSpacingNanos) {
      return false;
    }
    lastThrottledAt = current;
    current = Math.max(floor, current * cutFactor);
    lastCut = now;
    cuts++;
    return true;
  }

  /** Throttles seen so far. */
  public synchronized long throttles() {
    return throttles;
  }

  /** Cuts made so far. */
  public synchronized long cuts() {
    return cuts;
  }

  private void advance(long now) {
    long elapsed = now - updatedAt;
    updatedAt = now;
    if (elapsed <= 0 || current < 0 || current >= ceiling) {
      return;
    }
    double seconds = elapsed / 1e9;
    double increasePerSecond = ceiling * increaseFraction;
    if (increasePerSecond <= 0) {
      return;
    }
    double slowFrom = Double.isNaN(lastThrottledAt) ? Double.MAX_VALUE : lastThrottledAt * 0.9;
    double x = current;
    if (x < slowFrom) {
      double fast = Math.min(slowFrom - x, increasePerSecond * seconds);
      x += fast;
      seconds -= fast / increasePerSecond;
    }
    if (seconds > 0) {
      x += increasePerSecond / 10 * seconds;
    }
    current = Math.min(ceiling, x);
  }
}
