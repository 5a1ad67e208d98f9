package dev.sluice.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closed while the account cannot send: after a deferral of scope ACCOUNT (the daily quota is
 * spent, throttling outlasted the sender's patience, sending is paused), no bucket takes messages
 * until the deferral's {@code retryAfter} has passed. Without it, a backlog behind a spent quota
 * would be taken, refused and rescheduled over and over, each round a spool write per message for
 * nothing.
 *
 * <p>Thread-safe.
 */
final class AccountGate {
  private static final Logger LOG = LoggerFactory.getLogger(AccountGate.class);

  private final AtomicLong opensAt = new AtomicLong(Long.MIN_VALUE);

  /** The wall-clock millisecond from which messages may be taken again. */
  long opensAt() {
    return opensAt.get();
  }

  /** Keeps the gate closed until {@code untilMillis} at least; {@code nowMillis} dates the log. */
  void closeUntil(long untilMillis, long nowMillis, String reason) {
    long before = opensAt.getAndAccumulate(untilMillis, Math::max);
    if (before <= nowMillis && untilMillis > nowMillis) {
      LOG.warn(
          "the account cannot send ({}); taking no messages for {} ms",
          reason,
          Duration.ofMillis(untilMillis - nowMillis).toMillis());
    }
  }
}
