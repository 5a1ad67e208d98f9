package dev.sluice.app.admin;

import dev.sluice.core.Clock;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.QueueIdGenerator;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.transport.CallResult;
import dev.sluice.ingress.Intake;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own meters and the numbers behind the status page, fed by a few calls from the relay:
 * {@link #accepted} counts what ingress made durable, {@link #onCall} is the delivery engine's call
 * listener (recipients sent, throttles, call latency; {@link #onCallOf} the same for one route's
 * engine, which also counts that route's own send rate), {@link #outcome} is told what became of
 * each message, and {@link #deliveringTo} names the engine whose live numbers (shaped rate, quota,
 * in flight) are read. Each traffic class's send rate comes from its count of recipients given
 * their turn, sampled each second. {@link #status()} makes the {@link DeliveryStatus} the admin
 * server shows; {@link #view()} is a ready {@link RelayView}.
 *
 * <h2>Meters (Prometheus names)</h2>
 *
 * <pre>
 * sluice_relay_accepted_total                 messages made durable by ingress
 * sluice_relay_delivered_total                messages accepted upstream for every recipient
 * sluice_relay_deferred_total                 attempts that ended in a deferral
 * sluice_relay_failed_total                   messages failed for good
 * sluice_relay_delivery_latency_seconds       histogram: accepted to delivered
 * sluice_upstream_call_duration_seconds       histogram by result: one upstream call
 * sluice_spool_messages{state}                messages held by state
 * sluice_spool_size_bytes, _free_bytes        content held; space left on the spool's disk
 * sluice_spool_oldest_age_seconds             age of the oldest message held (0 when empty)
 * sluice_relay_recipients_sent_total          recipients accepted upstream (what SES counts)
 * sluice_relay_quota_remaining                recipients left in the 24-hour quota, counting the
 *                                             relay's sends since it was read (-1 unlimited)
 * sluice_relay_quota_used, _max               recipients used in the 24-hour quota the same way;
 *                                             the quota (-1 unlimited)
 * sluice_intake_refusing                      1 while the doors refuse new mail ({@link #intake})
 * sluice_relay_daily_paused                   1 while sending waits for the 24-hour quota
 * </pre>
 *
 * <p>{@link #start} also binds the JVM's and the process's meters ({@link JvmMetrics}: {@code
 * jvm_*}, {@code process_*}, {@code system_*}). The engine registers the rest on the same registry
 * when given it ({@code SesSender}): {@code sluice_sender_calls_total{result}} (throttled among
 * them), {@code sluice_sender_in_flight}, {@code sluice_sender_rate} (shaped), {@code
 * sluice_sender_rate_ceiling} and {@code sluice_sender_connections_opened}.
 *
 * <h2>Design note</h2>
 *
 * <p>Events are counted where they happen (appends, calls, outcomes) into fixed per-second windows
 * ({@link RateWindow}) of {@link #HISTORY_SECONDS} seconds; only the shaped rate is a level, so one
 * daemon thread samples it once a second for the chart. Spool gauges share one {@link
 * Spool#stats()} reading per second, so a scrape costs one read, not one per gauge. Rejected: a
 * sampler for everything (it would blur throttles and sends into the sampling period) and
 * Micrometer's own step meters for the chart (their windows are not exposed per second).
 *
 * <p>Thread-safe.
 */
public final class RelayMetrics implements AutoCloseable {
  /** Seconds of per-second history kept for the chart. */
  public static final int HISTORY_SECONDS = 600;

  /** Failures and deferrals kept for the status page. */
  public static final int RECENT_FAILURES = 50;

  private static final Logger log = LoggerFactory.getLogger(RelayMetrics.class);
  private static final long STATS_TTL_NANOS = 1_000_000_000L;

  private final Spool spool;
  private final Clock clock;
  private final RateWindow sent = RateWindow.counts(HISTORY_SECONDS);
  private final RateWindow throttles = RateWindow.counts(HISTORY_SECONDS);
  private final RateWindow limit = RateWindow.levels(HISTORY_SECONDS);
  private final RecentFailures failures = new RecentFailures(RECENT_FAILURES);
  private final Counter accepted;
  private final Counter delivered;
  private final Counter deferred;
  private final Counter failed;
  private final Counter recipientsSent;
  private final Timer deliveryLatency;
  private final MeterRegistry registry;
  private final Map<Result, Timer> calls = new EnumMap<>(Result.class);
  private final ScheduledExecutorService sampler;
  private final JvmMetrics jvm;
  private volatile SenderView sender;
  private volatile Supplier<List<RouteStatus>> routes = List::of;
  private volatile java.util.function.Supplier<DeliveryStatus.Traffic> traffic =
      () -> DeliveryStatus.Traffic.NONE;
  private volatile String upstream = "";
  // Each route's recipients accepted upstream, for its own send rate.
  private final Map<String, RateWindow> routeSent = new java.util.concurrent.ConcurrentHashMap<>();
  // Each class's recipients given their turn at the rate, from the counts sampled each second.
  private final Map<String, RateWindow> classGranted =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, Long> classGrantedBefore = new java.util.HashMap<>();
  private SpoolStats stats;
  private long statsAt;

  private enum Result {
    ACCEPTED,
    THROTTLED,
    TRANSIENT,
    PERMANENT
  }

  private RelayMetrics(MeterRegistry registry, Spool spool, Clock clock, boolean sample) {
    this.spool = Objects.requireNonNull(spool, "spool");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.registry = registry;
    accepted = counter(registry, "sluice.relay.accepted", "Messages made durable by ingress");
    delivered =
        counter(registry, "sluice.relay.delivered", "Messages accepted upstream for everyone");
    deferred = counter(registry, "sluice.relay.deferred", "Delivery attempts ended in a deferral");
    failed = counter(registry, "sluice.relay.failed", "Messages failed for good");
    recipientsSent =
        counter(
            registry,
            "sluice.relay.recipients.sent",
            "Recipients accepted upstream, as SES counts rate and quota");
    deliveryLatency =
        Timer.builder("sluice.relay.delivery.latency")
            .description("From acceptance to delivery upstream")
            .serviceLevelObjectives(
                ms(10),
                ms(50),
                ms(100),
                ms(250),
                ms(500),
                ms(1000),
                ms(2500),
                ms(5000),
                ms(10_000),
                ms(30_000),
                ms(60_000),
                ms(300_000),
                ms(900_000),
                ms(3_600_000),
                ms(21_600_000),
                ms(86_400_000))
            .register(registry);
    for (Result r : Result.values()) {
      calls.put(
          r,
          Timer.builder("sluice.upstream.call.duration")
              .description("One upstream call, by result")
              .tag("result", r.name().toLowerCase(Locale.ROOT))
              .serviceLevelObjectives(
                  ms(5),
                  ms(10),
                  ms(25),
                  ms(50),
                  ms(100),
                  ms(250),
                  ms(500),
                  ms(1000),
                  ms(2500),
                  ms(5000),
                  ms(10_000),
                  ms(30_000))
              .register(registry));
    }
    for (SpoolState s : SpoolState.values()) {
      spoolGauge(registry, "sluice.spool.messages", "Messages held, by state", st -> st.count(s))
          .tag("state", s.name().toLowerCase(Locale.ROOT))
          .register(registry);
    }
    spoolGauge(registry, "sluice.spool.size", "Content octets held", SpoolStats::bytes)
        .baseUnit("bytes")
        .register(registry);
    spoolGauge(
            registry,
            "sluice.spool.free",
            "Usable space left on the spool's disk",
            st -> st.freeBytes() < 0 ? Double.NaN : st.freeBytes())
        .baseUnit("bytes")
        .register(registry);
    spoolGauge(
            registry,
            "sluice.spool.oldest.age",
            "Age of the oldest message held; 0 when empty",
            st ->
                st.oldestReceived()
                    .map(t -> Math.max(0, clock.millis() - t.toEpochMilli()) / 1000.0)
                    .orElse(0.0))
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("sluice.relay.quota.remaining", this, m -> m.quotaRemaining())
        .strongReference(true)
        .description(
            "Recipients left in the rolling 24-hour quota: as last read, less the relay's sends"
                + " since; -1 unlimited")
        .register(registry);
    Gauge.builder("sluice.relay.quota.used", this, m -> m.quota(QuotaReading::used))
        .strongReference(true)
        .description(
            "Recipients used in the rolling 24-hour quota: as last read, plus the relay's sends"
                + " since")
        .register(registry);
    Gauge.builder(
            "sluice.relay.quota.max",
            this,
            m -> m.quota(q -> q.account().max24HourSend() < 0 ? -1 : q.account().max24HourSend()))
        .strongReference(true)
        .description("The rolling 24-hour quota, recipients; -1 unlimited")
        .register(registry);
    Gauge.builder(
            "sluice.relay.daily.paused",
            this,
            m -> m.sender != null && m.sender.dailyPaused() ? 1 : 0)
        .strongReference(true)
        .description("1 while sending waits for the 24-hour quota")
        .register(registry);
    if (sample) {
      sampler =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().daemon().name("sluice-metrics-sampler").unstarted(r));
      sampler.scheduleAtFixedRate(this::sampleNow, 0, 1, TimeUnit.SECONDS);
      jvm = JvmMetrics.bindTo(registry);
    } else {
      sampler = null;
      jvm = null;
    }
  }

  /**
   * Registers the relay's meters and the JVM's ({@link JvmMetrics}), and starts sampling the shaped
   * rate once a second.
   *
   * @param registry where the meters go (the one {@code /metrics} scrapes)
   * @param spool the relay's spool, for the queue gauges
   */
  public static RelayMetrics start(MeterRegistry registry, Spool spool, Clock clock) {
    return new RelayMetrics(registry, spool, clock, true);
  }

  /**
   * Without the sampling thread (nor the JVM's meters), for tests that call {@link #sample} on a
   * manual clock.
   */
  static RelayMetrics unsampled(MeterRegistry registry, Spool spool, Clock clock) {
    return new RelayMetrics(registry, spool, clock, false);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  private static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private Gauge.Builder<RelayMetrics> spoolGauge(
      MeterRegistry registry, String name, String description, ToDoubleFunction<SpoolStats> f) {
    return Gauge.builder(
            name,
            this,
            m -> {
              SpoolStats st = m.stats();
              return st == null ? Double.NaN : f.applyAsDouble(st);
            })
        .strongReference(true)
        .description(description);
  }

  /** One spool reading shared by every gauge for a second; null when the spool cannot answer. */
  private synchronized SpoolStats stats() {
    long now = clock.nanos();
    if (stats == null || now - statsAt >= STATS_TTL_NANOS) {
      try {
        stats = spool.stats();
        statsAt = now;
      } catch (RuntimeException e) {
        log.debug("spool stats unavailable", e);
        return null;
      }
    }
    return stats;
  }

  private double quotaRemaining() {
    return quota(QuotaReading::remaining);
  }

  /** A figure of the quota as last read; NaN before delivery starts or the first read. */
  private double quota(ToDoubleFunction<QuotaReading> f) {
    SenderView s = sender;
    if (s == null) {
      return Double.NaN;
    }
    return s.quota().map(q -> f.applyAsDouble(q)).orElse(Double.NaN);
  }

  /**
   * Publishes whether the doors refuse new mail: the gauge {@code sluice_intake_refusing} is 1
   * while {@code intake} says they do (the reason is on {@code /health} and the status page), read
   * when scraped.
   */
  public void intake(Supplier<Intake> intake) {
    Objects.requireNonNull(intake, "intake");
    Gauge.builder("sluice.intake.refusing", intake, i -> i.get().accepting() ? 0 : 1)
        .strongReference(true)
        .description("1 while the doors refuse new mail (disk, free-disk floor, queue full)")
        .register(registry);
  }

  /** Counts messages made durable by ingress (the relay's accept listener calls it). */
  public void accepted(int messages) {
    accepted.increment(messages);
  }

  /** Where {@link #status()} reads the traffic classes and tenants from (default: none). */
  public void traffic(java.util.function.Supplier<DeliveryStatus.Traffic> reading) {
    this.traffic = Objects.requireNonNull(reading, "reading");
  }

  /**
   * Names the delivery engine whose live numbers {@link #status()} and the gauges read, and the
   * upstream in words; call once delivery has started.
   */
  public void deliveringTo(SenderView engine, String upstreamDescription) {
    this.upstream = Objects.requireNonNull(upstreamDescription, "upstreamDescription");
    this.sender = Objects.requireNonNull(engine, "engine");
  }

  /** Names what {@link #status()} reads each route's state from, when routes are configured. */
  public void routes(Supplier<List<RouteStatus>> routes) {
    this.routes = Objects.requireNonNull(routes, "routes");
  }

  /**
   * One upstream call and its answer: the delivery engine's call listener ({@code
   * SenderConfig.builder().listener(metrics::onCall)}). Accepted calls count their recipients as
   * sent; throttles are counted in the second they happen.
   */
  public void onCall(CallResult attempt, int recipients, long nanos) {
    long now = clock.millis();
    Result r =
        switch (attempt) {
          case CallResult.Accepted a -> {
            sent.add(now, recipients);
            recipientsSent.increment(recipients);
            yield Result.ACCEPTED;
          }
          case CallResult.Throttled t -> {
            throttles.add(now, 1);
            yield Result.THROTTLED;
          }
          case CallResult.Transient t -> Result.TRANSIENT;
          case CallResult.Permanent p -> Result.PERMANENT;
        };
    calls.get(r).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * The call listener of one route's engine: {@link #onCall}, and the route's own send rate for
   * {@link #routeSendRate}.
   */
  public dev.sluice.ses.SenderConfig.CallListener onCallOf(String route) {
    RateWindow w = routeSent.computeIfAbsent(route, r -> RateWindow.counts(60));
    return (attempt, recipients, nanos) -> {
      if (attempt instanceof CallResult.Accepted) {
        w.add(clock.millis(), recipients);
      }
      onCall(attempt, recipients, nanos);
    };
  }

  /**
   * Recipients a route had accepted upstream per second over the last {@link
   * DeliveryStatus#RATE_SECONDS} seconds; 0 for a route whose engine has no {@link #onCallOf}.
   */
  public double routeSendRate(String route) {
    RateWindow w = routeSent.get(route);
    return w == null ? 0 : w.perSecond(clock.millis(), DeliveryStatus.RATE_SECONDS);
  }

  /**
   * What became of one message after an attempt; the relay calls it when it records the outcome in
   * the spool. The same as {@link #delivered}, {@link #deferred} or {@link #failed}.
   *
   * @param id the message
   * @param received when it was accepted (its spool entry's {@code received})
   */
  public void outcome(QueueId id, Instant received, Outcome outcome) {
    switch (outcome) {
      case Outcome.Delivered d -> delivered(id, received);
      case Outcome.Deferred d -> deferred(id, d.reason());
      case Outcome.Failed f -> failed(id, f.reason());
    }
  }

  /**
   * A message delivered to every recipient. Its latency is measured from its queue id's time (a
   * spool's ids carry the moment they were made, on acceptance).
   */
  public void delivered(QueueId id) {
    long made;
    try {
      made = QueueIdGenerator.millisOf(id);
    } catch (IllegalArgumentException e) {
      delivered.increment(); // not an id the spool made: counted, not timed
      return;
    }
    delivered(id, Instant.ofEpochMilli(made));
  }

  private void delivered(QueueId id, Instant received) {
    delivered.increment();
    deliveryLatency.record(
        Duration.ofMillis(Math.max(0, clock.millis() - received.toEpochMilli())));
  }

  /** A delivery attempt that ended in a deferral, with the upstream's words. */
  public void deferred(QueueId id, String reason) {
    deferred.increment();
    failures.add(
        new RecentFailures.Failure(id, Instant.ofEpochMilli(clock.millis()), false, reason));
  }

  /** A message given up on (refused for good, or expired), with the reason. */
  public void failed(QueueId id, String reason) {
    failed.increment();
    failures.add(
        new RecentFailures.Failure(id, Instant.ofEpochMilli(clock.millis()), true, reason));
  }

  private void sampleNow() {
    try {
      sample(clock.millis());
    } catch (RuntimeException e) {
      log.warn("sampling the shaped rate failed", e); // keep the schedule alive
    }
  }

  /**
   * Samples the shaped rate into the chart's history for the second of {@code nowMillis}, and what
   * each traffic class was given since the last sample into its rate.
   */
  void sample(long nowMillis) {
    SenderView s = sender;
    if (s != null) {
      limit.set(nowMillis, s.shapedRate());
    }
    List<DeliveryStatus.ClassLine> classes = traffic.get().classes();
    synchronized (classGrantedBefore) {
      for (DeliveryStatus.ClassLine c : classes) {
        // The counts start at zero with delivery, which the sampler sees within a second.
        long before = classGrantedBefore.getOrDefault(c.name(), 0L);
        classGrantedBefore.put(c.name(), c.grantedRecipients());
        RateWindow w = classGranted.computeIfAbsent(c.name(), n -> RateWindow.counts(60));
        if (c.grantedRecipients() > before) {
          w.add(nowMillis, c.grantedRecipients() - before);
        }
      }
    }
  }

  /** The traffic classes with each one's send rate, and the tenants, at {@code nowMillis}. */
  private DeliveryStatus.Traffic traffic(long nowMillis) {
    DeliveryStatus.Traffic t = traffic.get();
    List<DeliveryStatus.ClassLine> classes = new java.util.ArrayList<>();
    for (DeliveryStatus.ClassLine c : t.classes()) {
      RateWindow w = classGranted.get(c.name());
      classes.add(
          c.withSendRate(
              w == null ? Double.NaN : w.perSecond(nowMillis, DeliveryStatus.RATE_SECONDS)));
    }
    return new DeliveryStatus.Traffic(classes, t.tenants());
  }

  /** Delivery as it stands now. */
  public DeliveryStatus status() {
    long now = clock.millis();
    DeliveryStatus.Totals totals =
        new DeliveryStatus.Totals(
            (long) accepted.count(),
            (long) delivered.count(),
            (long) deferred.count(),
            (long) failed.count());
    DeliveryStatus.History history =
        new DeliveryStatus.History(sent.series(now), limit.series(now), throttles.series(now));
    SenderView s = sender;
    if (s == null) {
      return DeliveryStatus.holding(totals, history);
    }
    return new DeliveryStatus(
        upstream,
        true,
        sent.perSecond(now, DeliveryStatus.RATE_SECONDS),
        s.shapedRate(),
        s.maxSendRate(),
        s.quota(),
        s.dailyPaused(),
        s.inFlight(),
        s.bookedAheadSeconds(),
        s.connectionsOpened(),
        (long) throttles.sum(now, 60),
        totals,
        failures.newestFirst(),
        history,
        routes.get(),
        traffic(now));
  }

  /** A {@link RelayView} of the spool given at start and {@link #status()}. */
  public RelayView view() {
    return RelayView.of(spool, this::status);
  }

  /**
   * Stops the sampling thread and the JVM's GC listeners; the meters stay registered. Idempotent.
   */
  @Override
  public void close() {
    if (sampler != null) {
      sampler.shutdownNow();
    }
    if (jvm != null) {
      jvm.close();
    }
  }
}
