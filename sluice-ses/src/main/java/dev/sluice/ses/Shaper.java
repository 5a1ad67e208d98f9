package dev.sluice.ses;

import dev.sluice.core.Clock;
import dev.sluice.core.Durations;
import dev.sluice.core.Outcome;
import dev.sluice.core.shape.AimdRate;
import dev.sluice.core.shape.FairTurns;
import dev.sluice.core.shape.TokenBucket;
import dev.sluice.core.traffic.TrafficClasses;
import dev.sluice.core.transport.AccountGate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The send rate of one sender: how many recipients a second it may hand the upstream, and the wait
 * each call takes to keep to it.
 *
 * <p>Design: a {@link TokenBucket} refilled at the current rate hands out one token per recipient
 * (SES counts recipients, not calls); a call reserves its tokens and sleeps on the clock until the
 * reservation is due, so shaping costs a timer, not a polling loop. The current rate comes from an
 * {@link AimdRate} under a ceiling: a throttle cuts it at once and it recovers additively. The
 * ceiling is the account's MaxSendRate as last read (or the rate set by hand) times this sender's
 * share of the account; it is never quite zero, so a call already waiting for tokens is not
 * stranded by a share of 0. A call that would wait longer than {@code maxShapeWait} is not made:
 * its message goes back to the spool, visibly deferred and without an attempt counted, and the
 * {@link AccountGate} closes ({@link AccountGate.Reason#RATE_BOOKED_AHEAD}) until the sends booked
 * ahead of it are half worked off, so the scheduler takes no more messages that would wait too.
 *
 * <p><b>Traffic classes.</b> With several classes, calls do not reserve tokens as they come: they
 * wait in their class's line for a turn ({@link FairTurns}, start-time fair queueing weighted by
 * the classes' shares), and the turn's holder reserves its tokens and passes the turn on once they
 * are due. So at most one reservation is booked ahead, and who goes next is chosen when a turn
 * frees up: a transactional call arriving behind a line of bulk calls goes within its share's
 * pacing, and bulk gets every token transactional leaves. A class whose line would take longer than
 * {@code maxShapeWait} at its guaranteed share has its call deferred without closing the gate,
 * which would stop the other classes too.
 *
 * <p>Thread-safe: the token bucket and the AIMD controller lock themselves; the ceiling's inputs
 * are volatile and combined under this object's lock.
 */
final class Shaper {
  // The longest one sleep for tokens; a longer wait is looked at again after this.
  private static final long RECHECK_NANOS = 1_000_000_000L;
  // The least rate a share of zero leaves (recipients per second).
  private static final double MIN_SHARED_RATE = 0.1;

  private final Clock clock;
  private final Duration maxShapeWait;
  private final Duration accountRetry;
  private final TokenBucket bucket;
  private final AimdRate aimd;
  private final Runnable onDeferral;
  private final AccountGate gate;
  private final TrafficClasses classes;
  // Whose turn it is among the classes; null with one class, which reserves as it comes.
  private final FairTurns turns;
  // The ceiling before the share is applied: MaxSendRate, the rate set by hand, or -1 (unlimited).
  private volatile double baseCeiling;
  // MaxSendRate as last read; -1 until read (unlimited).
  private volatile double maxSendRate = -1;
  private volatile double share = 1.0;
  // The rate set by hand (NaN: follow the account's MaxSendRate; negative: unlimited).
  private volatile double rateOverride;
  // False while the rate is unlimited, so unshaped sending skips the token bucket's lock entirely.
  private volatile boolean shaped;

  /**
   * A shaper at the rate set by hand in {@code config}, or unlimited until MaxSendRate is read;
   * {@code onDeferral} is told of each call deferred for waiting too long.
   */
  Shaper(SenderConfig config, Clock clock, AccountGate gate, Runnable onDeferral) {
    this.clock = clock;
    this.gate = gate;
    this.maxShapeWait = config.maxShapeWait();
    this.accountRetry = config.accountRetry();
    this.onDeferral = onDeferral;
    this.classes = config.classes();
    if (classes.size() > 1) {
      double[] weights = new double[classes.size()];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = classes.get(i).share();
      }
      this.turns = new FairTurns(weights);
    } else {
      this.turns = null;
    }
    this.rateOverride = config.rateOverride();
    double initial = Double.isNaN(rateOverride) ? -1 : rateOverride;
    this.baseCeiling = initial;
    this.aimd =
        new AimdRate(
            initial,
            config.cutFactor(),
            config.increasePerSecondFraction(),
            config.cutSpacing().toNanos(),
            MIN_SHARED_RATE,
            clock);
    this.bucket = new TokenBucket(initial, config.burst().toNanos() / 1e9, clock);
    this.shaped = initial >= 0;
  }

  /**
   * Waits until a call of {@code n} recipients may go; returns {@code null} then, or the deferral
   * that replaces the call: when the wait would be longer than {@code maxShapeWait}, or when {@code
   * stopping} turns true before or while it waits. The wait is looked at again at least every
   * second, so a rate that changes meanwhile applies at once and the call keeps its place in line.
   */
  Outcome.Deferred await(int n, BooleanSupplier stopping) {
    return await(n, 0, stopping);
  }

  /**
   * Like {@link #await(int, BooleanSupplier)} for a call of traffic class {@code cls} (an index of
   * the config's classes): with several classes, the call first waits for its class's turn ({@link
   * FairTurns}), so each class gets its share of the rate and a class with nothing waiting goes
   * next, and is deferred instead when its class's line would take longer than {@code maxShapeWait}
   * at the class's guaranteed share.
   */
  Outcome.Deferred await(int n, int cls, BooleanSupplier stopping) {
    if (!shaped) {
      return null;
    }
    if (stopping.getAsBoolean()) {
      return SesSender.stopped("sender is closing");
    }
    if (turns == null) {
      return reserve(n, stopping);
    }
    syncRate();
    // The line ahead of this call, at the class's guaranteed pace; the call's own tokens are the
    // token bucket's to judge (a call larger than the bucket goes once it is full, see tooLong).
    double paced = bucket.rate() * classes.get(cls).share();
    long lineWait = (long) (turns.waitingTokens(cls) / Math.max(paced, 1e-9) * 1e9);
    if (lineWait > maxShapeWait.toNanos()) {
      return lineTooLong(n, cls, lineWait);
    }
    FairTurns.Ticket t = turns.enter(cls, n);
    try {
      if (!turns.awaitTurn(t, stopping, RECHECK_NANOS)) {
        return SesSender.stopped("sender is closing");
      }
    } catch (InterruptedException e) {
      turns.leave(t);
      Thread.currentThread().interrupt();
      return SesSender.stopped("sender is closing");
    }
    try {
      return reserve(n, stopping);
    } finally {
      turns.pass(t);
    }
  }

  /** Whether several traffic classes share the rate. */
  boolean classed() {
    return turns != null;
  }

  /** The index of the traffic class named {@code name}; the default class for empty or unknown. */
  int classIndex(String name) {
    int i = name.isEmpty() ? -1 : classes.indexOf(name);
    return i < 0 ? classes.defaultIndex() : i;
  }

  /** The traffic classes sharing the rate. */
  TrafficClasses classes() {
    return classes;
  }

  /** Recipients of class {@code cls} granted the rate so far; zero with one class. */
  long grantedRecipients(int cls) {
    return turns == null ? 0 : turns.grantedTokens(cls);
  }

  /** Recipients of class {@code cls} waiting for their turn now; zero with one class. */
  long waitingRecipients(int cls) {
    return turns == null ? 0 : turns.waitingTokens(cls);
  }

  private Outcome.Deferred lineTooLong(int n, int cls, long lineWait) {
    onDeferral.run();
    long maxWait = maxShapeWait.toNanos();
    Duration back =
        Duration.ofNanos(Math.max(0, Math.min(lineWait - maxWait / 2, accountRetry.toNanos())));
    String why =
        String.format(
            Locale.ROOT,
            "waiting for the send rate: %d recipients of class %s would wait %.1f s at its share"
                + " (the longest wait is %s)",
            n,
            classes.get(cls).name(),
            lineWait / 1e9,
            Durations.format(maxShapeWait));
    // Not the gate: it would stop the other classes too; the class's own slots bound the churn.
    return new Outcome.Deferred(Outcome.Scope.ACCOUNT, why, back, List.of());
  }

  private Outcome.Deferred reserve(int n, BooleanSupplier stopping) {
    syncRate();
    long maxWait = maxShapeWait.toNanos();
    TokenBucket.Reservation r = bucket.tryReserve(n, maxWait);
    if (r == null) {
      return tooLong(n, maxWait);
    }
    while (true) {
      long left = bucket.remainingNanos(r);
      if (left == 0) {
        return null;
      }
      if (stopping.getAsBoolean() || !sleep(Math.min(left, RECHECK_NANOS))) {
        bucket.cancel(r);
        return SesSender.stopped("sender is closing");
      }
      syncRate();
    }
  }

  private Outcome.Deferred tooLong(int n, long maxWait) {
    long wait = bucket.waitNanos(n);
    onDeferral.run();
    // Back when the sends promised ahead of it are half worked off, so the token bucket is never
    // idle while it is away; never later than the account retry, so a rate that rises is used.
    Duration back =
        Duration.ofNanos(Math.max(0, Math.min(wait - maxWait / 2, accountRetry.toNanos())));
    String why =
        String.format(
            Locale.ROOT,
            "waiting for the send rate: %d recipients would wait %.1f s at %.1f/s (the longest"
                + " wait is %s)",
            n,
            wait / 1e9,
            bucket.rate(),
            Durations.format(maxShapeWait));
    gate.close(AccountGate.Reason.RATE_BOOKED_AHEAD, back, why);
    return new Outcome.Deferred(Outcome.Scope.ACCOUNT, why, back, List.of());
  }

  /** Records a rate throttle; returns true when it cut the rate. */
  boolean onThrottle() {
    return aimd.onThrottle();
  }

  /** Takes a fresh MaxSendRate (negative: unlimited); it is the ceiling unless a rate is set. */
  void maxSendRateRead(double recipientsPerSecond) {
    maxSendRate = recipientsPerSecond;
    if (Double.isNaN(rateOverride)) {
      baseCeiling = recipientsPerSecond;
      applyCeiling(false);
    }
  }

  /** Sets the rate by hand; NaN follows MaxSendRate as last read, negative is unlimited. */
  void setRateOverride(double recipientsPerSecond) {
    rateOverride = recipientsPerSecond;
    baseCeiling = Double.isNaN(recipientsPerSecond) ? maxSendRate : recipientsPerSecond;
    applyCeiling(true);
  }

  /** The rate set by hand: NaN when it follows the account, negative when unlimited. */
  double rateOverride() {
    return rateOverride;
  }

  /** Sets this sender's fraction of the account's rate, 0 to 1. */
  void setShare(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("share must be in [0, 1], got " + fraction);
    }
    share = fraction;
    applyCeiling(true);
  }

  /** This sender's fraction of the account's rate. */
  double share() {
    return share;
  }

  /** The ceiling from the base and the share; a new share moves the current rate with it. */
  private synchronized void applyCeiling(boolean shareChanged) {
    double base = baseCeiling;
    double ceiling = base < 0 ? base : Math.max(base * share, Math.min(base, MIN_SHARED_RATE));
    if (shareChanged) {
      aimd.rescale(ceiling);
    } else {
      aimd.setCeiling(ceiling);
    }
    shaped = base >= 0;
    syncRate();
  }

  private void syncRate() {
    double r = aimd.current();
    if (r != bucket.rate()) {
      bucket.setRate(r);
    }
  }

  /** The rate sending is shaped to now, in recipients per second; negative when unlimited. */
  double currentRate() {
    return aimd.current();
  }

  /** The ceiling: MaxSendRate or the rate set by hand, times the share. */
  double ceiling() {
    return aimd.ceiling();
  }

  /** Throttles seen so far. */
  long throttles() {
    return aimd.throttles();
  }

  /** Seconds of sends promised ahead of now; zero when nothing waits. */
  double bookedAheadSeconds() {
    return bucket.debtSeconds();
  }

  private boolean sleep(long nanos) {
    try {
      clock.sleep(nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
