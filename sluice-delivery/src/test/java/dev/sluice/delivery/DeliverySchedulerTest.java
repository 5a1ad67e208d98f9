package dev.sluice.delivery;

import static dev.sluice.delivery.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.Submission;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import dev.sluice.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler's rules on a manual clock, with the real spool and a scripted sender: what is taken
 * when, what is recorded, and what a stop leaves behind. Nothing here waits on a timer: the clock
 * moves only when a test moves it, and a test then wakes the scheduler.
 */
class DeliverySchedulerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());
  private final CollectingSink events = new CollectingSink();
  private RocksSpool spool;
  private DeliveryScheduler scheduler;

  /** For scripts that answer by the message and how often it was sent. */
  private volatile ScriptedSender sender;

  private volatile String firstId;

  private RocksSpool open(int buckets) {
    spool = RocksSpool.open(RocksSpoolConfig.builder(dir).buckets(buckets).build(), clock);
    return spool;
  }

  @AfterEach
  void close() {
    if (scheduler != null) {
      scheduler.stop(Duration.ofSeconds(5));
    }
    if (spool != null) {
      spool.close();
    }
  }

  private DeliveryScheduler.Builder scheduler(ScriptedSender s, RetryPolicy policy) {
    return DeliveryScheduler.builder(spool, s)
        .policy(policy)
        .events(events)
        .clock(clock)
        .random(new Random(42));
  }

  /** How many times the message has been handed to {@link #sender}, this call included. */
  private long sendsSoFar(OutboundMessage m) {
    return sender.callsFor(m.id());
  }

  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  private QueueId append(List<String> recipients) {
    Submission s =
        new Submission(
            new Envelope("app@example.com", recipients),
            "Subject: t\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII),
            now(),
            "test");
    return spool.append(s).join();
  }

  private QueueId append(String recipient) {
    return append(List.of(recipient));
  }

  private SpoolEntry entry(QueueId id) {
    return spool.find(id).orElseThrow();
  }

  private static List<String> recipients(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("r" + i + "@example.net");
    }
    return out;
  }

  @Test
  void appendedMessages_areDelivered_leaveTheSpool_andEachHasItsUpstreamId() {
    open(4);
    ScriptedSender delivering = ScriptedSender.delivering();
    List<QueueId> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ids.add(append("r" + i + "@example.net"));
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    scheduler =
        scheduler(delivering, RetryPolicy.defaults()).batch(8).registry(registry).build().start();

    Await.until("50 deliveries", WAIT, () -> events.count(DeliveryEvent.Type.DELIVERED) == 50);
    Await.until("the last slot back", WAIT, () -> scheduler.inFlight() == 0);
    assertThat(registry.get("sluice.delivery.outcomes").tag("type", "delivered").counter().count())
        .isEqualTo(50);
    assertThat(registry.get("sluice.delivery.outcomes").tag("type", "failed").counter().count())
        .isZero();
    assertThat(registry.get("sluice.delivery.latency").timer().count()).isEqualTo(50);
    assertThat(registry.get("sluice.delivery.in.flight").gauge().value()).isZero();
    assertThat(spool.stats().total()).isZero();
    for (QueueId id : ids) {
      DeliveryEvent e = events.forId(id.value()).get(0);
      assertThat(e.upstreamIds()).containsExactly("ses-" + id.value());
      assertThat(e.attempts()).isEqualTo(1);
      assertThat(e.from()).isEqualTo("app@example.com");
    }
    assertThat(delivering.calls).hasSize(50);
  }

  @Test
  void wake_afterAnAppend_takesItAtOnce_whateverTheWakeInterval() {
    open(2);
    scheduler =
        scheduler(ScriptedSender.delivering(), RetryPolicy.defaults())
            .wakeInterval(Duration.ofHours(1))
            .build()
            .start();
    for (int i = 0; i < 3; i++) {
      QueueId id = append("a" + i + "@example.net");
      scheduler.wake(id);
      Await.until("delivery after a wake", WAIT, () -> !events.forId(id.value()).isEmpty());
    }
  }

  @Test
  void deferral_isRescheduledByThePolicy_andTakenOnlyWhenDue() {
    open(1);
    sender =
        new ScriptedSender(
            m ->
                m.id().equals(firstId) && sendsSoFar(m) == 1 // the first try of the first message
                    ? new Outcome.Deferred(
                        Outcome.Scope.UPSTREAM, "503 Service Unavailable", Duration.ZERO, List.of())
                    : new Outcome.Delivered(List.of("ses-" + m.id()), 1));
    RetryPolicy policy = RetryPolicy.builder().delays("1m,5m").jitter(0).build();
    QueueId first = append("a@example.net");
    firstId = first.value();
    scheduler = scheduler(sender, policy).build().start();

    Await.until("the deferral", WAIT, () -> events.count(DeliveryEvent.Type.DEFERRED) == 1);
    DeliveryEvent deferred = events.of(DeliveryEvent.Type.DEFERRED).get(0);
    assertThat(deferred.nextDue()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(deferred.attempts()).isEqualTo(1);
    assertThat(deferred.reason()).isEqualTo("503 Service Unavailable");
    SpoolEntry e = entry(first);
    assertThat(e.state()).isEqualTo(SpoolState.DEFERRED);
    assertThat(e.due()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(e.attempts()).isEqualTo(1);

    // A second message taken a second before the first is due proves a take ran then without it.
    clock.advance(Duration.ofSeconds(59));
    QueueId second = append("b@example.net");
    scheduler.wake();
    Await.until("the second message", WAIT, () -> !events.forId(second.value()).isEmpty());
    assertThat(sender.callsFor(first.value())).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    scheduler.wake();
    Await.until("the retry", WAIT, () -> events.count(DeliveryEvent.Type.DELIVERED) == 2);
    DeliveryEvent delivered = events.forId(first.value()).get(1);
    assertThat(delivered.type()).isEqualTo(DeliveryEvent.Type.DELIVERED);
    assertThat(delivered.attempts()).isEqualTo(2);
    assertThat(delivered.time()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
    assertThat(spool.find(first)).isEmpty();
  }

  @Test
  void accountDeferral_keepsTheAttemptCount_andStopsEveryBucketUntilRetryAfter() {
    open(4);
    sender =
        new ScriptedSender(
            m ->
                sendsSoFar(m) == 1 && m.id().equals(firstId)
                    ? new Outcome.Deferred(
                        Outcome.Scope.ACCOUNT,
                        "Daily message quota exceeded.",
                        Duration.ofMinutes(1),
                        List.of())
                    : new Outcome.Delivered(List.of("ses-" + m.id()), 1));
    QueueId first = append("a@example.net");
    firstId = first.value();
    scheduler = scheduler(sender, RetryPolicy.defaults()).build().start();
    Await.until("the deferral", WAIT, () -> events.count(DeliveryEvent.Type.DEFERRED) == 1);
    assertThat(events.of(DeliveryEvent.Type.DEFERRED).get(0).attempts()).isZero();
    assertThat(entry(first).attempts()).isZero();
    assertThat(entry(first).due()).isEqualTo(T0.plus(Duration.ofMinutes(1)));

    // Others wait for the gate too, whatever their bucket.
    List<QueueId> others = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      others.add(append("o" + i + "@example.net"));
    }
    scheduler.wake();
    clock.advance(Duration.ofSeconds(30));
    scheduler.wake();
    clock.advance(Duration.ofSeconds(30));
    scheduler.wake();
    Await.until("all delivered", WAIT, () -> events.count(DeliveryEvent.Type.DELIVERED) == 9);
    // The clock shows when each was recorded: none before the gate opened.
    assertThat(events.of(DeliveryEvent.Type.DELIVERED))
        .allSatisfy(e -> assertThat(e.time()).isEqualTo(T0.plus(Duration.ofMinutes(1))));
    assertThat(events.forId(first.value()).get(1).attempts()).isEqualTo(1);
  }

  @Test
  void sendersGate_openedBeforeTheDeferralsRetry_othersAreTakenAtOnce() {
    open(4);
    AccountGate gate = new AccountGate(clock);
    sender =
        new ScriptedSender(
            m -> {
              if (sendsSoFar(m) == 1 && m.id().equals(firstId)) {
                // As SesSender does: the sender closes its own gate, then defers.
                gate.close(
                    AccountGate.Reason.DAILY_QUOTA,
                    Duration.ofMinutes(1),
                    "Daily message quota exceeded.");
                return new Outcome.Deferred(
                    Outcome.Scope.ACCOUNT,
                    "Daily message quota exceeded.",
                    Duration.ofMinutes(1),
                    List.of());
              }
              return new Outcome.Delivered(List.of("ses-" + m.id()), 1);
            });
    QueueId first = append("a@example.net");
    firstId = first.value();
    scheduler = scheduler(sender, RetryPolicy.defaults()).gate(gate).build().start();
    Await.until("the deferral", WAIT, () -> events.count(DeliveryEvent.Type.DEFERRED) == 1);
    // The sender's word is the only one: the scheduler closed the gate for nothing of its own.
    assertThat(gate.closure().map(AccountGate.Closure::reason))
        .contains(AccountGate.Reason.DAILY_QUOTA);
    assertThat(gate.isClosed(AccountGate.Reason.DEFERRED)).isFalse();
    assertThat(scheduler.gate()).isSameAs(gate);

    // A quota reading shows room: the sender opens its gate, and the others go without waiting
    // for the minute the deferral named.
    for (int i = 0; i < 3; i++) {
      append("o" + i + "@example.net");
    }
    gate.open(AccountGate.Reason.DAILY_QUOTA);
    scheduler.wake();
    Await.until("three delivered", WAIT, () -> events.count(DeliveryEvent.Type.DELIVERED) == 3);
    assertThat(events.of(DeliveryEvent.Type.DELIVERED))
        .allSatisfy(e -> assertThat(e.time()).isEqualTo(T0));
    assertThat(entry(first).due()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
  }

  @Test
  void partlyDeliveredDeferral_retriesOnlyTheRemainingRecipients() {
    open(1);
    List<String> all = recipients(60);
    sender =
        new ScriptedSender(
            m ->
                sendsSoFar(m) == 1
                    ? new Outcome.Deferred(
                        Outcome.Scope.UPSTREAM, "503", Duration.ZERO, all.subList(0, 50))
                    : new Outcome.Delivered(List.of("ses-2"), 1));
    RetryPolicy policy = RetryPolicy.builder().delays("1s").jitter(0).build();
    QueueId id = append(all);
    scheduler = scheduler(sender, policy).build().start();

    Await.until("the deferral", WAIT, () -> events.count(DeliveryEvent.Type.DEFERRED) == 1);
    DeliveryEvent d = events.of(DeliveryEvent.Type.DEFERRED).get(0);
    assertThat(d.recipients()).isEqualTo(all.subList(50, 60));
    assertThat(d.delivered()).isEqualTo(all.subList(0, 50));
    assertThat(entry(id).envelope().recipients()).isEqualTo(all.subList(50, 60));

    clock.advance(Duration.ofSeconds(1));
    scheduler.wake();
    Await.until("the retry", WAIT, () -> events.count(DeliveryEvent.Type.DELIVERED) == 1);
    assertThat(sender.calls.get(1).envelope().recipients()).isEqualTo(all.subList(50, 60));
    assertThat(events.of(DeliveryEvent.Type.DELIVERED).get(0).recipients())
        .isEqualTo(all.subList(50, 60));
  }

  @Test
  void failure_keepsTheMessageFailedWithTheReason_narrowedToWhoDidNotGetIt() {
    open(1);
    List<String> all = recipients(3);
    ScriptedSender s =
        new ScriptedSender(
            m ->
                m.envelope().recipients().size() == 3
                    ? new Outcome.Failed("MessageRejected: no", all.subList(0, 2))
                    : new Outcome.Failed("InvalidParameterValue", List.of()));
    QueueId partly = append(all);
    QueueId whole = append("broken@example.net");
    scheduler = scheduler(s, RetryPolicy.defaults()).build().start();

    Await.until("two failures", WAIT, () -> events.count(DeliveryEvent.Type.FAILED) == 2);
    SpoolEntry p = entry(partly);
    assertThat(p.state()).isEqualTo(SpoolState.FAILED);
    assertThat(p.lastError()).isEqualTo("MessageRejected: no");
    assertThat(p.attempts()).isEqualTo(1);
    assertThat(p.envelope().recipients()).containsExactly("r2@example.net");
    SpoolEntry w = entry(whole);
    assertThat(w.state()).isEqualTo(SpoolState.FAILED);
    assertThat(w.envelope().recipients()).containsExactly("broken@example.net");
    DeliveryEvent e = events.forId(partly.value()).get(0);
    assertThat(e.recipients()).containsExactly("r2@example.net");
    assertThat(e.delivered()).isEqualTo(all.subList(0, 2));
  }

  @Test
  void deferralAfterExpiry_failsTheMessageAsExpired() {
    open(1);
    ScriptedSender s =
        new ScriptedSender(
            m ->
                new Outcome.Deferred(Outcome.Scope.UPSTREAM, "503 down", Duration.ZERO, List.of()));
    RetryPolicy policy =
        RetryPolicy.builder().delays("1m").jitter(0).expiry(Duration.ofMinutes(2)).build();
    QueueId id = append("a@example.net");
    scheduler = scheduler(s, policy).build().start();
    Await.until("the first deferral", WAIT, () -> events.count(DeliveryEvent.Type.DEFERRED) == 1);
    clock.advance(Duration.ofMinutes(1));
    scheduler.wake();
    Await.until("the second deferral", WAIT, () -> events.count(DeliveryEvent.Type.DEFERRED) == 2);
    // Due at the expiry itself: the last try.
    assertThat(entry(id).due()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    clock.advance(Duration.ofMinutes(1));
    scheduler.wake();
    Await.until("the expiry", WAIT, () -> events.count(DeliveryEvent.Type.EXPIRED) == 1);

    SpoolEntry e = entry(id);
    assertThat(e.state()).isEqualTo(SpoolState.FAILED);
    assertThat(e.lastError()).isEqualTo("expired after 2m: 503 down");
    assertThat(e.attempts()).isEqualTo(3);
    assertThat(events.of(DeliveryEvent.Type.EXPIRED).get(0).reason())
        .isEqualTo("expired after 2m: 503 down");
  }

  @Test
  void inFlight_neverExceedsTheBound_andABacklogIsTakenOnlyAsSlotsFree() {
    open(4);
    ScriptedSender s = ScriptedSender.holding();
    for (int i = 0; i < 100; i++) {
      append("r" + i + "@example.net");
    }
    scheduler = scheduler(s, RetryPolicy.defaults()).maxInFlight(10).batch(4).build().start();
    Await.until("10 in flight", WAIT, () -> s.calls.size() == 10);
    assertThat(spool.stats().count(SpoolState.ACTIVE)).isEqualTo(10);
    assertThat(scheduler.inFlight()).isEqualTo(10);

    s.script(m -> new Outcome.Delivered(List.of("ses-" + m.id()), 1));
    s.completeHeld(m -> new Outcome.Delivered(List.of("ses-" + m.id()), 1));
    Await.until("all delivered", WAIT, () -> events.count(DeliveryEvent.Type.DELIVERED) == 100);
    assertThat(s.mostUnfinished()).isEqualTo(10);
    assertThat(spool.stats().total()).isZero();
  }

  @Test
  void stop_leavesWhatIsInFlightActive_andReopeningMakesItDueAgain() {
    open(2);
    ScriptedSender s = ScriptedSender.holding();
    List<QueueId> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(append("r" + i + "@example.net"));
    }
    scheduler = scheduler(s, RetryPolicy.defaults()).build().start();
    Await.until("6 in flight", WAIT, () -> s.calls.size() == 6);

    assertThat(scheduler.stop(Duration.ofMillis(50))).isFalse();
    // Late outcomes: a delivery is still recorded, a deferral is not (the shutdown cut it short).
    s.completeHeld(
        m ->
            m.id().equals(ids.get(0).value())
                ? new Outcome.Delivered(List.of("ses-late"), 1)
                : new Outcome.Deferred(
                    Outcome.Scope.UPSTREAM, "sender is closing", Duration.ZERO, List.of()));
    Await.until("the late delivery", WAIT, () -> spool.find(ids.get(0)).isEmpty());
    assertThat(events.count(DeliveryEvent.Type.DEFERRED)).isZero();
    assertThat(spool.stats().count(SpoolState.ACTIVE)).isEqualTo(5);

    spool.close();
    clock.advance(Duration.ofSeconds(5));
    open(2);
    for (QueueId id : ids.subList(1, 6)) {
      SpoolEntry e = entry(id);
      assertThat(e.state()).isEqualTo(SpoolState.QUEUED);
      assertThat(e.attempts()).isZero();
      assertThat(e.due()).isEqualTo(now());
    }
    scheduler = scheduler(ScriptedSender.delivering(), RetryPolicy.defaults()).build().start();
    Await.until("the rest delivered", WAIT, () -> events.count(DeliveryEvent.Type.DELIVERED) == 6);
    assertThat(spool.stats().total()).isZero();
  }

  @Test
  void ownedBuckets_areTheOnlyOnesTaken() {
    open(2);
    List<QueueId> mine = new ArrayList<>();
    List<QueueId> theirs = new ArrayList<>();
    for (int i = 0; mine.size() < 5 || theirs.size() < 5; i++) {
      QueueId id = append("r" + i + "@example.net");
      (id.bucket(2) == 0 ? mine : theirs).add(id);
    }
    scheduler =
        scheduler(ScriptedSender.delivering(), RetryPolicy.defaults())
            .buckets(Set.of(0))
            .build()
            .start();
    Await.until(
        "bucket 0 delivered",
        WAIT,
        () -> events.count(DeliveryEvent.Type.DELIVERED) == mine.size());
    for (QueueId id : theirs) {
      assertThat(entry(id).state()).isEqualTo(SpoolState.QUEUED);
    }
    scheduler.wake(theirs.get(0)); // not owned: nothing happens
    assertThatThrownBy(
            () ->
                DeliveryScheduler.builder(spool, ScriptedSender.delivering())
                    .buckets(Set.of(2))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bucket 2");
  }
}
