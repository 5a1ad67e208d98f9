package dev.sluice.core.transport;

import dev.sluice.core.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one answer to "can this account send now?": closed, for how long and why, while the account
 * cannot send. The sender closes it for what it learns (the daily quota spent, the account paused,
 * the rate booked too far ahead, throttling that outlasted a message), the scheduler takes no
 * messages while it is closed, and the status page and metrics read it.
 *
 * <p>Design: each {@link Reason} is held apart with the time it ends, and the gate opens when the
 * last of them has; so a reason can be lifted early without touching the others (a quota reading
 * that shows room opens the daily reason at once, while an account paused by the upstream stays
 * closed). Every closure ends by itself at its time: whoever closed it closes it again if the cause
 * is still there when it is next looked at, so a closure whose cause was never seen to end (a daily
 * throttle on a transport with no quota API) is tried again, not held forever. Without a gate, a
 * backlog behind a spent quota would be taken, refused and rescheduled over and over, each round a
 * spool write per message for nothing.
 *
 * <p>Thread-safe: one lock around a small map.
 */
public final class AccountGate implements SendGate {
  private static final Logger LOG = LoggerFactory.getLogger(AccountGate.class);

  /** Why the account cannot send. */
  public enum Reason {
    /** The rolling 24-hour quota is spent (or this sender's share of it). */
    DAILY_QUOTA,
    /** The upstream refused a call for the whole account (sending paused, account suspended). */
    ACCOUNT_PAUSED,
    /** The send rate is promised further ahead than a message may wait for it. */
    RATE_BOOKED_AHEAD,
    /** Rate throttles went on for longer than a message may take. */
    THROTTLED,
    /** The sender deferred a message for the account without saying more. */
    DEFERRED
  }

  /**
   * One reason the gate is closed.
   *
   * @param reason why
   * @param untilMillis the wall-clock millisecond it ends at
   * @param text the upstream's or the sender's words
   */
  public record Closure(Reason reason, long untilMillis, String text) {}

  private final Clock clock;
  private final Map<Reason, Closure> closures = new EnumMap<>(Reason.class);

  /** An open gate on {@code clock}. */
  public AccountGate(Clock clock) {
    this.clock = clock;
  }

  /**
   * Closes the gate for {@code reason} for {@code duration} from now at least (a closure that ends
   * later is kept); the first closure that shuts an open gate is logged.
   */
  public void close(Reason reason, Duration duration, String text) {
    long now = clock.millis();
    long until = now + Math.max(0, duration.toMillis());
    if (until <= now) {
      return;
    }
    boolean wasOpen;
    synchronized (this) {
      wasOpen = opensAtLocked() <= now;
      Closure before = closures.get(reason);
      if (before == null || before.untilMillis() < until) {
        closures.put(reason, new Closure(reason, until, text));
      }
    }
    if (wasOpen) {
      LOG.warn(
          "the account cannot send ({}: {}); taking no messages for {} ms",
          reason,
          text,
          until - now);
    }
  }

  /** Lifts one reason now; the gate stays closed for the others. */
  public synchronized void open(Reason reason) {
    closures.remove(reason);
  }

  /** Whether the gate is closed now for {@code reason}. */
  public boolean isClosed(Reason reason) {
    return closure(reason).isPresent();
  }

  /** The closure for {@code reason}, if the gate is closed now for it. */
  public synchronized Optional<Closure> closure(Reason reason) {
    Closure c = closures.get(reason);
    return c != null && c.untilMillis() > clock.millis() ? Optional.of(c) : Optional.empty();
  }

  /** The closure that ends last, if the gate is closed now. */
  public synchronized Optional<Closure> closure() {
    long now = clock.millis();
    Closure last = null;
    for (Closure c : closures.values()) {
      if (c.untilMillis() > now && (last == null || c.untilMillis() > last.untilMillis())) {
        last = c;
      }
    }
    return Optional.ofNullable(last);
  }

  /** The wall-clock millisecond from which the account may send; in the past when it may now. */
  @Override
  public synchronized long opensAt() {
    return opensAtLocked();
  }

  private long opensAtLocked() {
    long opens = Long.MIN_VALUE;
    for (Closure c : closures.values()) {
      opens = Math.max(opens, c.untilMillis());
    }
    return opens;
  }
}
