package dev.sluice.ses;

import dev.sluice.core.Clock;
import dev.sluice.core.Durations;
import dev.sluice.core.Envelope;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.shape.AimdRate;
import dev.sluice.core.shape.TokenBucket;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.Attempt;
import dev.sluice.core.transport.MessageSender;
import dev.sluice.core.transport.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: sends messages through one {@link Transport} as fast as the account allows,
 * from any number of threads, and says what became of each.
 *
 * <p>Design: each message runs on its own virtual thread, so the code stays blocking and readable
 * while thousands wait on the network; a semaphore bounds calls in flight and a second bounds
 * unfinished messages (so {@code send} pushes back instead of queueing without limit). Before each
 * call the message reserves one token per recipient from a {@link TokenBucket} refilled at the
 * current rate, and sleeps until its reservation is due — shaping costs a timer, not a polling
 * loop. The rate follows the account's MaxSendRate, read at start and every {@code quotaRefresh},
 * through an {@link AimdRate}: a throttle cuts it at once and it recovers additively, so a rate set
 * too high by hand, or shared with other senders, converges instead of hammering. A rate throttle
 * is retried (it never uses up an attempt); the daily quota pauses all sending until a refresh
 * shows the rolling window has room again. Transient failures back off with full jitter, bounded in
 * attempts and time. More than {@code maxRecipients} recipients become several calls, each charged
 * its own recipients; if a later call fails, the outcome lists who already got the message, so
 * nobody receives it twice. The SDK's own retries are off (see {@link SesErrors}).
 *
 * <p><b>Sharing one account.</b> When several senders (relay nodes) send for one account, each is
 * given its {@linkplain #setShare share}: its ceiling is the account's rate (or the rate set by
 * hand) times the share, and it counts its own sends against the same share of what the daily quota
 * has left, so the nodes together keep to the account's limits without talking to each other.
 * Throttles still cut and recover each node's own rate.
 *
 * <p>Thread-safe.
 */
public final class SesSender implements MessageSender, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SesSender.class);
  private static final String SIMULATOR_DOMAIN = "@simulator.amazonses.com";
  // The longest one sleep for tokens; a longer wait is looked at again after this.
  private static final long RECHECK_NANOS = 1_000_000_000L;
  // The least rate a share of zero leaves (recipients per second).
  private static final double MIN_SHARED_RATE = 0.1;

  private final Transport transport;
  private final SenderConfig config;
  private final Clock clock;
  private final TokenBucket bucket;
  private final AimdRate aimd;
  private final Semaphore inFlight;
  private final Semaphore pending;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicInteger inFlightCount = new AtomicInteger();
  private final AtomicLong sentSinceRefresh = new AtomicLong();
  private volatile AccountQuota quota;
  // The ceiling before the share is applied: MaxSendRate, the rate set by hand, or -1 (unlimited).
  private volatile double baseCeiling;
  private volatile double share = 1.0;
  // The rate set by hand (NaN: follow the account's MaxSendRate; negative: unlimited).
  private volatile double rateOverride;
  private volatile boolean dailyPaused;
  // False while the rate is unlimited, so unshaped sending skips the bucket's lock entirely.
  private volatile boolean shaped;
  private volatile boolean closed;
  private volatile boolean draining;
  private final Thread refresher;
  private final Counter accepted;
  private final Counter throttled;
  private final Counter transientFailures;
  private final Counter permanentFailures;
  private final Counter shaperDeferrals;

  private SesSender(Transport transport, SenderConfig config, Clock clock, MeterRegistry registry) {
    this.transport = transport;
    this.config = config;
    this.clock = clock;
    this.inFlight = new Semaphore(config.maxInFlight(), true);
    this.pending = new Semaphore(config.maxPending(), true);
    this.rateOverride = config.rateOverride();
    double initial = Double.isNaN(rateOverride) ? -1 : rateOverride;
    this.baseCeiling = initial;
    this.aimd =
        new AimdRate(
            initial,
            config.cutFactor(),
            config.increasePerSecondFraction(),
            config.cutSpacing().toNanos(),
            0.1,
            clock);
    this.bucket = new TokenBucket(initial, config.burst().toNanos() / 1e9, clock);
    this.shaped = initial >= 0;
    this.accepted = call(registry, "accepted");
    this.throttled = call(registry, "throttled");
    this.transientFailures = call(registry, "transient");
    this.permanentFailures = call(registry, "permanent");
    this.shaperDeferrals =
        Counter.builder("sluice.sender.shaper.deferrals")
            .description(
                "Messages sent back to the spool because the send rate was booked too far ahead")
            .register(registry);
    Gauge.builder("sluice.sender.shaper.ahead", this, s -> s.bucket.debtSeconds())
        .description("Seconds of sends the shaper has promised ahead of now")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("sluice.sender.in.flight", inFlightCount, AtomicInteger::get)
        .description("Upstream calls in flight")
        .register(registry);
    Gauge.builder("sluice.sender.rate", this, SesSender::currentRate)
        .description("The shaped rate in recipients per second (negative: unlimited)")
        .register(registry);
    Gauge.builder("sluice.sender.rate.ceiling", this, s -> s.aimd.ceiling())
        .description("MaxSendRate, or the rate set by hand")
        .register(registry);
    Gauge.builder("sluice.sender.connections.opened", transport, Transport::connectionsOpened)
        .description("Connections opened to the upstream")
        .register(registry);
    this.refresher = Thread.ofVirtual().name("sluice-quota-refresh").unstarted(this::refreshLoop);
  }

  private static Counter call(MeterRegistry r, String result) {
    return Counter.builder("sluice.sender.calls")
        .tag("result", result)
        .description("Upstream calls by result")
        .register(r);
  }

  /**
   * Starts a sender: reads the account's limits once (so the first messages are already shaped),
   * then keeps them fresh in the background. The sender owns the transport and closes it.
   */
  public static SesSender start(
      Transport transport, SenderConfig config, Clock clock, MeterRegistry registry) {
    SesSender s = new SesSender(transport, config, clock, registry);
    s.refreshQuota();
    s.refresher.start();
    return s;
  }

  /**
   * Sends one message; the future completes with its outcome and never exceptionally. Blocks the
   * caller while {@code maxPending} messages are unfinished.
   */
  @Override
  public CompletableFuture<Outcome> send(OutboundMessage message) {
    if (closed) {
      return CompletableFuture.completedFuture(stopped("sender is closed"));
    }
    pending.acquireUninterruptibly();
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    try {
      threads.execute(
          () -> {
            try {
              f.complete(deliver(message));
            } catch (RuntimeException | Error e) {
              LOG.error("unexpected failure delivering {}", message.id(), e);
              f.complete(
                  new Outcome.Deferred(
                      Outcome.Scope.MESSAGE,
                      "internal error: " + e,
                      Duration.ofMinutes(1),
                      List.of()));
            } finally {
              pending.release();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      pending.release();
      f.complete(stopped("sender is closed"));
    }
    return f;
  }

  /**
   * Sends one message on the calling thread and returns its outcome; for callers that already run
   * on their own (virtual) threads. Calls in flight are bounded as for {@link #send}.
   */
  public Outcome sendNow(OutboundMessage message) {
    if (closed) {
      return stopped("sender is closed");
    }
    return deliver(message);
  }

  private Outcome deliver(OutboundMessage m) {
    if (m.content().length > transport.maxMessageSize()) {
      return new Outcome.Failed(
          "message is "
              + m.content().length
              + " bytes, over the "
              + transport.name()
              + " limit of "
              + transport.maxMessageSize(),
          List.of());
    }
    long deadline = clock.nanos() + config.maxTime().toNanos();
    List<String> ids = new ArrayList<>();
    List<String> delivered = new ArrayList<>();
    Refusals refused = new Refusals();
    int[] attempts = {0};
    ArrayDeque<Envelope> work = new ArrayDeque<>(m.envelope().split(transport.maxRecipients()));
    while (!work.isEmpty()) {
      Envelope chunk = work.poll();
      Outcome o = deliverChunk(chunk, m.content(), deadline, attempts);
      switch (o) {
        case Outcome.Delivered d -> {
          ids.addAll(d.upstreamIds());
          delivered.addAll(chunk.recipients());
        }
        case Outcome.Deferred d -> {
          return new Outcome.Deferred(d.scope(), d.reason(), d.retryAfter(), delivered);
        }
        case Outcome.Failed f -> {
          List<Envelope> narrower = refused.isolate(chunk, f.reason());
          for (int i = narrower.size() - 1; i >= 0; i--) {
            work.addFirst(narrower.get(i));
          }
        }
      }
    }
    return refused.none()
        ? new Outcome.Delivered(ids, attempts[0])
        : new Outcome.Failed(refused.reason(), delivered);
  }

  private Outcome deliverChunk(Envelope chunk, byte[] content, long deadline, int[] attempts) {
    int n = chunk.recipients().size();
    int failures = 0;
    while (true) {
      if (dailyPaused) {
        return dailyDeferral("Daily message quota exceeded.");
      }
      if (closed) {
        return stopped("sender is closing");
      }
      Attempt a;
      inFlight.acquireUninterruptibly();
      try {
        if (shaped) {
          Outcome.Deferred notNow = awaitTokens(n);
          if (notNow != null) {
            return notNow;
          }
        }
        inFlightCount.incrementAndGet();
        long t0 = System.nanoTime();
        try {
          a = transport.send(chunk, content);
        } finally {
          inFlightCount.decrementAndGet();
        }
        attempts[0]++;
        if (config.listener() != null) {
          config.listener().onCall(a, n, System.nanoTime() - t0);
        }
      } finally {
        inFlight.release();
      }
      switch (a) {
        case Attempt.Accepted ok -> {
          accepted.increment();
          sentSinceRefresh.addAndGet(dailyCount(chunk));
          checkDaily();
          return new Outcome.Delivered(List.of(ok.upstreamId()), 1);
        }
        case Attempt.Throttled t when t.kind() == Attempt.ThrottleKind.DAILY -> {
          throttled.increment();
          dailyPaused = true;
          LOG.warn("daily sending quota spent; pausing until the rolling window has room");
          return dailyDeferral(t.text());
        }
        case Attempt.Throttled t -> {
          throttled.increment();
          if (aimd.onThrottle()) {
            LOG.info(
                "throttled ({}); rate cut to {}/s",
                t.text(),
                String.format(Locale.ROOT, "%.1f", aimd.current()));
          }
          if (clock.nanos() > deadline) {
            return new Outcome.Deferred(
                Outcome.Scope.ACCOUNT, t.text(), Duration.ofSeconds(1), List.of());
          }
        }
        case Attempt.Transient t -> {
          transientFailures.increment();
          failures++;
          long backoff = backoffNanos(failures);
          if (failures >= config.maxAttempts() || clock.nanos() + backoff > deadline) {
            return new Outcome.Deferred(
                Outcome.Scope.UPSTREAM, t.text(), Duration.ofNanos(backoff), List.of());
          }
          sleep(backoff);
        }
        case Attempt.Permanent p -> {
          permanentFailures.increment();
          return p.accountWide()
              ? new Outcome.Deferred(
                  Outcome.Scope.ACCOUNT, p.text(), config.accountRetry(), List.of())
              : new Outcome.Failed(p.text(), List.of());
        }
      }
    }
  }

  /**
   * The outcome of a message the sender gave up on because it is stopping: nothing about the
   * message, so not an attempt (scope ACCOUNT), and due again at once.
   */
  private static Outcome.Deferred stopped(String why) {
    return new Outcome.Deferred(Outcome.Scope.ACCOUNT, why, Duration.ZERO, List.of());
  }

  private Outcome dailyDeferral(String text) {
    return new Outcome.Deferred(Outcome.Scope.ACCOUNT, text, config.quotaRefresh(), List.of());
  }

  /**
   * Waits until the bucket lets a call of {@code n} recipients go; returns {@code null} then, or
   * the deferral that replaces the call: when the wait would be longer than {@code maxShapeWait}
   * (so a message never sits in the sender for long unseen: it goes back to the spool, visibly
   * deferred, without an attempt counted), or when the sender closes while it waits. The wait is
   * looked at again at least every second, so a rate that changes meanwhile applies at once and the
   * call keeps its place in line.
   */
  private Outcome.Deferred awaitTokens(int n) {
    if (draining) {
      return stopped("sender is closing");
    }
    syncRate();
    long maxWait = config.maxShapeWait().toNanos();
    TokenBucket.Reservation r = bucket.tryReserve(n, maxWait);
    if (r == null) {
      long wait = bucket.waitNanos(n);
      shaperDeferrals.increment();
      // Back when the sends promised ahead of it are half worked off, so the bucket is never idle
      // while it is away; never later than the account retry, so a rate that rises is used.
      long back = Math.min(wait - maxWait / 2, config.accountRetry().toNanos());
      return new Outcome.Deferred(
          Outcome.Scope.ACCOUNT,
          String.format(
              Locale.ROOT,
              "waiting for the send rate: %d recipients would wait %.1f s at %.1f/s (the longest"
                  + " wait is %s)",
              n,
              wait / 1e9,
              bucket.rate(),
              Durations.format(config.maxShapeWait())),
          Duration.ofNanos(Math.max(0, back)),
          List.of());
    }
    while (true) {
      long left = bucket.remainingNanos(r);
      if (left == 0) {
        return null;
      }
      if (closed || draining || !sleep(Math.min(left, RECHECK_NANOS))) {
        bucket.cancel(r);
        return stopped("sender is closing");
      }
      syncRate();
    }
  }

  /** Full jitter: a uniform delay between zero and the capped exponential bound. */
  private long backoffNanos(int failures) {
    double bound =
        Math.min(
            config.backoffCap().toNanos(),
            config.backoffBase().toNanos() * Math.pow(2, Math.min(30, failures - 1)));
    return (long) (ThreadLocalRandom.current().nextDouble() * bound);
  }

  private static int dailyCount(Envelope chunk) {
    int n = 0;
    for (String r : chunk.recipients()) {
      if (!r.toLowerCase(Locale.ROOT).endsWith(SIMULATOR_DOMAIN)) {
        n++;
      }
    }
    return n;
  }

  private void checkDaily() {
    AccountQuota q = quota;
    // A share of 0 (a node holding no partitions, finishing what it had taken) is no share of the
    // quota to spend: pausing would defer the account for a quota refresh although it has room.
    if (q != null
        && share > 0
        && q.max24HourSend() >= 0
        && sentSinceRefresh.get() >= share * (q.max24HourSend() - q.sentLast24Hours())) {
      if (!dailyPaused) {
        LOG.warn("daily sending quota reached ({}); pausing", (long) q.max24HourSend());
      }
      dailyPaused = true;
    }
  }

  private void syncRate() {
    double r = aimd.current();
    if (r != bucket.rate()) {
      bucket.setRate(r);
    }
  }

  private static boolean sleep(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void refreshLoop() {
    while (!closed) {
      Duration every =
          dailyPaused ? min(config.quotaRefresh(), Duration.ofSeconds(10)) : config.quotaRefresh();
      if (!sleep(every.toNanos())) {
        return;
      }
      refreshQuota();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Reads the account's limits now and applies them. */
  public void refreshQuota() {
    Optional<AccountQuota> q = transport.quota();
    if (q.isEmpty()) {
      return;
    }
    AccountQuota fresh = q.get();
    quota = fresh;
    sentSinceRefresh.set(0);
    if (Double.isNaN(rateOverride)) {
      baseCeiling = fresh.maxSendRate();
      applyCeiling(false);
    }
    boolean spent = fresh.dailySpent();
    if (dailyPaused && !spent) {
      LOG.info("daily quota has room again; resuming");
    }
    dailyPaused = spent;
  }

  /**
   * Sets the rate by hand, as {@link SenderConfig#rateOverride} does at start (a reload): the
   * ceiling moves at once and the current rate with it in the same proportion, so a rate halved
   * halves sending from the next reservation and a rate doubled doubles it; sends already waiting
   * for tokens read the new rate within a second.
   *
   * @param recipientsPerSecond the rate; NaN to follow the account's MaxSendRate (as last read),
   *     negative for unlimited
   */
  public void setRateOverride(double recipientsPerSecond) {
    rateOverride = recipientsPerSecond;
    AccountQuota q = quota;
    if (Double.isNaN(recipientsPerSecond)) {
      baseCeiling = q == null ? -1 : q.maxSendRate();
    } else {
      baseCeiling = recipientsPerSecond;
    }
    applyCeiling(true);
  }

  /** The rate set by hand: NaN when it follows the account, negative when unlimited. */
  public double rateOverride() {
    return rateOverride;
  }

  /**
   * Sets the fraction of the account's limits this sender may use: its rate ceiling becomes
   * MaxSendRate (or the rate set by hand) times {@code fraction}, and it pauses for the daily quota
   * once its own sends since the last refresh reach that fraction of what the rolling window had
   * left. Default 1 (the whole account). A relay node in distributed mode sets it to the share of
   * the partitions it owns, and again whenever they change.
   *
   * @param fraction 0 to 1; 0 all but stops sending (0.1 recipients a second) until a larger share
   *     is set
   */
  public void setShare(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("share must be in [0, 1], got " + fraction);
    }
    share = fraction;
    applyCeiling(true);
  }

  /** The fraction of the account's limits this sender uses (see {@link #setShare}). */
  public double share() {
    return share;
  }

  /** The ceiling from the base and the share; a new share moves the current rate with it. */
  private synchronized void applyCeiling(boolean shareChanged) {
    double base = baseCeiling;
    // Never quite zero: a send already waiting for tokens would otherwise wait forever.
    double ceiling = base < 0 ? base : Math.max(base * share, Math.min(base, MIN_SHARED_RATE));
    if (shareChanged) {
      aimd.rescale(ceiling);
    } else {
      aimd.setCeiling(ceiling);
    }
    shaped = base >= 0;
    syncRate();
  }

  /** The rate sending is shaped to now, in recipients per second; negative when unlimited. */
  public double currentRate() {
    return aimd.current();
  }

  /** The ceiling: MaxSendRate, or the rate set by hand. */
  public double rateCeiling() {
    return aimd.ceiling();
  }

  /** The account's limits as last read, if any. */
  public Optional<AccountQuota> quota() {
    return Optional.ofNullable(quota);
  }

  /** Whether sending is paused because the daily quota is spent. */
  public boolean dailyPaused() {
    return dailyPaused;
  }

  /** Throttles seen so far. */
  public long throttles() {
    return aimd.throttles();
  }

  /**
   * How many seconds of sends the shaper has promised ahead of now: calls waiting for the rate, and
   * the debt a call larger than the bucket left. Zero when nothing waits.
   */
  public double bookedAheadSeconds() {
    return bucket.debtSeconds();
  }

  /** Messages deferred so far because their call would have waited too long for the rate. */
  public long rateDeferrals() {
    return (long) shaperDeferrals.count();
  }

  /** Upstream calls in flight now. */
  public int inFlight() {
    return inFlightCount.get();
  }

  /** The transport. */
  public Transport transport() {
    return transport;
  }

  /**
   * The first step of stopping: calls waiting for the send rate, and any that would wait, are not
   * made; their messages complete at once as deferred ({@code sender is closing}, not an attempt).
   * Calls already on the wire go on. {@link #close} follows.
   */
  public void drain() {
    draining = true;
  }

  /**
   * Stops accepting messages, lets unfinished ones end (waiting at most {@code grace}), then closes
   * the transport. Messages cut short complete as deferred.
   */
  public void close(Duration grace) {
    closed = true;
    refresher.interrupt();
    threads.shutdown();
    try {
      if (!threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    transport.close();
  }

  /** Closes with a 30-second grace period. */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /**
   * Recipients accepted since the account's limits were last read that count toward its 24-hour
   * quota (mailbox-simulator recipients do not): add them to the {@code sentLast24Hours} read for a
   * figure that does not lag by up to a {@code quotaRefresh}.
   */
  public long sentSinceRefresh() {
    return sentSinceRefresh.get();
  }
}
