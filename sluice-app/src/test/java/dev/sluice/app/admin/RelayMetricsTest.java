package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.QueueIdGenerator;
import dev.sluice.core.spool.Submission;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.CallResult;
import dev.sluice.ingress.Intake;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayMetricsTest {
  private static final long T0 = 1_790_000_000_000L;

  /** The engine's numbers as plain values: test input, read as the real adapter would. */
  private record Numbers(
      double shapedRate,
      double maxSendRate,
      Optional<QuotaReading> quota,
      boolean dailyPaused,
      int inFlight,
      double bookedAheadSeconds,
      long connectionsOpened)
      implements SenderView {}

  @TempDir Path dir;

  private final ManualClock clock = new ManualClock(T0);
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private RocksSpool spool;
  private RelayMetrics metrics;

  @BeforeEach
  void open() {
    spool =
        RocksSpool.open(RocksSpoolConfig.builder(dir.resolve("spool")).buckets(2).build(), clock);
    metrics = RelayMetrics.unsampled(registry, spool, clock);
  }

  @AfterEach
  void close() {
    metrics.close();
    spool.close();
  }

  private static Submission message(String to) {
    return new Submission(
        new Envelope("app@example.com", List.of(to)),
        "Subject: t\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII),
        Instant.ofEpochMilli(T0),
        "test");
  }

  @Test
  void accepted_countsWhatIngressMadeDurable() throws Exception {
    spool.append(message("a@example.net")).get();
    metrics.accepted(1);
    List<QueueId> two =
        spool.appendAll(List.of(message("b@example.net"), message("c@example.net"))).get();
    metrics.accepted(two.size());

    assertThat(metrics.status().totals().accepted()).isEqualTo(3);
    assertThat(spool.stats().total()).isEqualTo(3);
    assertThat(registry.scrape()).contains("sluice_relay_accepted_total 3.0");
  }

  @Test
  void spoolGauges_readTheSpoolOncePerSecond() throws Exception {
    QueueId a = spool.append(message("a@example.net")).get();
    spool.append(message("b@example.net")).get();
    spool.fail(a, "550 no", Instant.ofEpochMilli(T0)).get();
    clock.advance(Duration.ofSeconds(90));

    String text = registry.scrape();
    assertThat(text)
        .contains("sluice_spool_messages{state=\"queued\"} 1.0")
        .contains("sluice_spool_messages{state=\"failed\"} 1.0")
        .contains("sluice_spool_messages{state=\"active\"} 0.0")
        .contains("sluice_spool_oldest_age_seconds 90.0")
        .contains("sluice_spool_size_bytes ");

    spool.append(message("c@example.net")).get();
    assertThat(registry.scrape())
        .as("within the second, the earlier reading")
        .contains("sluice_spool_messages{state=\"queued\"} 1.0");
    clock.advance(Duration.ofSeconds(1));
    assertThat(registry.scrape()).contains("sluice_spool_messages{state=\"queued\"} 2.0");
  }

  @Test
  void start_bindsTheJvmAndProcessMetersToTheRegistry() {
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String before = own.scrape();
    RelayMetrics started = RelayMetrics.start(own, spool, clock);
    try {
      String text = own.scrape();
      assertThat(text)
          .contains(
              "jvm_info{",
              "jvm_memory_used_bytes{area=\"heap\"",
              "jvm_memory_max_bytes{",
              "jvm_buffer_count_buffers{",
              "jvm_gc_live_data_size_bytes ",
              "jvm_gc_memory_allocated_bytes_total ",
              "jvm_gc_overhead ",
              "jvm_threads_live_threads ",
              "jvm_threads_states_threads{state=\"runnable\"}",
              "jvm_classes_loaded_classes ",
              "jvm_compilation_time_ms_total",
              "process_cpu_usage ",
              "system_cpu_count ",
              "process_uptime_seconds ",
              "process_start_time_seconds ",
              "process_files_open_files ",
              "process_files_max_files ");
      assertThat(before).doesNotContain("jvm_").doesNotContain("process_");
    } finally {
      started.close();
    }
  }

  @Test
  void status_withoutAnEngine_isHolding() {
    DeliveryStatus s = metrics.status();

    assertThat(s.delivering()).isFalse();
    assertThat(s.upstream()).isEmpty();
    assertThat(s.shapedLimit()).isNaN();
    assertThat(s.history().sent().values()).hasSize(RelayMetrics.HISTORY_SECONDS);
    assertThat(registry.scrape()).contains("sluice_relay_quota_remaining NaN");
  }

  @Test
  void callsAndOutcomes_feedRatesThrottlesTotalsAndFailures() {
    metrics.deliveringTo(
        new Numbers(
            12.5,
            14,
            Optional.of(
                new QuotaReading(new AccountQuota(14, 200, 140), Instant.ofEpochMilli(T0), 10)),
            false,
            3,
            2.5,
            4),
        "the simulator");
    for (int second = 0; second < 10; second++) {
      metrics.onCall(new CallResult.Accepted("id" + second), 2, 40_000_000L);
      metrics.sample(clock.millis());
      clock.advance(Duration.ofSeconds(1));
    }
    metrics.onCall(
        new CallResult.Throttled(CallResult.ThrottleKind.RATE, "Maximum sending rate"), 1, 0);
    metrics.onCall(
        new CallResult.Throttled(CallResult.ThrottleKind.RATE, "Maximum sending rate"), 1, 0);
    metrics.outcome(
        new QueueId("M1"), Instant.ofEpochMilli(T0), new Outcome.Delivered(List.of("x"), 1));
    metrics.outcome(
        new QueueId("M2"),
        Instant.ofEpochMilli(T0),
        new Outcome.Deferred(Outcome.Scope.UPSTREAM, "503 unavailable", Duration.ZERO, List.of()));
    metrics.outcome(
        new QueueId("M3"), Instant.ofEpochMilli(T0), new Outcome.Failed("554 rejected", List.of()));

    DeliveryStatus s = metrics.status();
    assertThat(s.delivering()).isTrue();
    assertThat(s.upstream()).isEqualTo("the simulator");
    assertThat(s.sendRate()).isEqualTo(2.0);
    assertThat(s.shapedLimit()).isEqualTo(12.5);
    assertThat(s.maxSendRate()).isEqualTo(14);
    assertThat(s.inFlight()).isEqualTo(3);
    assertThat(s.bookedAheadSeconds()).isEqualTo(2.5);
    assertThat(s.connectionsOpened()).isEqualTo(4);
    assertThat(s.throttlesLastMinute()).isEqualTo(2);
    assertThat(s.totals()).isEqualTo(new DeliveryStatus.Totals(0, 1, 1, 1));
    assertThat(s.recentFailures())
        .extracting(f -> f.id().value() + " " + f.permanent() + " " + f.reason())
        .containsExactly("M3 true 554 rejected", "M2 false 503 unavailable");
    double[] limit = s.history().limit().values();
    assertThat(limit[limit.length - 2]).isEqualTo(12.5);
    assertThat(limit[limit.length - 1]).as("not sampled this second").isNaN();
    double[] sent = s.history().sent().values();
    assertThat(sent[sent.length - 2]).isEqualTo(2);

    clock.advance(Duration.ofSeconds(61));
    assertThat(metrics.status().throttlesLastMinute()).isZero();
    assertThat(registry.scrape())
        .contains("sluice_relay_quota_remaining 50.0")
        .contains("sluice_relay_quota_used 150.0")
        .contains("sluice_relay_quota_max 200.0")
        .contains("sluice_relay_recipients_sent_total 20.0")
        .contains("sluice_relay_delivered_total 1.0")
        .contains("sluice_relay_deferred_total 1.0")
        .contains("sluice_relay_failed_total 1.0")
        .contains("sluice_relay_delivery_latency_seconds_bucket")
        .contains("sluice_upstream_call_duration_seconds_count{result=\"accepted\"} 10")
        .contains("sluice_upstream_call_duration_seconds_count{result=\"throttled\"} 2");
  }

  @Test
  void intake_refusingOrAccepting_isOneOrZeroWhenScraped() {
    AtomicReference<Intake> intake = new AtomicReference<>(Intake.OPEN);
    metrics.intake(intake::get);
    assertThat(registry.scrape()).contains("sluice_intake_refusing 0.0");

    intake.set(
        new Intake(
            "refusing: free disk below the floor",
            "300MB free",
            Optional.of(Instant.ofEpochMilli(T0)),
            3));
    assertThat(registry.scrape()).contains("sluice_intake_refusing 1.0");
  }

  @Test
  void quota_unlimited_maxIsMinusOne() {
    metrics.deliveringTo(
        new Numbers(
            14,
            14,
            Optional.of(
                new QuotaReading(new AccountQuota(14, -5, 140), Instant.ofEpochMilli(T0), 10)),
            false,
            0,
            0,
            0),
        "the simulator");
    assertThat(registry.scrape())
        .contains("sluice_relay_quota_max -1.0")
        .contains("sluice_relay_quota_used 150.0")
        .contains("sluice_relay_quota_remaining -1.0");
  }

  @Test
  void remaining_countsTheSendsSinceTheRead_unlimitedOrSpentIsMinusOneOrZero() {
    Instant at = Instant.ofEpochMilli(T0);
    assertThat(new QuotaReading(new AccountQuota(14, 200, 150), at, 20).used()).isEqualTo(170);
    assertThat(new QuotaReading(new AccountQuota(14, 200, 150), at, 20).remaining()).isEqualTo(30);
    assertThat(new QuotaReading(new AccountQuota(14, -1, 500), at, 3).remaining()).isEqualTo(-1);
    assertThat(new QuotaReading(new AccountQuota(14, 200, 190), at, 20).remaining()).isZero();
  }

  @Test
  void delivered_byQueueId_timesFromTheMomentTheIdWasMade() {
    QueueId made = new QueueIdGenerator(7).next(T0 - 5_000);
    metrics.delivered(made);
    metrics.delivered(new QueueId("NOTGENERATED"));
    metrics.failed(new QueueId("M9"), "expired after 5 days");

    io.micrometer.core.instrument.Timer latency =
        registry.get("sluice.relay.delivery.latency").timer();
    assertThat(latency.count()).isEqualTo(1);
    assertThat(latency.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(5.0);
    assertThat(metrics.status().totals()).isEqualTo(new DeliveryStatus.Totals(0, 2, 0, 1));
  }

  @Test
  void routeSendRate_eachRoutesAcceptedRecipientsOverTenSeconds_andTheSumAtTheTop() {
    metrics.deliveringTo(new Numbers(10, 10, Optional.empty(), false, 0, 0, 0), "two routes");
    SenderConfigListeners l = new SenderConfigListeners(metrics);
    for (int s = 0; s < 10; s++) {
      l.eu.onCall(new CallResult.Accepted("m"), 3, 1_000);
      l.main.onCall(new CallResult.Accepted("m"), 1, 1_000);
      l.main.onCall(new CallResult.Throttled(CallResult.ThrottleKind.RATE, "slow down"), 5, 1_000);
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(metrics.routeSendRate("eu")).isEqualTo(3.0);
    assertThat(metrics.routeSendRate("default")).as("throttled calls send nothing").isEqualTo(1.0);
    assertThat(metrics.routeSendRate("none")).isZero();
    assertThat(metrics.status().sendRate()).isEqualTo(4.0);
  }

  /** The call listeners of two routes' engines. */
  private record SenderConfigListeners(
      dev.sluice.ses.SenderConfig.CallListener main, dev.sluice.ses.SenderConfig.CallListener eu) {
    SenderConfigListeners(RelayMetrics m) {
      this(m.onCallOf("default"), m.onCallOf("eu"));
    }
  }

  @Test
  void sample_classGrantedCounts_becomeEachClasssSendRate() {
    long[] granted = {0, 0};
    metrics.traffic(
        () ->
            new DeliveryStatus.Traffic(
                List.of(
                    new DeliveryStatus.ClassLine(
                        "transactional", 0.3, Double.NaN, 0, 1, 0, granted[0]),
                    new DeliveryStatus.ClassLine("bulk", 0.7, Double.NaN, 0, 1, 0, granted[1])),
                List.of()));
    metrics.deliveringTo(new Numbers(10, 10, Optional.empty(), false, 0, 0, 0), "x");
    metrics.sample(clock.millis());
    for (int s = 0; s < 10; s++) {
      clock.advance(Duration.ofSeconds(1));
      granted[0] += 2;
      granted[1] += 7;
      metrics.sample(clock.millis());
    }
    clock.advance(Duration.ofSeconds(1)); // the last sampled second complete

    assertThat(metrics.status().traffic().classes())
        .extracting(DeliveryStatus.ClassLine::name, DeliveryStatus.ClassLine::sendRate)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("transactional", 2.0),
            org.assertj.core.groups.Tuple.tuple("bulk", 7.0));
  }

  @Test
  void total_ofSeveralRoutes_sumsRatesAndQuotas_pausedOnlyWhenEveryRouteIs() {
    Instant older = Instant.ofEpochMilli(T0 - 60_000);
    SenderView a =
        new Numbers(
            90,
            100,
            Optional.of(new QuotaReading(new AccountQuota(100, 50_000, 1_000), older, 10)),
            true,
            3,
            2,
            4);
    SenderView b =
        new Numbers(
            300,
            300,
            Optional.of(
                new QuotaReading(
                    new AccountQuota(300, 200_000, 5_000), Instant.ofEpochMilli(T0), 20)),
            false,
            5,
            7,
            6);
    SenderView t = SenderView.total(List.of(a, b));

    assertThat(t.shapedRate()).isEqualTo(390);
    assertThat(t.maxSendRate()).isEqualTo(400);
    assertThat(t.inFlight()).isEqualTo(8);
    assertThat(t.connectionsOpened()).isEqualTo(10);
    assertThat(t.bookedAheadSeconds()).isEqualTo(7);
    assertThat(t.dailyPaused()).as("one route still has quota").isFalse();
    QuotaReading q = t.quota().orElseThrow();
    assertThat(q.account().max24HourSend()).isEqualTo(250_000);
    assertThat(q.used()).isEqualTo(6_030);
    assertThat(q.readAt()).as("as old as the oldest read").isEqualTo(older);

    SenderView unlimited = new Numbers(-1, -1, Optional.empty(), true, 0, 0, 0);
    SenderView u = SenderView.total(List.of(a, unlimited));
    assertThat(u.shapedRate()).isNegative();
    assertThat(u.quota()).as("not every route has read its quota").isEmpty();
    assertThat(u.dailyPaused()).isTrue();
    assertThat(SenderView.total(List.of(a))).isSameAs(a);
  }
}
