package dev.sluice.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.ses.SenderConfig;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import dev.sluice.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler end to end: the real spool, the real sender over the SES v2 API through the AWS
 * SDK, and the simulator, whose record of what it received is checked against the delivery log.
 */
class DeliverySchedulerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  // Generous: the machine may be busy; a healthy run takes a few seconds.
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final String FROM = "app@example.com";

  /** Fast retries for tests: 10 ms to 100 ms, full jitter, no floor. */
  private static final RetryPolicy FAST =
      RetryPolicy.builder().delays("10ms,20ms,50ms,100ms").minDelay(Duration.ZERO).build();

  /** One call per try: every transient error comes back to the scheduler as a deferral. */
  private static final SenderConfig ONE_TRY =
      SenderConfig.builder()
          .maxInFlight(16)
          .retries(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMinutes(1))
          .build();

  @TempDir Path dir;

  private static List<String> one(int i) {
    return List.of("r" + i + "@example.net");
  }

  private static Map<String, ReceivedMessage> inbox(DeliveryRig rig) {
    return rig.sim.core().inbox().recent(10_000, m -> true).stream()
        .collect(Collectors.toMap(ReceivedMessage::messageId, Function.identity()));
  }

  @Test
  void everyAppendedMessage_isDelivered_onceEach_andTracedToItsSesMessageId() throws Exception {
    try (DeliveryRig rig =
        new DeliveryRig(dir, "max-send-rate=unlimited", "max-24h-send=unlimited", "latency=5ms")) {
      rig.start(SenderConfig.builder().maxInFlight(32).build(), RetryPolicy.defaults(), 128);
      List<QueueId> ids = rig.append(500, FROM, DeliverySchedulerIT::one);

      Await.until(
          "500 deliveries", WAIT, () -> rig.events.count(DeliveryEvent.Type.DELIVERED) == 500);
      assertThat(rig.spool.stats().total()).isZero();
      assertThat(rig.events.all()).hasSize(500);
      JsonNode counters = JSON.readTree(rig.inspect("/_sluice/counters"));
      assertThat(counters.get("messages").asLong()).isEqualTo(500);

      Map<String, ReceivedMessage> received = inbox(rig);
      Set<String> upstream = new HashSet<>();
      for (int i = 0; i < ids.size(); i++) {
        List<DeliveryEvent> es = rig.events.forId(ids.get(i).value());
        assertThat(es).hasSize(1);
        DeliveryEvent e = es.get(0);
        assertThat(e.upstreamIds()).hasSize(1);
        ReceivedMessage m = received.get(e.upstreamIds().get(0));
        assertThat(m).as("the simulator received %s", e.upstreamIds()).isNotNull();
        assertThat(m.recipients()).isEqualTo(one(i));
        assertThat(m.subject()).isEqualTo("msg-" + i);
        upstream.add(e.upstreamIds().get(0));
      }
      assertThat(upstream).hasSize(500);

      // The JSON-lines log says the same, line by line.
      rig.stopDelivery(Duration.ofSeconds(5));
      List<String> lines = Files.readAllLines(rig.eventFile);
      assertThat(lines).hasSize(500);
      Set<String> logged = new HashSet<>();
      for (String line : lines) {
        JsonNode n = JSON.readTree(line);
        assertThat(n.get("type").asText()).isEqualTo("delivered");
        assertThat(upstream).contains(n.get("upstreamIds").get(0).asText());
        logged.add(n.get("queueId").asText());
      }
      assertThat(logged).isEqualTo(ids.stream().map(QueueId::value).collect(Collectors.toSet()));
    }
  }

  @Test
  void injectedServerErrors_areRetriedByThePolicy_untilEveryMessageIsDelivered() throws Exception {
    try (DeliveryRig rig = new DeliveryRig(dir, "max-send-rate=unlimited", "fault-rate=0.3")) {
      // No safety net: a retry due sooner than a worker's wait must wake it.
      rig.wakeInterval = Duration.ofHours(1);
      rig.start(ONE_TRY, FAST, 64);
      List<QueueId> ids = rig.append(200, FROM, DeliverySchedulerIT::one);

      Await.until(
          "200 deliveries", WAIT, () -> rig.events.count(DeliveryEvent.Type.DELIVERED) == 200);
      assertThat(rig.spool.stats().total()).isZero();
      List<DeliveryEvent> deferred = rig.events.of(DeliveryEvent.Type.DEFERRED);
      assertThat(deferred).isNotEmpty();
      assertThat(deferred).allSatisfy(e -> assertThat(e.reason()).isNotEmpty());
      assertThat(rig.events.count(DeliveryEvent.Type.FAILED)).isZero();
      // Each deferral counted an attempt: the delivery's attempt is one more than its deferrals.
      for (QueueId id : ids) {
        List<DeliveryEvent> es = rig.events.forId(id.value());
        DeliveryEvent last = es.get(es.size() - 1);
        assertThat(last.type()).isEqualTo(DeliveryEvent.Type.DELIVERED);
        assertThat(last.attempts()).isEqualTo(es.size());
      }
      // Faults are injected before the simulator accepts: each message arrived exactly once.
      assertThat(rig.sim.core().inbox().total()).isEqualTo(200);
    }
  }

  @Test
  void permanentRefusals_failTheMessage_keptInTheSpoolWithTheReason() throws Exception {
    try (DeliveryRig rig =
        new DeliveryRig(
            dir, "sandbox=true", "verified-identities=example.com", "max-send-rate=unlimited")) {
      rig.start(SenderConfig.defaults(), FAST, 32);
      List<QueueId> good = rig.append(3, FROM, i -> List.of("ok" + i + "@example.com"));
      List<QueueId> bad = rig.append(3, FROM, i -> List.of("someone" + i + "@unverified.test"));
      List<String> many = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        many.add(i == 55 ? "stranger@unverified.test" : "r" + i + "@example.com");
      }
      QueueId partly = rig.append(1, FROM, i -> many).get(0);

      Await.until("4 failures", WAIT, () -> rig.events.count(DeliveryEvent.Type.FAILED) == 4);
      Await.until("3 deliveries", WAIT, () -> rig.events.count(DeliveryEvent.Type.DELIVERED) == 3);
      for (QueueId id : bad) {
        SpoolEntry e = rig.spool.find(id).orElseThrow();
        assertThat(e.state()).isEqualTo(SpoolState.FAILED);
        assertThat(e.attempts()).isEqualTo(1);
        assertThat(e.lastError()).contains("Email address is not verified").contains("unverified");
        DeliveryEvent ev = rig.events.forId(id.value()).get(0);
        assertThat(ev.type()).isEqualTo(DeliveryEvent.Type.FAILED);
        assertThat(ev.reason()).isEqualTo(e.lastError());
      }
      for (QueueId id : good) {
        assertThat(rig.spool.find(id)).isEmpty();
      }
      // The first 50 recipients got it in the first call; of the other 10 SES named the stranger
      // when it refused them, so they got it in one more call: the failed entry keeps only them.
      SpoolEntry p = rig.spool.find(partly).orElseThrow();
      assertThat(p.state()).isEqualTo(SpoolState.FAILED);
      assertThat(p.envelope().recipients()).containsExactly("stranger@unverified.test");
      assertThat(p.lastError()).contains("stranger@unverified.test");
      DeliveryEvent pe = rig.events.forId(partly.value()).get(0);
      assertThat(pe.delivered())
          .isEqualTo(many.stream().filter(r -> !r.startsWith("stranger")).toList());
      assertThat(rig.spool.list(SpoolFilter.states(SpoolState.FAILED), null, 10)).hasSize(4);
    }
  }

  @Test
  void anUpstreamThatNeverRecovers_expiresTheMessages() throws Exception {
    try (DeliveryRig rig = new DeliveryRig(dir, "max-send-rate=unlimited", "fault-rate=1")) {
      RetryPolicy expiring =
          RetryPolicy.builder()
              .delays("20ms")
              .minDelay(Duration.ZERO)
              .expiry(Duration.ofMillis(300))
              .build();
      rig.wakeInterval = Duration.ofHours(1);
      rig.start(ONE_TRY, expiring, 16);
      List<QueueId> ids = rig.append(3, FROM, DeliverySchedulerIT::one);

      Await.until("3 expiries", WAIT, () -> rig.events.count(DeliveryEvent.Type.EXPIRED) == 3);
      assertThat(rig.events.of(DeliveryEvent.Type.DEFERRED)).isNotEmpty();
      for (QueueId id : ids) {
        SpoolEntry e = rig.spool.find(id).orElseThrow();
        assertThat(e.state()).isEqualTo(SpoolState.FAILED);
        assertThat(e.lastError()).startsWith("expired after 300ms: ");
      }
      assertThat(rig.events.count(DeliveryEvent.Type.DELIVERED)).isZero();
      assertThat(rig.sim.core().inbox().total()).isZero();
    }
  }

  @Test
  void throttlingByTheAccount_isAbsorbed_andNothingFails() throws Exception {
    try (DeliveryRig rig = new DeliveryRig(dir, "max-send-rate=50/s")) {
      // Shaped by hand to twice the account's rate, so the simulator throttles.
      SenderConfig tooFast = SenderConfig.builder().maxInFlight(16).rateOverride(100).build();
      rig.start(tooFast, FAST, 64);
      rig.append(200, FROM, DeliverySchedulerIT::one);

      Await.until(
          "200 deliveries", WAIT, () -> rig.events.count(DeliveryEvent.Type.DELIVERED) == 200);
      assertThat(rig.sender.throttles()).isPositive();
      assertThat(rig.events.count(DeliveryEvent.Type.FAILED)).isZero();
      assertThat(rig.spool.stats().total()).isZero();
      assertThat(rig.sim.core().inbox().total()).isEqualTo(200);
    }
  }

  @Test
  void aSplitMessageDeferredHalfway_isRetriedToTheRemainingRecipientsOnly() throws Exception {
    try (DeliveryRig rig = new DeliveryRig(dir, "max-send-rate=unlimited", "max-24h-send=50")) {
      SenderConfig c = SenderConfig.builder().quotaRefresh(Duration.ofMillis(200)).build();
      rig.start(c, FAST, 16);
      List<String> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        all.add("r" + i + "@example.net");
      }
      QueueId id = rig.append(1, FROM, i -> all).get(0);

      // The first 50 use up the daily quota; the rest wait for it, narrowed.
      Await.until("the deferral", WAIT, () -> rig.events.count(DeliveryEvent.Type.DEFERRED) >= 1);
      DeliveryEvent d = rig.events.of(DeliveryEvent.Type.DEFERRED).get(0);
      assertThat(d.delivered()).isEqualTo(all.subList(0, 50));
      assertThat(d.recipients()).isEqualTo(all.subList(50, 100));
      assertThat(d.attempts()).isZero(); // the account's quota, not the message
      assertThat(d.reason()).contains("Daily message quota exceeded");
      SpoolEntry waiting = rig.spool.find(id).orElseThrow();
      assertThat(waiting.envelope().recipients()).isEqualTo(all.subList(50, 100));

      rig.setQuota("max-24h-send=1000");
      Await.until("the delivery", WAIT, () -> rig.events.count(DeliveryEvent.Type.DELIVERED) == 1);
      assertThat(rig.spool.find(id)).isEmpty();
      List<ReceivedMessage> got = rig.sim.core().inbox().recent(10, m -> true);
      assertThat(got).hasSize(2);
      List<String> everyone = new ArrayList<>();
      got.forEach(m -> everyone.addAll(m.recipients()));
      assertThat(everyone).hasSize(100).containsExactlyInAnyOrderElementsOf(all);
      assertThat(rig.events.of(DeliveryEvent.Type.DELIVERED).get(0).recipients())
          .isEqualTo(all.subList(50, 100));
    }
  }

  @Test
  void stopWhileMessagesAreInFlight_losesNothing_theyAreDueAgainAfterReopen() throws Exception {
    try (DeliveryRig rig = new DeliveryRig(dir, "max-send-rate=unlimited", "latency=300ms")) {
      rig.start(SenderConfig.builder().maxInFlight(16).build(), FAST, 32);
      List<QueueId> ids = rig.append(100, FROM, DeliverySchedulerIT::one);
      Await.until(
          "some deliveries", WAIT, () -> rig.events.count(DeliveryEvent.Type.DELIVERED) >= 10);

      rig.stopDelivery(Duration.ofMillis(50));
      rig.spool.close();
      Set<String> delivered = deliveredIds(rig);

      // Reopened: every message not delivered is there, and due now (ACTIVE ones included).
      rig.spool = RocksSpool.open(RocksSpoolConfig.builder(rig.spoolDir).buckets(4).build());
      List<SpoolEntry> left = rig.spool.list(SpoolFilter.ALL, null, 1000);
      Set<String> leftIds = left.stream().map(e -> e.id().value()).collect(Collectors.toSet());
      for (QueueId id : ids) {
        assertThat(delivered.contains(id.value()) || leftIds.contains(id.value()))
            .as("%s is delivered or still spooled", id)
            .isTrue();
      }
      assertThat(left).allSatisfy(e -> assertThat(e.state()).isIn(SpoolState.QUEUED));
      assertThat(left).isNotEmpty();

      rig.start(SenderConfig.builder().maxInFlight(16).build(), FAST, 32);
      rig.scheduler.wake();
      Await.until("the rest", WAIT, () -> rig.spool.stats().total() == 0);
      Set<String> subjects = new HashSet<>();
      rig.sim.core().inbox().recent(10_000, m -> true).forEach(m -> subjects.add(m.subject()));
      for (int i = 0; i < 100; i++) {
        assertThat(subjects).contains("msg-" + i);
      }
      // At least once: only what was in flight at the stop may have gone twice.
      assertThat(rig.sim.core().inbox().total()).isBetween(100L, 100L + 32);
    }
  }

  private static Set<String> deliveredIds(DeliveryRig rig) {
    return rig.events.of(DeliveryEvent.Type.DELIVERED).stream()
        .map(e -> e.queueId().value())
        .collect(Collectors.toSet());
  }
}
