package dev.sluice.app.relay;

import dev.sluice.core.Clock;
import dev.sluice.core.transport.AccountGate;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides which route sends a message picked for a route: the route itself while it is healthy,
 * else the first healthy route down its fail-over chain, else none (the message waits in the spool
 * until the first of them opens).
 *
 * <p>Design: health is read from each route's {@link AccountGate}, the one owner of "this route
 * cannot send now", so there is no second state to keep in step. A route is unhealthy while its
 * gate is closed for anything but {@link AccountGate.Reason#RATE_BOOKED_AHEAD}: a route whose rate
 * is booked ahead is busy, not failing, and its mail waits for its own pacing rather than spilling
 * onto another account. Since a gate closure ends by itself and is closed again by the next call
 * that finds the cause still there, a route takes its mail back as soon as its gate opens: the next
 * message picked for it is sent through it, and the health check is that message's call. The chain
 * is followed one hop at a time with each route visited once, so {@code a -> b -> a} is a pair of
 * mutual backups, not a loop.
 *
 * <p>Thread-safe (reads the gates, keeps no state).
 */
final class FailOver {
  /** What to do with a message. */
  sealed interface Pick {}

  /**
   * Send through {@code route}.
   *
   * @param route the route that sends it
   * @param from the route it was picked for
   */
  record Send(String route, String from) implements Pick {
    /** Whether it goes to another route than the one picked. */
    boolean failedOver() {
      return !route.equals(from);
    }
  }

  /**
   * No route on the chain can send: wait.
   *
   * @param after how long until the first of them may
   * @param why the picked route's closure, for the deferral
   */
  record Wait(Duration after, String why) implements Pick {}

  private final Map<String, AccountGate> gates;
  private final Function<String, Optional<String>> failOverOf;
  private final Clock clock;

  /**
   * @param gates each route's gate by name
   * @param failOverOf the route a route fails over to, if any
   */
  FailOver(
      Map<String, AccountGate> gates, Function<String, Optional<String>> failOverOf, Clock clock) {
    this.gates = Map.copyOf(gates);
    this.failOverOf = failOverOf;
    this.clock = clock;
  }

  /** Where a message picked for {@code route} goes now. */
  Pick pick(String route) {
    long now = clock.millis();
    Set<String> seen = new LinkedHashSet<>();
    long opens = Long.MAX_VALUE;
    String why = null;
    for (String r = route; r != null && seen.add(r); r = failOverOf.apply(r).orElse(null)) {
      long until = unhealthyUntil(gates.get(r), now);
      if (until <= now) {
        return new Send(r, route);
      }
      opens = Math.min(opens, until);
      if (why == null) {
        why = "route " + r + " cannot send (" + closureText(gates.get(r), now) + ")";
      }
    }
    if (seen.size() > 1) {
      why += "; nor can its fail-over " + String.join(", ", seen.stream().skip(1).toList());
    }
    return new Wait(Duration.ofMillis(opens - now), why);
  }

  /** The route a route's mail goes to now, or null when none on its chain can send. */
  String sendsVia(String route) {
    return pick(route) instanceof Send s ? s.route() : null;
  }

  /** Whether {@code route}'s gate is closed for a reason that fails it over. */
  boolean unhealthy(String route) {
    long now = clock.millis();
    return unhealthyUntil(gates.get(route), now) > now;
  }

  /**
   * The millisecond the gate opens for the reasons that fail a route over; now or before if open.
   */
  private static long unhealthyUntil(AccountGate gate, long now) {
    long until = now;
    for (AccountGate.Reason reason : AccountGate.Reason.values()) {
      if (reason == AccountGate.Reason.RATE_BOOKED_AHEAD) {
        continue;
      }
      var c = gate.closure(reason);
      if (c.isPresent()) {
        until = Math.max(until, c.get().untilMillis());
      }
    }
    return until;
  }

  private static String closureText(AccountGate gate, long now) {
    StringBuilder b = new StringBuilder();
    for (AccountGate.Reason reason : AccountGate.Reason.values()) {
      if (reason == AccountGate.Reason.RATE_BOOKED_AHEAD) {
        continue;
      }
      gate.closure(reason)
          .ifPresent(
              c ->
                  b.append(b.isEmpty() ? "" : "; ")
                      .append(reason)
                      .append(": ")
                      .append(c.text())
                      .append(", ")
                      .append((c.untilMillis() - now) / 1000)
                      .append(" s left"));
    }
    return b.toString();
  }
}
