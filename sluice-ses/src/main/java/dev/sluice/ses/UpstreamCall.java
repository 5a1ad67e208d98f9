package dev.sluice.ses;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.Outcome;
import dev.sluice.core.transport.Attempt;
import dev.sluice.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
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
 * <p>Design: a rate throttle cuts the shaper's rate and the call is made again (it never uses up an
 * attempt) until the message's time is up; a daily throttle pauses the {@link DailyQuota}; a
 * transient failure backs off with full jitter, bounded in tries and in the message's time; a
 * permanent refusal fails the recipients, or defers the account when the refusal is about the
 * account (paused, suspended). A call slot is held while waiting for the rate, so calls waiting and
 * calls on the wire together stay within {@code maxInFlight}. Backoff waits on the injected clock.
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
      SenderMetrics metrics,
      BooleanSupplier closed,
      BooleanSupplier stopping) {
    this.transport = transport;
    this.config = config;
    this.clock = clock;
    this.random = random;
    this.shaper = shaper;
    this.daily = daily;
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
    int n = recipients.recipients().size();
    int calls = 0;
    int failures = 0;
    while (true) {
      if (daily.paused()) {
        return new Result(dailyDeferral("Daily message quota exceeded."), calls);
      }
      if (closed.getAsBoolean()) {
        return new Result(SesSender.stopped("sender is closing"), calls);
      }
      Attempt a;
      slots.acquireUninterruptibly();
      try {
        Outcome.Deferred notNow = shaper.await(n, stopping);
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
        case Attempt.Accepted ok -> {
          metrics.accepted.increment();
          daily.accepted(recipients, shaper.share());
          return new Result(new Outcome.Delivered(List.of(ok.upstreamId()), 1), calls);
        }
        case Attempt.Throttled t when t.kind() == Attempt.ThrottleKind.DAILY -> {
          metrics.throttled.increment();
          daily.throttled();
          return new Result(dailyDeferral(t.text()), calls);
        }
        case Attempt.Throttled t -> {
          metrics.throttled.increment();
          if (shaper.onThrottle()) {
            LOG.info(
                "throttled ({}); rate cut to {}/s",
                t.text(),
                String.format(Locale.ROOT, "%.1f", shaper.currentRate()));
          }
          if (clock.nanos() > deadline) {
            return new Result(
                new Outcome.Deferred(
                    Outcome.Scope.ACCOUNT, t.text(), Duration.ofSeconds(1), List.of()),
                calls);
          }
        }
        case Attempt.Transient t -> {
          metrics.transientFailures.increment();
          failures++;
          long backoff = backoffNanos(failures);
          if (failures >= config.maxAttempts() || clock.nanos() + backoff > deadline) {
            return new Result(
                new Outcome.Deferred(
                    Outcome.Scope.UPSTREAM, t.text(), Duration.ofNanos(backoff), List.of()),
                calls);
          }
          sleep(backoff);
        }
        case Attempt.Permanent p -> {
          metrics.permanentFailures.increment();
          Outcome o =
              p.accountWide()
                  ? new Outcome.Deferred(
                      Outcome.Scope.ACCOUNT, p.text(), config.accountRetry(), List.of())
                  : new Outcome.Failed(p.text(), List.of());
          return new Result(o, calls);
        }
      }
    }
  }

  /** Upstream calls on the wire now. */
  int inFlight() {
    return onTheWire.get();
  }

  private Outcome dailyDeferral(String text) {
    return new Outcome.Deferred(Outcome.Scope.ACCOUNT, text, config.quotaRefresh(), List.of());
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
