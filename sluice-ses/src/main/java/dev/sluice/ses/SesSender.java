package dev.sluice.ses;

import dev.sluice.core.Clock;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.traffic.TrafficClasses;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.MessageSender;
import dev.sluice.core.transport.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery engine: sends messages through one {@link Transport} as fast as the account allows,
 * from any number of threads, and says what became of each.
 *
 * <p>Design: each message runs on its own virtual thread, so the code stays blocking and readable
 * while thousands wait on the network; unfinished messages are bounded ({@code maxPending}, so
 * {@code send} pushes back instead of queueing without limit). The work is split among small parts,
 * each owning one concern:
 *
 * <ul>
 *   <li>{@link RecipientSplit}: a message's recipients as calls of at most {@code maxRecipients},
 *       narrowed around refused recipients ({@link Refusals}), combined into one outcome;
 *   <li>{@link UpstreamCall}: one call with its retries, within {@code maxInFlight} calls at once;
 *   <li>{@link Shaper}: the send rate (token bucket, AIMD under the account's MaxSendRate, the
 *       share);
 *   <li>{@link DailyQuota}: the rolling 24-hour quota as this sender spends it;
 *   <li>{@link AccountGate}: whether the account can send now, and why not; the parts above close
 *       it for what they learn (the daily quota spent, the account paused, the rate booked too far
 *       ahead, throttling that outlasted a message), no call is made while it is closed for the
 *       daily quota or a paused account, and the scheduler, the status page and the metrics read it
 *       through {@link #gate};
 *   <li>{@link SenderMetrics}: the meters.
 * </ul>
 *
 * <p>This class wires them and owns the lifecycle and the quota reading: the account's limits are
 * read at start and every {@code quotaRefresh} (every 10 s at most while the daily quota or a
 * paused account stops sending), and handed to the shaper and the daily quota; a reading whose
 * {@code SendingEnabled} is false closes the gate for a paused account, and the first reading that
 * finds it true again opens it, so sending resumes within 10 s of the account's. Every wait (for
 * the rate, a backoff, the next reading) is on the injected {@link Clock}, so the whole engine runs
 * under a manual clock. The SDK's own retries are off (see {@link SesErrors}).
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

  private final Transport transport;
  private final SenderConfig config;
  private final Clock clock;
  private final Shaper shaper;
  private final AccountGate gate;
  private final DailyQuota daily;
  private final UpstreamCall call;
  private final RecipientSplit split;
  private final Semaphore pending;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private final SenderMetrics metrics;
  private volatile AccountQuota quota;
  private volatile boolean closed;
  private volatile boolean draining;
  private final Thread refresher;

  private SesSender(
      Transport transport,
      SenderConfig config,
      Clock clock,
      MeterRegistry registry,
      RandomGenerator random) {
    this.transport = transport;
    this.config = config;
    this.clock = clock;
    this.pending = new Semaphore(config.maxPending(), true);
    this.metrics = new SenderMetrics(registry, config.meterTags());
    this.gate = new AccountGate(clock);
    this.daily = new DailyQuota(gate, config.quotaRefresh());
    this.shaper = new Shaper(config, clock, gate, metrics.shaperDeferrals::increment);
    this.call =
        new UpstreamCall(
            transport,
            config,
            clock,
            random,
            shaper,
            daily,
            gate,
            metrics,
            () -> closed,
            () -> closed || draining);
    this.split =
        new RecipientSplit(
            call,
            transport.maxRecipients(),
            transport.maxMessageSize(),
            transport.name(),
            config.maxTime(),
            clock);
    metrics.gauges(registry, this, transport);
    this.refresher = Thread.ofVirtual().name("sluice-quota-refresh").unstarted(this::refreshLoop);
  }

  /**
   * Starts a sender: reads the account's limits once (so the first messages are already shaped),
   * then keeps them fresh in the background. The sender owns the transport and closes it.
   */
  public static SesSender start(
      Transport transport, SenderConfig config, Clock clock, MeterRegistry registry) {
    return start(transport, config, clock, registry, ThreadLocalRandom.current());
  }

  /** Starts a sender whose retry jitter is drawn from {@code random} (seeded in tests). */
  static SesSender start(
      Transport transport,
      SenderConfig config,
      Clock clock,
      MeterRegistry registry,
      RandomGenerator random) {
    SesSender s = new SesSender(transport, config, clock, registry, random);
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
              f.complete(split.deliver(message));
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
    return split.deliver(message);
  }

  /**
   * The outcome of a message the sender gave up on because it is stopping: nothing about the
   * message, so not an attempt (scope ACCOUNT), and due again at once.
   */
  static Outcome.Deferred stopped(String why) {
    return new Outcome.Deferred(Outcome.Scope.ACCOUNT, why, Duration.ZERO, List.of());
  }

  /**
   * Reads the account every {@code quotaRefresh}, and every 10 s at most while sending is stopped
   * for the daily quota or a paused account: it wakes at least every 10 s to look, so a pause that
   * begins in the middle of a long wait is read within 10 s, not at the end of the wait.
   */
  private void refreshLoop() {
    long every = config.quotaRefresh().toNanos();
    long step = min(config.quotaRefresh(), PAUSED_REFRESH).toNanos();
    long lastRead = clock.nanos();
    while (!closed) {
      long wait = Math.min(step, Math.max(0, lastRead + every - clock.nanos()));
      try {
        if (wait > 0) {
          clock.sleep(wait);
        }
      } catch (InterruptedException e) {
        return;
      }
      boolean stopped = daily.paused() || gate.isClosed(AccountGate.Reason.ACCOUNT_PAUSED);
      if (stopped || clock.nanos() - lastRead >= every) {
        refreshQuota();
        lastRead = clock.nanos();
      }
    }
  }

  private static final Duration PAUSED_REFRESH = Duration.ofSeconds(10);

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
    AccountQuota before = quota;
    quota = fresh;
    daily.read(fresh);
    shaper.maxSendRateRead(fresh.maxSendRate());
    if (!fresh.sendingEnabled()) {
      gate.close(AccountGate.Reason.ACCOUNT_PAUSED, config.accountRetry(), SENDING_DISABLED);
    } else if (before != null && !before.sendingEnabled()) {
      // Only a pause this reading saw is lifted by it: an account-wide refusal of another kind
      // keeps its closure (the account may read as enabled all along).
      LOG.info("the account's sending is enabled again; resuming");
      gate.open(AccountGate.Reason.ACCOUNT_PAUSED);
    }
  }

  private static final String SENDING_DISABLED =
      "Sending is paused for this account (GetAccount: SendingEnabled is false).";

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
    shaper.setRateOverride(recipientsPerSecond);
  }

  /** The rate set by hand: NaN when it follows the account, negative when unlimited. */
  public double rateOverride() {
    return shaper.rateOverride();
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
    shaper.setShare(fraction);
  }

  /** The fraction of the account's limits this sender uses (see {@link #setShare}). */
  public double share() {
    return shaper.share();
  }

  /** The rate sending is shaped to now, in recipients per second; negative when unlimited. */
  public double currentRate() {
    return shaper.currentRate();
  }

  /** The ceiling: MaxSendRate, or the rate set by hand. */
  public double rateCeiling() {
    return shaper.ceiling();
  }

  /** The account's limits as last read, if any. */
  public Optional<AccountQuota> quota() {
    return Optional.ofNullable(quota);
  }

  /** Whether sending is paused because the daily quota is spent. */
  public boolean dailyPaused() {
    return daily.paused();
  }

  /**
   * Whether the account can send now, and why not: the one owner of that answer. Give it to the
   * {@code DeliveryScheduler} so that it takes no messages while the gate is closed.
   */
  public AccountGate gate() {
    return gate;
  }

  /** The traffic classes sharing this sender's rate. */
  public TrafficClasses classes() {
    return shaper.classes();
  }

  /**
   * Recipients of class {@code cls} (an index of {@link #classes()}) given their turn at the rate
   * so far; zero with one class.
   */
  public long grantedRecipients(int cls) {
    return shaper.grantedRecipients(cls);
  }

  /**
   * Recipients of class {@code cls} waiting for their turn at the rate now; zero with one class.
   */
  public long waitingRecipients(int cls) {
    return shaper.waitingRecipients(cls);
  }

  /** Throttles seen so far. */
  public long throttles() {
    return shaper.throttles();
  }

  /**
   * How many seconds of sends the shaper has promised ahead of now: calls waiting for the rate, and
   * the debt a call larger than the token bucket left. Zero when nothing waits.
   */
  public double bookedAheadSeconds() {
    return shaper.bookedAheadSeconds();
  }

  /** Messages deferred so far because their call would have waited too long for the rate. */
  public long rateDeferrals() {
    return (long) metrics.shaperDeferrals.count();
  }

  /** Upstream calls in flight now. */
  public int inFlight() {
    return call.inFlight();
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
    return daily.sentSinceReading();
  }
}
