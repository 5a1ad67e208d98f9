package dev.sluice.ses;

import dev.sluice.core.traffic.TrafficClasses;
import java.time.Duration;

/**
 * How {@link SesSender} shapes and retries.
 *
 * @param maxInFlight upstream calls in flight at most (the concurrency)
 * @param maxPending messages accepted by {@code send} and not yet finished; {@code send} blocks
 *     beyond it
 * @param rateOverride recipients per second to send at instead of the account's MaxSendRate; NaN to
 *     follow the account, negative for unlimited
 * @param burst how much of a second of rate may go out at once
 * @param quotaRefresh how often the account's limits are read again
 * @param cutFactor the multiplicative cut on a throttle
 * @param increasePerSecondFraction the additive recovery per second, as a fraction of the ceiling
 * @param cutSpacing the least time between two cuts
 * @param maxTries tries of one call that transient failures may take before the message is deferred
 * @param backoffBase the first retry delay after a transient failure (full jitter up to it)
 * @param backoffCap the longest retry delay
 * @param maxTime how long one message may take, retries included, before it is deferred
 * @param accountRetry when a message deferred for an account-wide refusal should be tried again
 * @param maxShapeWait the longest a call waits for the send rate; a message whose call would wait
 *     longer is deferred (scope ACCOUNT, not an attempt) and comes back when the sends booked ahead
 *     of it are half done
 * @param listener told about every upstream call, or null
 * @param meterTags tags on every meter of the sender (a relay with routes tags each route's), empty
 *     for none
 * @param classes the traffic classes sharing the rate, each with its guaranteed share
 */
public record SenderConfig(
    int maxInFlight,
    int maxPending,
    double rateOverride,
    Duration burst,
    Duration quotaRefresh,
    double cutFactor,
    double increasePerSecondFraction,
    Duration cutSpacing,
    int maxTries,
    Duration backoffBase,
    Duration backoffCap,
    Duration maxTime,
    Duration accountRetry,
    Duration maxShapeWait,
    CallListener listener,
    io.micrometer.core.instrument.Tags meterTags,
    TrafficClasses classes) {

  /** Told about each upstream call, for measurement. Called on the calling virtual thread. */
  @FunctionalInterface
  public interface CallListener {
    /** One call finished after {@code nanos} with this answer. */
    void onCall(dev.sluice.core.transport.CallResult attempt, int recipients, long nanos);
  }

  /** Checks the values. */
  public SenderConfig {
    if (maxInFlight < 1 || maxPending < 1 || maxTries < 1) {
      throw new IllegalArgumentException("maxInFlight, maxPending and maxTries must be >= 1");
    }
    if (maxShapeWait.isNegative() || maxShapeWait.isZero()) {
      throw new IllegalArgumentException("maxShapeWait must be positive, got " + maxShapeWait);
    }
  }

  /**
   * A builder starting from the defaults: 64 in flight, follow the account's rate with a 0.2 s
   * burst, refresh limits every minute, cut by 0.7 on a throttle at most every 250 ms and recover
   * 5% of the ceiling per second, 5 attempts with backoff from 100 ms to 20 s, 2 minutes per
   * message, at most 30 s of waiting for the send rate.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults. */
  public static SenderConfig defaults() {
    return builder().build();
  }

  /** Builds a {@link SenderConfig}; every setter is optional. Not thread-safe. */
  public static final class Builder {
    private int maxInFlight = 64;
    private int maxPending = -1;
    private double rateOverride = Double.NaN;
    private Duration burst = Duration.ofMillis(200);
    private Duration quotaRefresh = Duration.ofMinutes(1);
    private double cutFactor = 0.7;
    private double increasePerSecondFraction = 0.05;
    private Duration cutSpacing = Duration.ofMillis(250);
    private int maxTries = 5;
    private Duration backoffBase = Duration.ofMillis(100);
    private Duration backoffCap = Duration.ofSeconds(20);
    private Duration maxTime = Duration.ofMinutes(2);
    private Duration accountRetry = Duration.ofMinutes(5);
    private Duration maxShapeWait = Duration.ofSeconds(30);
    private CallListener listener;
    private io.micrometer.core.instrument.Tags meterTags =
        io.micrometer.core.instrument.Tags.empty();
    private TrafficClasses classes = TrafficClasses.single();

    private Builder() {}

    /** Upstream calls in flight at most. */
    public Builder maxInFlight(int n) {
      this.maxInFlight = n;
      return this;
    }

    /** Unfinished messages at most before {@code send} blocks (default 64 times in flight). */
    public Builder maxPending(int n) {
      this.maxPending = n;
      return this;
    }

    /** A fixed rate instead of the account's MaxSendRate; negative for unlimited. */
    public Builder rateOverride(double recipientsPerSecond) {
      this.rateOverride = recipientsPerSecond;
      return this;
    }

    /** How much of a second of rate may go out at once. */
    public Builder burst(Duration d) {
      this.burst = d;
      return this;
    }

    /** How often the account's limits are read again. */
    public Builder quotaRefresh(Duration d) {
      this.quotaRefresh = d;
      return this;
    }

    /**
     * The throttle response: cut factor, recovery per second as a fraction of the ceiling, spacing.
     */
    public Builder aimd(double cut, double increaseFraction, Duration spacing) {
      this.cutFactor = cut;
      this.increasePerSecondFraction = increaseFraction;
      this.cutSpacing = spacing;
      return this;
    }

    /** Retry bounds for transient failures. */
    public Builder retries(int tries, Duration base, Duration cap, Duration time) {
      this.maxTries = tries;
      this.backoffBase = base;
      this.backoffCap = cap;
      this.maxTime = time;
      return this;
    }

    /** When a message deferred for an account-wide refusal should be retried. */
    public Builder accountRetry(Duration d) {
      this.accountRetry = d;
      return this;
    }

    /** The longest a call waits for the send rate before its message is deferred instead. */
    public Builder maxShapeWait(Duration d) {
      this.maxShapeWait = d;
      return this;
    }

    /** Told about every upstream call. */
    public Builder listener(CallListener l) {
      this.listener = l;
      return this;
    }

    /** Tags on every meter of the sender, e.g. {@code route=eu}. */
    public Builder meterTags(io.micrometer.core.instrument.Tags tags) {
      this.meterTags = java.util.Objects.requireNonNull(tags, "tags");
      return this;
    }

    /** The traffic classes sharing the rate (default: one). */
    public Builder classes(TrafficClasses c) {
      this.classes = java.util.Objects.requireNonNull(c, "classes");
      return this;
    }

    /** The configuration. */
    public SenderConfig build() {
      return new SenderConfig(
          maxInFlight,
          maxPending < 0 ? Math.max(4096, maxInFlight * 64) : maxPending,
          rateOverride,
          burst,
          quotaRefresh,
          cutFactor,
          increasePerSecondFraction,
          cutSpacing,
          maxTries,
          backoffBase,
          backoffCap,
          maxTime,
          accountRetry,
          maxShapeWait,
          listener,
          meterTags,
          classes);
    }
  }
}
