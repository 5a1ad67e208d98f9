package dev.sluice.delivery;

import dev.sluice.core.Clock;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.transport.AccountGate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.ObjLongConsumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one outcome into a durable spool change (complete, reschedule by the {@link RetryPolicy},
 * or fail), and once the spool has it, into an event, a meter tick and a line in the outcome log. A
 * reschedule is also reported to the scheduler, whose worker may be waiting past the new due time.
 *
 * <p>Events follow the spool, never lead it: an event says what the spool now holds. If the spool
 * cannot record an outcome (it was closed, storage failed), the message stays ACTIVE, which the
 * spool turns into due-at-once when it is next opened; that is logged, and no event is sent, except
 * that a delivery is reported anyway, since it did happen upstream.
 *
 * <p>Thread-safe; runs on whatever thread an outcome completes on.
 */
final class OutcomeRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);
  private static final Logger OUTCOMES = LoggerFactory.getLogger(DeliveryScheduler.OUTCOME_LOGGER);

  private final Spool spool;
  // Replaced whole by a reload; each outcome reads it once.
  private volatile RetryPolicy policy;
  private final EventSink events;
  private final Clock clock;
  private final RandomGenerator random;
  private final DeliveryMetrics metrics;
  private final AccountGate gate;
  // Whether deferrals of scope ACCOUNT close the gate here: not when the sender keeps it itself.
  private final boolean feedsGate;
  private final Executor executor;
  private final ObjLongConsumer<QueueId> rescheduled;
  private volatile boolean leaveDeferrals;

  OutcomeRecorder(
      Spool spool,
      RetryPolicy policy,
      EventSink events,
      Clock clock,
      RandomGenerator random,
      DeliveryMetrics metrics,
      AccountGate gate,
      boolean feedsGate,
      Executor executor,
      ObjLongConsumer<QueueId> rescheduled) {
    this.spool = spool;
    this.policy = policy;
    this.events = events;
    this.clock = clock;
    this.random = random;
    this.metrics = metrics;
    this.gate = gate;
    this.feedsGate = feedsGate;
    this.executor = executor;
    this.rescheduled = rescheduled;
  }

  /** Replaces the retry policy; outcomes recorded from now on use it. */
  void setPolicy(RetryPolicy next) {
    this.policy = java.util.Objects.requireNonNull(next, "policy");
  }

  /**
   * From now on deferrals are not recorded: the message stays ACTIVE and is due at once when the
   * spool is next opened, without an attempt counted for a try that the shutdown cut short.
   */
  void leaveDeferrals() {
    leaveDeferrals = true;
  }

  /**
   * Records the outcome of a message taken as {@code entry}. The future completes, normally, once
   * the spool has the change and the event is handed over (or the recording failed and was logged).
   *
   * @param takenNanos the clock's nanos when the message was handed to the sender
   */
  CompletableFuture<Void> record(SpoolEntry entry, Outcome outcome, long takenNanos) {
    return record(entry, outcome, takenNanos, true);
  }

  /**
   * Like {@link #record(SpoolEntry, Outcome, long)}; a deferral of scope ACCOUNT closes the
   * scheduler's own gate only when {@code aboutTheAccount} (not for a tenant's cap, which holds
   * back that tenant's messages only).
   */
  CompletableFuture<Void> record(
      SpoolEntry entry, Outcome outcome, long takenNanos, boolean aboutTheAccount) {
    Change c;
    try {
      c = plan(entry, outcome, Instant.ofEpochMilli(clock.millis()), aboutTheAccount);
    } catch (RuntimeException e) {
      LOG.error("cannot record the outcome of {}; it stays active", entry.id(), e);
      return CompletableFuture.completedFuture(null);
    }
    if (c == null) {
      return CompletableFuture.completedFuture(null);
    }
    return c.write.handleAsync(
        (applied, failure) -> {
          finish(c.event, applied, failure, takenNanos);
          return null;
        },
        executor);
  }

  /** A spool change under way and the event it will become. */
  private record Change(CompletableFuture<Boolean> write, DeliveryEvent event) {}

  private Change plan(SpoolEntry e, Outcome outcome, Instant now, boolean aboutTheAccount) {
    QueueId id = e.id();
    String from = e.envelope().from();
    List<String> all = e.envelope().recipients();
    return switch (outcome) {
      case Outcome.Delivered d ->
          new Change(
              spool.complete(id),
              event(DeliveryEvent.Type.DELIVERED, e, now, all, e.attempts() + 1, d.upstreamIds()));
      case Outcome.Deferred d -> {
        if (leaveDeferrals) {
          LOG.debug("{} deferred after the stop grace; left active", id);
          yield null;
        }
        List<String> remaining = remaining(all, d.delivered());
        if (remaining.isEmpty()) { // every piece went through after all
          yield new Change(
              spool.complete(id),
              event(DeliveryEvent.Type.DELIVERED, e, now, all, e.attempts() + 1, List.of()));
        }
        boolean narrowed = remaining.size() < all.size();
        if (d.scope() == Outcome.Scope.ACCOUNT && feedsGate && aboutTheAccount) {
          gate.close(AccountGate.Reason.DEFERRED, d.retryAfter(), d.reason());
        }
        RandomGenerator rnd = random != null ? random : ThreadLocalRandom.current();
        yield switch (policy.onDeferral(e, d, now, rnd)) {
          case RetryPolicy.Retry r ->
              new Change(
                  narrowed
                      ? spool.reschedule(id, r.due(), r.attempts(), d.reason(), remaining)
                      : spool.reschedule(id, r.due(), r.attempts(), d.reason()),
                  new DeliveryEvent(
                      DeliveryEvent.Type.DEFERRED,
                      id,
                      now,
                      from,
                      remaining,
                      r.attempts(),
                      List.of(),
                      d.reason(),
                      r.due(),
                      d.delivered()));
          case RetryPolicy.Expire x ->
              new Change(
                  narrowed
                      ? spool.fail(id, x.reason(), now, remaining)
                      : spool.fail(id, x.reason(), now),
                  failure(
                      DeliveryEvent.Type.EXPIRED, e, now, remaining, x.reason(), d.delivered()));
        };
      }
      case Outcome.Failed f -> {
        List<String> remaining = remaining(all, f.delivered());
        yield new Change(
            remaining.size() < all.size() && !remaining.isEmpty()
                ? spool.fail(id, f.reason(), now, remaining)
                : spool.fail(id, f.reason(), now),
            failure(DeliveryEvent.Type.FAILED, e, now, remaining, f.reason(), f.delivered()));
      }
    };
  }

  private static DeliveryEvent event(
      DeliveryEvent.Type type,
      SpoolEntry e,
      Instant now,
      List<String> recipients,
      int attempts,
      List<String> upstreamIds) {
    return new DeliveryEvent(
        type,
        e.id(),
        now,
        e.envelope().from(),
        recipients,
        attempts,
        upstreamIds,
        "",
        null,
        List.of());
  }

  private static DeliveryEvent failure(
      DeliveryEvent.Type type,
      SpoolEntry e,
      Instant now,
      List<String> remaining,
      String reason,
      List<String> delivered) {
    // fail() counts the attempt that ended in the failure.
    return new DeliveryEvent(
        type,
        e.id(),
        now,
        e.envelope().from(),
        remaining,
        e.attempts() + 1,
        List.of(),
        reason,
        null,
        delivered);
  }

  private void finish(DeliveryEvent ev, Boolean applied, Throwable failure, long takenNanos) {
    if (failure != null) {
      LOG.warn(
          "cannot record that {} was {} ({}); it stays active in the spool and is due again when"
              + " the spool is next opened{}",
          ev.queueId(),
          ev.type().name().toLowerCase(Locale.ROOT),
          failure.getMessage(),
          ev.upstreamIds().isEmpty() ? "" : "; delivered as " + ev.upstreamIds());
      if (ev.type() != DeliveryEvent.Type.DELIVERED) {
        return;
      }
    } else if (!applied) {
      LOG.info(
          "{} was no longer in the spool when it was {} (deleted while in flight)",
          ev.queueId(),
          ev.type().name().toLowerCase(Locale.ROOT));
      if (ev.type() != DeliveryEvent.Type.DELIVERED) {
        return;
      }
    }
    if (ev.type() == DeliveryEvent.Type.DEFERRED) {
      rescheduled.accept(ev.queueId(), ev.nextDue().toEpochMilli());
    }
    metrics.recorded(ev.type(), Duration.ofNanos(clock.nanos() - takenNanos));
    logLine(ev);
    try {
      events.accept(ev);
    } catch (RuntimeException e) {
      LOG.error("the event sink failed on {}", ev.queueId(), e);
    }
  }

  private static void logLine(DeliveryEvent ev) {
    String partly =
        ev.delivered().isEmpty()
            ? ""
            : " (" + ev.delivered().size() + " other recipients already have it)";
    switch (ev.type()) {
      case DELIVERED ->
          OUTCOMES.info(
              "delivered {} -> {} ({} recipients, attempt {})",
              ev.queueId(),
              String.join(",", ev.upstreamIds()),
              ev.recipients().size(),
              ev.attempts());
      case DEFERRED ->
          OUTCOMES.info(
              "deferred {} until {} (attempts {}): {}{}",
              ev.queueId(),
              ev.nextDue(),
              ev.attempts(),
              ev.reason(),
              partly);
      case FAILED, EXPIRED ->
          OUTCOMES.warn(
              "{} {} (attempt {}): {}{}",
              ev.type() == DeliveryEvent.Type.FAILED ? "failed" : "expired",
              ev.queueId(),
              ev.attempts(),
              ev.reason(),
              partly);
    }
  }

  /**
   * The recipients of {@code all} not in {@code delivered}, in order; a recipient listed twice is
   * taken off once per delivery.
   */
  static List<String> remaining(List<String> all, List<String> delivered) {
    if (delivered.isEmpty()) {
      return all;
    }
    Map<String, Integer> got = new HashMap<>();
    for (String r : delivered) {
      got.merge(r, 1, Integer::sum);
    }
    List<String> out = new ArrayList<>(all.size());
    for (String r : all) {
      Integer n = got.get(r);
      if (n != null && n > 0) {
        got.put(r, n - 1);
      } else {
        out.add(r);
      }
    }
    return out;
  }
}
