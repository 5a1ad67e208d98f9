package dev.sluice.delivery;

import dev.sluice.core.Clock;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.traffic.TrafficClasses;
import dev.sluice.core.transport.AccountGate;
import dev.sluice.core.transport.MessageSender;
import dev.sluice.core.transport.SendGate;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns time for delivery: takes due messages from the spool, hands them to a {@link MessageSender},
 * and records each outcome durably: delivered messages leave the spool, deferred ones are
 * rescheduled by the {@link RetryPolicy} (narrowed to the recipients still waiting when a split
 * message was partly delivered), failed and expired ones are kept as failed. Each recorded outcome
 * becomes a {@link DeliveryEvent} and one line in the {@value #OUTCOME_LOGGER} log.
 *
 * <h2>Design</h2>
 *
 * <p><b>One worker per bucket.</b> A spool bucket has one taker at a time; here that is a virtual
 * thread per bucket this scheduler owns (all of them by default; a given set when several nodes
 * share a spool). A worker takes due messages in batches, earliest first, and waits when there is
 * nothing due: until the bucket's next due time, until {@link #wake} (the relay calls it after each
 * append), or for the wake interval (1 s), whichever comes first. No thread sleeps per message and
 * nothing polls: waiting deferrals cost a key in the spool's due index, not memory or a timer.
 *
 * <p><b>Bounded in flight.</b> A message is taken only with a free in-flight slot ({@code
 * maxInFlight}, default 256, shared by all buckets), and the slot is returned only once its outcome
 * is recorded in the spool. So a backlog of a million messages costs memory for 256 of them, the
 * sender is never handed more than it can work on, and a slow spool or event sink slows taking down
 * instead of piling up outcomes. Set {@code maxInFlight} near the sender's own concurrency times a
 * few: enough to keep it busy, not so many that messages wait inside it.
 *
 * <p><b>Traffic classes.</b> The spool's buckets are split among the {@link TrafficClasses} (a
 * message was put in a bucket of its class when it was accepted), and so are the in-flight slots
 * ({@link ClassSlots}: a reserve per class and a common pool). A class's workers take only with its
 * slots, so a transactional message due behind a backlog of bulk is in buckets of its own, and has
 * slots of its own to be taken with: it is never behind the backlog in due order, and never waits
 * for a slot the backlog holds. The sender is told each message's class ({@link
 * OutboundMessage#trafficClass()}) to share the rate among them.
 *
 * <p><b>Tenant caps.</b> Before a message goes to the sender it is counted against its tenant's
 * caps ({@link TenantLimits}); one over a cap is deferred at once (scope ACCOUNT, so not an
 * attempt, and without closing the gate: other tenants go on), due when the full window ends.
 *
 * <p><b>Account gate.</b> No bucket takes messages while the {@link AccountGate} is closed: the
 * account cannot send now (daily quota spent, sending paused, the rate booked too far ahead,
 * throttling outlasting the sender). A sender that keeps the gate itself hands it over ({@link
 * Builder#gate}; {@code SesSender} does), and the gate opens as soon as the sender finds the cause
 * gone (a quota reading with room); for any other sender the scheduler keeps a gate of its own and
 * closes it on each deferral of scope ACCOUNT for its {@code retryAfter}. Such deferrals do not
 * count as attempts (see {@link RetryPolicy}). The workers read it as a {@link SendGate}: a sender
 * over several routes (several accounts) hands one that is closed only while no route can send, and
 * defers (scope ACCOUNT) the messages whose own route cannot, so one closed account does not stop
 * the others' mail.
 *
 * <p><b>Stopping.</b> {@link #stop(Duration)} stops taking and waits up to the grace period for the
 * outcomes of messages in flight to be recorded. Whatever is still in flight then stays ACTIVE in
 * the spool, and the spool makes every ACTIVE message due at once when it is next opened: nothing
 * is lost, and a message whose delivery was in progress may be delivered twice (at-least-once).
 * Deliveries and failures that complete after the grace are still recorded if the spool is open;
 * deferrals are not, so a try cut short by the shutdown does not use up an attempt.
 *
 * <p><b>Time.</b> Due times, retries and expiry come from the injected {@link Clock}; tests run on
 * a manual clock and {@link #wake} the workers after moving it. Waiting itself (and the grace of
 * {@link #stop}) is real time.
 *
 * <p>Thread-safe.
 */
public final class DeliveryScheduler implements AutoCloseable {
  /** The logger of the one-line-per-outcome log; turn it down to WARN to keep only failures. */
  public static final String OUTCOME_LOGGER = "dev.sluice.delivery.outcomes";

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryScheduler.class);

  private final Spool spool;
  private final MessageSender sender;
  private final Clock clock;
  private final int maxInFlight;
  private final Duration wakeInterval;
  private final ClassSlots slots;
  private final TrafficClasses classes;
  private final int[] classOfBucket;
  private final TenantLimits tenants;
  private final SendGate gate;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final BucketWorker[] byBucket;
  private final List<BucketWorker> workers = new ArrayList<>();
  private final OutcomeRecorder recorder;
  private final Executor outcomeThreads = r -> Thread.ofVirtual().name("delivery-outcome").start(r);
  private final Object lifecycle = new Object();
  private volatile boolean running;
  private boolean started;
  private boolean stopped;

  private DeliveryScheduler(Builder b) {
    this.spool = b.spool;
    this.sender = b.sender;
    this.clock = b.clock;
    this.maxInFlight = b.maxInFlight;
    this.wakeInterval = b.wakeInterval;
    this.classes = b.classes;
    this.tenants = b.tenants;
    classes.checkBuckets(spool.buckets());
    this.slots = new ClassSlots(classes, maxInFlight);
    this.classOfBucket = new int[spool.buckets()];
    for (int i = 0; i < classOfBucket.length; i++) {
      classOfBucket[i] = classes.classOfBucket(i, classOfBucket.length);
    }
    AccountGate own = new AccountGate(clock);
    this.gate = b.gate != null ? b.gate : own;
    DeliveryMetrics metrics = new DeliveryMetrics(b.registry, inFlight::get);
    this.recorder =
        new OutcomeRecorder(
            spool,
            b.policy,
            b.events,
            clock,
            b.random,
            metrics,
            own,
            b.gate == null,
            outcomeThreads,
            this::rescheduled);
    this.byBucket = new BucketWorker[spool.buckets()];
    Collection<Integer> owned = b.buckets;
    if (owned == null) {
      owned = new ArrayList<>();
      for (int i = 0; i < spool.buckets(); i++) {
        owned.add(i);
      }
    }
    for (int bucket : new TreeSet<>(owned)) {
      if (bucket < 0 || bucket >= spool.buckets()) {
        throw new IllegalArgumentException(
            "bucket " + bucket + " is not one of the spool's 0.." + (spool.buckets() - 1));
      }
      BucketWorker w =
          new BucketWorker(
              bucket, classOfBucket[bucket], this, spool, clock, gate, b.batch, wakeInterval);
      byBucket[bucket] = w;
      workers.add(w);
    }
    if (workers.isEmpty()) {
      throw new IllegalArgumentException("a scheduler needs at least one bucket");
    }
  }

  /** A builder for a scheduler taking from {@code spool} and delivering through {@code sender}. */
  public static Builder builder(Spool spool, MessageSender sender) {
    return new Builder(spool, sender);
  }

  /**
   * Replaces the retry policy (a reload): every deferral decided from now on follows it; a message
   * already waiting keeps the due time it was given.
   */
  public void setPolicy(RetryPolicy policy) {
    recorder.setPolicy(policy);
  }

  /** Starts one worker per owned bucket. May be called once. */
  public DeliveryScheduler start() {
    synchronized (lifecycle) {
      if (started) {
        throw new IllegalStateException("a scheduler starts once");
      }
      started = true;
      running = true;
    }
    workers.forEach(BucketWorker::start);
    LOG.info(
        "delivery started: {} buckets, at most {} messages taken at once",
        workers.size(),
        maxInFlight);
    return this;
  }

  /** Makes every worker look for due messages now; cheap, call it after appending. */
  public void wake() {
    workers.forEach(BucketWorker::wake);
  }

  /** Makes the worker of the bucket {@code id} belongs to look now, if this scheduler owns it. */
  public void wake(QueueId id) {
    BucketWorker w = byBucket[id.bucket(byBucket.length)];
    if (w != null) {
      w.wake();
    }
  }

  /** Makes the worker of one bucket look now, if this scheduler owns it. */
  public void wakeBucket(int bucket) {
    if (bucket >= 0 && bucket < byBucket.length && byBucket[bucket] != null) {
      byBucket[bucket].wake();
    }
  }

  /** Wakes the worker of the message's bucket if it would otherwise sleep past the new due time. */
  private void rescheduled(QueueId id, long dueMillis) {
    BucketWorker w = byBucket[id.bucket(byBucket.length)];
    if (w != null) {
      w.wakeIfSooner(dueMillis);
    }
  }

  /** Whether the account can send now; no messages are taken while it cannot. */
  public SendGate gate() {
    return gate;
  }

  /** Messages taken whose outcome is not recorded yet. */
  public int inFlight() {
    return inFlight.get();
  }

  /** The most messages taken and not yet recorded at once ({@link Builder#maxInFlight}). */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Stops taking messages and waits up to {@code grace} for the outcomes of those in flight to be
   * recorded. What is still in flight after that stays ACTIVE in the spool and is due again when
   * the spool is next opened (see the class notes). Does not close the spool, the sender or the
   * event sink. Idempotent.
   *
   * @return whether every outcome was recorded within the grace
   */
  public boolean stop(Duration grace) {
    synchronized (lifecycle) {
      if (stopped || !started) {
        stopped = true;
        return inFlight.get() == 0;
      }
      stopped = true;
      running = false;
    }
    long deadline = System.nanoTime() + grace.toNanos();
    wake();
    boolean interrupted = false;
    boolean drained = false;
    try {
      for (BucketWorker w : workers) {
        w.join(deadline);
      }
      long left = deadline - System.nanoTime();
      drained = slots.awaitIdle(Math.max(0, left));
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (!drained) {
      recorder.leaveDeferrals();
      LOG.warn(
          "delivery stopped with {} messages in flight; they stay active in the spool and are due"
              + " again when it is next opened",
          inFlight.get());
    } else {
      LOG.info("delivery stopped; every outcome recorded");
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return drained;
  }

  /** Stops with a 30-second grace. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(30));
  }

  // ---------------------------------------------------------------- for the workers

  boolean running() {
    return running;
  }

  /**
   * Takes at least one and at most {@code max} in-flight slots of class {@code cls}, waiting for
   * the first; returns 0 when the scheduler stops meanwhile.
   */
  int acquireSlots(int cls, int max) throws InterruptedException {
    int n;
    while ((n = slots.acquire(cls, max, wakeInterval.toNanos())) == 0) {
      if (!running) {
        return 0;
      }
    }
    if (!running) {
      slots.release(cls, n);
      return 0;
    }
    return n;
  }

  void releaseSlots(int cls, int n) {
    slots.release(cls, n);
  }

  /** The tenants' caps. */
  public TenantLimits tenants() {
    return tenants;
  }

  /** The traffic classes the buckets are split among. */
  public TrafficClasses classes() {
    return classes;
  }

  /** Messages of class {@code cls} (an index of {@link #classes()}) taken and not recorded yet. */
  public int inFlight(int cls) {
    return slots.used(cls);
  }

  /**
   * The in-flight slots reserved for class {@code cls}; the rest of {@link #maxInFlight} is common.
   */
  public int reservedSlots(int cls) {
    return slots.reserved(cls);
  }

  /**
   * Hands one taken message of class {@code cls} (holding a slot) to the sender; the slot returns
   * with its outcome.
   */
  void dispatch(SpooledMessage m, int cls) {
    inFlight.incrementAndGet();
    long t0 = clock.nanos();
    CompletableFuture<Outcome> sent;
    Optional<TenantLimits.Held> held;
    try {
      held = tenants.admit(m.entry(), clock.millis());
    } catch (RuntimeException e) {
      LOG.error("cannot count {} against its tenant's caps; it waits", m.id(), e);
      held =
          Optional.of(
              new TenantLimits.Held(
                  "?", null, Instant.ofEpochMilli(clock.millis()).plus(wakeInterval)));
    }
    if (held.isPresent()) {
      TenantLimits.Held h = held.get();
      Duration wait = Duration.ofMillis(Math.max(0, h.until().toEpochMilli() - clock.millis()));
      Outcome.Deferred d =
          new Outcome.Deferred(
              Outcome.Scope.ACCOUNT,
              "tenant "
                  + h.tenant()
                  + (h.limit() == null ? "" : " reached its cap of " + h.limit())
                  + "; released at "
                  + h.until(),
              wait,
              List.of());
      recorder
          .record(m.entry(), d, t0, false)
          .whenComplete(
              (v, e) -> {
                inFlight.decrementAndGet();
                slots.release(cls, 1);
              });
      return;
    }
    try {
      sent =
          sender.send(
              new OutboundMessage(
                  m.id().value(), m.entry().envelope(), m.content(), classes.get(cls).name()),
              m.entry().origin());
    } catch (RuntimeException e) {
      LOG.error("the sender failed on {}", m.id(), e);
      sent = CompletableFuture.completedFuture(senderFailure(e));
    }
    sent.handleAsync((o, e) -> o != null ? o : senderFailure(e), outcomeThreads)
        .thenCompose(o -> recorder.record(m.entry(), o, t0))
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                LOG.error("recording the outcome of {} failed", m.id(), e);
              }
              inFlight.decrementAndGet();
              slots.release(cls, 1);
            });
  }

  /** A sender must not fail a future or throw; if it does, the message is tried again later. */
  private static Outcome senderFailure(Throwable e) {
    return new Outcome.Deferred(
        Outcome.Scope.MESSAGE, "internal error in the sender: " + e, Duration.ZERO, List.of());
  }

  /** Builds a {@link DeliveryScheduler}; every setter is optional. Not thread-safe. */
  public static final class Builder {
    private final Spool spool;
    private final MessageSender sender;
    private RetryPolicy policy = RetryPolicy.defaults();
    private EventSink events = EventSink.none();
    private Clock clock = Clock.system();
    private MeterRegistry registry;
    private RandomGenerator random;
    private int maxInFlight = 256;
    private int batch = 32;
    private Duration wakeInterval = Duration.ofSeconds(1);
    private Collection<Integer> buckets;
    private SendGate gate;
    private TrafficClasses classes = TrafficClasses.single();
    private TenantLimits tenants = TenantLimits.none();

    private Builder(Spool spool, MessageSender sender) {
      this.spool = Objects.requireNonNull(spool, "spool");
      this.sender = Objects.requireNonNull(sender, "sender");
    }

    /** When to retry and when to give up (default {@link RetryPolicy#defaults()}). */
    public Builder policy(RetryPolicy p) {
      this.policy = Objects.requireNonNull(p, "policy");
      return this;
    }

    /** Where events go (default: nowhere). */
    public Builder events(EventSink sink) {
      this.events = Objects.requireNonNull(sink, "events");
      return this;
    }

    /** The clock due times are read from (default: the system clock). */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** Where the meters are registered (default: a registry of its own). */
    public Builder registry(MeterRegistry r) {
      this.registry = Objects.requireNonNull(r, "registry");
      return this;
    }

    /** Draws the retry jitter (default: a thread-local generator); seed one for tests. */
    public Builder random(RandomGenerator r) {
      this.random = Objects.requireNonNull(r, "random");
      return this;
    }

    /** Messages in flight at most, over all buckets (default 256). */
    public Builder maxInFlight(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxInFlight must be >= 1, got " + n);
      }
      this.maxInFlight = n;
      return this;
    }

    /** The most messages one take asks for (default 32). */
    public Builder batch(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + n);
      }
      this.batch = n;
      return this;
    }

    /** The longest a worker waits without looking at its bucket (default 1 s). */
    public Builder wakeInterval(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("wakeInterval must be positive, got " + d);
      }
      this.wakeInterval = d;
      return this;
    }

    /**
     * The gate the sender keeps (default: one of the scheduler's own, closed on each deferral of
     * scope ACCOUNT); nothing is taken while it is closed. A sender over several routes hands one
     * that is closed only while no route can send.
     */
    public Builder gate(SendGate g) {
      this.gate = Objects.requireNonNull(g, "gate");
      return this;
    }

    /**
     * The traffic classes (default: one): each class's buckets are taken by workers holding its
     * in-flight slots, and its messages reach the sender named by class.
     */
    public Builder classes(TrafficClasses c) {
      this.classes = Objects.requireNonNull(c, "classes");
      return this;
    }

    /**
     * The tenants' caps (default: none): a message over its tenant's cap is put back in the spool,
     * due when the window ends, without an attempt counted and without reaching the sender.
     */
    public Builder tenants(TenantLimits t) {
      this.tenants = Objects.requireNonNull(t, "tenants");
      return this;
    }

    /** The buckets this scheduler owns (default: all of the spool's). */
    public Builder buckets(Collection<Integer> owned) {
      this.buckets = List.copyOf(owned);
      return this;
    }

    /** The scheduler, not started yet. */
    public DeliveryScheduler build() {
      if (registry == null) {
        registry = new SimpleMeterRegistry();
      }
      return new DeliveryScheduler(this);
    }
  }
}
