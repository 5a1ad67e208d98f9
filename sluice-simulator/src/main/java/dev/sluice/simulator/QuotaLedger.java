package dev.sluice.simulator;

import dev.sluice.core.Clock;

/**
 * The account's sending quotas, as SES applies them: a per-second recipient rate and a rolling
 * 24-hour recipient count.
 *
 * <p>Design: the rate is a token bucket refilled continuously at {@code MaxSendRate} and holding
 * {@code burst} seconds of it. As the SES team describes it, a call is admitted while <em>any</em>
 * budget is left and is then charged its full recipient count, so the balance may go negative and
 * later calls wait until it refills (one message to 5 recipients at 1/s blocks the next ~5 s). The
 * daily quota works the same way: a call passes while the sum of the last 24 hours is below the
 * maximum. The 24-hour sum is kept in 1,440 one-minute slots, so memory is fixed and expiry is
 * exact to the minute. Mailbox-simulator recipients count toward the rate but not the daily quota.
 * A strict "tokens >= recipients" bucket was rejected: it would refuse large calls that SES
 * accepts.
 *
 * <p>Thread-safe: one lock guards all state; each operation is a few arithmetic steps.
 */
public final class QuotaLedger {
  /** The answer to one admission request. */
  public enum Decision {
    /** Admitted and charged. */
    ADMIT,
    /** The per-second rate is exhausted. */
    RATE_EXCEEDED,
    /** The rolling 24-hour quota is spent. */
    DAILY_EXCEEDED
  }

  private static final long MINUTE_NANOS = 60_000_000_000L;
  private static final int SLOTS = 24 * 60;

  private final Clock clock;
  private double maxSendRate;
  private double max24HourSend;
  private double capacity;
  private double tokens;
  private long refilledAt;
  private final long[] slots = new long[SLOTS];
  private long slotMinute;
  private long dailyTotal;

  /**
   * Creates a ledger.
   *
   * @param maxSendRate recipients per second; negative for unlimited
   * @param max24HourSend recipients per 24 hours; negative for unlimited
   * @param burstSeconds how many seconds of rate the bucket holds
   * @param clock the time source
   */
  public QuotaLedger(double maxSendRate, double max24HourSend, double burstSeconds, Clock clock) {
    this.clock = clock;
    this.refilledAt = clock.nanos();
    this.slotMinute = Math.floorDiv(refilledAt, MINUTE_NANOS);
    configure(maxSendRate, max24HourSend, burstSeconds);
    this.tokens = capacity;
  }

  /** Changes the limits; the bucket keeps its balance, capped at the new capacity. */
  public synchronized void configure(double rate, double daily, double burstSeconds) {
    this.maxSendRate = rate;
    this.max24HourSend = daily;
    this.capacity = rate < 0 ? 0 : Math.max(1.0, rate * burstSeconds);
    this.tokens = Math.min(tokens, capacity);
  }

  /**
   * Admits a call of {@code recipients} recipients, of which {@code dailyRecipients} count toward
   * the daily quota, or says which limit refused it. A refused call is not charged.
   */
  public synchronized Decision admit(int recipients, int dailyRecipients) {
    long now = clock.nanos();
    roll(now);
    if (max24HourSend >= 0 && dailyTotal >= max24HourSend) {
      return Decision.DAILY_EXCEEDED;
    }
    if (maxSendRate >= 0) {
      refill(now);
      if (tokens <= 0) {
        return Decision.RATE_EXCEEDED;
      }
      tokens -= recipients;
    }
    slots[(int) Math.floorMod(slotMinute, (long) SLOTS)] += dailyRecipients;
    dailyTotal += dailyRecipients;
    return Decision.ADMIT;
  }

  /** Recipients counted in the last 24 hours. */
  public synchronized long sentLast24Hours() {
    roll(clock.nanos());
    return dailyTotal;
  }

  /** The current rate limit in recipients per second; negative for unlimited. */
  public synchronized double maxSendRate() {
    return maxSendRate;
  }

  /** The current daily limit; negative for unlimited. */
  public synchronized double max24HourSend() {
    return max24HourSend;
  }

  /** The bucket's current balance (negative while in debt). */
  public synchronized double tokens() {
    refill(clock.nanos());
    return tokens;
  }

  /** Forgets everything sent: a full bucket and an empty 24-hour window. */
  public synchronized void reset() {
    java.util.Arrays.fill(slots, 0);
    dailyTotal = 0;
    tokens = capacity;
    refilledAt = clock.nanos();
  }

  private void refill(long now) {
    long elapsed = now - refilledAt;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + elapsed * maxSendRate / 1e9);
      refilledAt = now;
    }
  }

  private void roll(long now) {
    long minute = Math.floorDiv(now, MINUTE_NANOS);
    if (minute == slotMinute) {
      return;
    }
    long steps = Math.min(minute - slotMinute, SLOTS);
    for (long m = 1; m <= steps; m++) {
      int idx = (int) Math.floorMod(slotMinute + m, (long) SLOTS);
      dailyTotal -= slots[idx];
      slots[idx] = 0;
    }
    slotMinute = minute;
  }
}
