package dev.sluice.ses;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.Outcome;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream call for a group of recipients, with its retries: waits for a call slot and for the
 * send rate, makes the call, and acts on the classified answer.
 *
 * <p>Design: no call is made while the {@link AccountGate} is closed for the daily quota or a
 * paused account; the message is deferred until the gate opens. A rate throttle cuts the shaper's
 * rate and the call is made again (it never uses up an attempt) until the message's time is up,
 * when the gate closes for a second; a daily throttle pauses the {@link DailyQuota}; a transient
 * failure backs off with full jitter, bounded in tries and in the message's time; a permanent
 * refusal fails the recipients, or, when it is about the account (paused, suspended), closes the
 * gate for {@code accountRetry} and defers. With one traffic class a call slot is held while
 * waiting for the rate, so calls waiting and calls on the wire together stay within {@code
 * maxInFlight}; with several, the slot is taken once the class's turn has come, so that a busy
 * class's calls waiting for the rate never hold the slots another class's call needs. Backoff waits
 * on the injected clock.
 *
 * <p>Thread-safe; each call runs on its caller's thread.
 */
final class UpstreamCall {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamCall.class);

  private final Transport transport;
  private final SenderConfig config;
  private final Clock clock;
  private final RandomGenerator random;
  private final Shaper shaper;
  private final DailyQuota daily;
  private final AccountGate gate;
  private final SenderMetrics metrics;
  private final BooleanSupplier closed;
  private final BooleanSupplier stopping;
  private final Semaphore slots;
  private final AtomicInteger onTheWire = new AtomicInteger();

  /**
   * Calls through {@code transport}; {@code closed} says the sender takes no more calls, {@code
   * stopping} that calls waiting for the rate are given up too.
   */
  UpstreamCall(
      Transport transport,
      SenderConfig config,
      Clock clock,
      RandomGenerator random,
      Shaper shaper,
      DailyQuota daily,
      AccountGate gate,
      SenderMetrics metrics,
      BooleanSupplier closed,
      BooleanSupplier stopping) {
    this.transport = transport;
    this.config = config;
    this.clock = clock;
    this.random = random;
    this.shaper = shaper;
    this.daily = daily;
    this.gate = gate;
    this.metrics = metrics;
    this.closed = closed;
    this.stopping = stopping;
    this.slots = new Semaphore(config.maxInFlight(), true);
  }

  /**
   * What one call's answer came to, after retries.
   *
   * @param outcome delivered (one upstream id), deferred or failed, about these recipients only
   * @param calls how many calls were made, throttled ones included
   */
  record Result(Outcome outcome, int calls) {}

  /** Calls until the recipients are accepted, refused, or deferred; by {@code deadline} nanos. */
  Result send(Envelope recipients, byte[] content, long deadline) {
    return send(recipients, content, deadline, "");
  }

  /**
   * Like {@link #send(Envelope, byte[], long)} for a message of the traffic class named {@code
   * trafficClass} (empty or unknown: the default class).
   */
  Result send(Envelope recipients, byte[] content, long deadline, String trafficClass) {
    int n = recipients.recipients().size();
    int cls = shaper.classIndex(trafficClass);
    boolean classed = shaper.classed();
    int calls = 0;
    int failures = 0;
    while (true) {
      Optional<Outcome.Deferred> shut = shut();
      if (shut.isPresent()) {
        return new Result(shut.get(), calls);
      }
      if (closed.getAsBoolean()) {
        return new Result(SesSender.stopped("sender is closing"), calls);
      }
      CallResult a;
      if (classed) {
        Outcome.Deferred notNow = shaper.await(n, cls, stopping);
        if (notNow != null) {
          return new Result(notNow, calls);
        }
      }
      slots.acquireUninterruptibly();
      try {
        Outcome.Deferred notNow = classed ? null : shaper.await(n, stopping);
        if (notNow != null) {
          return new Result(notNow, calls);
        }
        onTheWire.incrementAndGet();
        long t0 = clock.nanos();
        try {
          a = transport.send(recipients, content);
        } finally {
          onTheWire.decrementAndGet();
        }
        calls++;
        if (config.listener() != null) {
          config.listener().onCall(a, n, clock.nanos() - t0);
        }
      } finally {
        slots.release();
      }
      switch (a) {
        case CallResult.Accepted ok -> {
          metrics.accepted.increment();
          daily.accepted(recipients, shaper.share());
          return new Result(new Outcome.Delivered(List.of(ok.upstreamId()), 1), calls);
        }
        case CallResult.Throttled t when t.kind() == CallResult.ThrottleKind.DAILY -> {
          metrics.throttled.increment();
          daily.throttled(t.text());
          return new Result(
              new Outcome.Deferred(
                  Outcome.Scope.ACCOUNT, t.text(), config.quotaRefresh(), List.of()),
              calls);
        }
        case CallResult.Throttled t -> {
          metrics.throttled.increment();
          if (shaper.onThrottle()) {
            LOG.info(
                "throttled ({}); rate cut to {}/s",
                t.text(),
                String.format(Locale.ROOT, "%.1f", shaper.currentRate()));
          }
          if (clock.nanos() > deadline) {
            gate.close(AccountGate.Reason.THROTTLED, Duration.ofSeconds(1), t.text());
            return new Result(
                new Outcome.Deferred(
                    Outcome.Scope.ACCOUNT, t.text(), Duration.ofSeconds(1), List.of()),
                calls);
          }
        }
        case CallResult.Transient t -> {
          metrics.transientFailures.increment();
          failures++;
          long backoff = backoffNanos(failures);
          if (failures >= config.maxTries() || clock.nanos() + backoff > deadline) {
            return new Result(
                new Outcome.Deferred(
                    Outcome.Scope.UPSTREAM, t.text(), Duration.ofNanos(backoff), List.of()),
                calls);
          }
          sleep(backoff);
        }
        case CallResult.Permanent p -> {
          metrics.permanentFailures.increment();
          if (!p.accountWide()) {
            return new Result(new Outcome.Failed(p.text(), List.of()), calls);
          }
          gate.close(AccountGate.Reason.ACCOUNT_PAUSED, config.accountRetry(), p.text());
          return new Result(
              new Outcome.Deferred(
                  Outcome.Scope.ACCOUNT, p.text(), config.accountRetry(), List.of()),
              calls);
        }
      }
    }
  }

  /** Upstream calls on the wire now. */
  int inFlight() {
    return onTheWire.get();
  }

  /**
   * The deferral for a message that may not be sent while the gate is closed for the daily quota or
   * a paused account, due when the gate opens; empty when calls may be made.
   */
  private Optional<Outcome.Deferred> shut() {
    return gate.closure(AccountGate.Reason.DAILY_QUOTA)
        .or(() -> gate.closure(AccountGate.Reason.ACCOUNT_PAUSED))
        .map(
            c ->
                new Outcome.Deferred(
                    Outcome.Scope.ACCOUNT,
                    c.text(),
                    Duration.ofMillis(Math.max(0, c.untilMillis() - clock.millis())),
                    List.of()));
  }

  /** Full jitter: a uniform delay between zero and the capped exponential bound. */
  private long backoffNanos(int failures) {
    double bound =
        Math.min(
            config.backoffCap().toNanos(),
            config.backoffBase().toNanos() * Math.pow(2, Math.min(30, failures - 1)));
    return (long) (random.nextDouble() * bound);
  }

  private void sleep(long nanos) {
    try {
      clock.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
