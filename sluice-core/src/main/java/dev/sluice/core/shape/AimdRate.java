package dev.sluice.core.shape;

import dev.sluice.core.Clock;

/**
 * An adaptive send rate: additive increase, multiplicative decrease, bounded above by a ceiling
 * (the account's MaxSendRate, or a rate set by hand).
 *
 * <p>Design: SES answers a throttle only after the fact, and several calls already in flight will
 * be throttled together; so a throttle cuts the rate at most once per {@code cutSpacing}, letting
 * the in-flight tail drain before judging again. The first cut is deep ({@code cutFactor}); a
 * throttle at or below the rate of the previous one means the limit is near, so later cuts are
 * three times gentler. After a cut the rate climbs back slowly (a tenth of {@code increaseFraction}
 * of the ceiling per second), because the rate that was just throttled is the best estimate of the
 * limit; after {@link #QUIET_NANOS} without a throttle it climbs at full speed again, so a sender
 * that shared the account with others takes the room back when they stop. A rate set twice too high
 * falls below the real limit within a few cuts and then saws gently just under it. The rate never
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

  /** How long without a throttle before the rate climbs at full speed again. */
  public static final long QUIET_NANOS = 30_000_000_000L;

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

  /**
   * Sets a new ceiling and moves the current rate (and the rate of the last throttle) in the same
   * proportion: for a ceiling that is a share of a larger one and changes with the share, so that a
   * sender whose share doubles sends twice as fast at once, and one whose share halves at once half
   * as fast, keeping how far below its ceiling throttles had put it. When either ceiling is
   * unlimited or zero, this is {@link #setCeiling}.
   */
  public synchronized void rescale(double newCeiling) {
    advance(clock.nanos());
    if (!(ceiling > 0 && newCeiling > 0 && current >= 0)) {
      setCeiling(newCeiling);
      return;
    }
    double ratio = newCeiling / ceiling;
    ceiling = newCeiling;
    current = Math.min(newCeiling, Math.max(floor, current * ratio));
    if (!Double.isNaN(lastThrottledAt)) {
      lastThrottledAt *= ratio;
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
    boolean nearLimit = !Double.isNaN(lastThrottledAt) && current <= lastThrottledAt;
    double factor = nearLimit ? 1 - (1 - cutFactor) / 3 : cutFactor;
    lastThrottledAt = current;
    current = Math.max(floor, current * factor);
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
    double fast = ceiling * increaseFraction;
    if (Double.isNaN(lastThrottledAt)) {
      current = Math.min(ceiling, current + fast * elapsed / 1e9);
      return;
    }
    // Slow until QUIET_NANOS after the last cut, full speed from then on.
    long from = now - elapsed;
    long slowEnd = Math.min(now, Math.max(from, lastCut + QUIET_NANOS));
    double gain = fast / 10 * (slowEnd - from) / 1e9 + fast * (now - slowEnd) / 1e9;
    current = Math.min(ceiling, current + gain);
  }
}
