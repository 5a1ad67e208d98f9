package dev.sluice.app.relay;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.delivery.DeliveryEvent;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.feedback.store.ReputationWatch;
import dev.sluice.ingress.Accepted;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the relay's own lines of each message's history (accepted, recipients dropped at the door
 * because they are suppressed, delivered with its SES MessageIds, deferred, failed) to the {@link
 * FeedbackStore}, and sweeps the store's expired history once an hour, and has the {@link
 * ReputationWatch} check the rates once a minute.
 *
 * <p><b>Design.</b> The doors tell of accepted messages on the spool's writer thread and delivery
 * tells of outcomes on its own threads; neither may wait for the history. So each line is handed to
 * one writer thread through a bounded queue ({@link #QUEUE} lines); when the queue is full the line
 * is dropped and counted ({@link #dropped}) rather than slowing the spool or delivery. The history
 * is a record for people, the spool is what keeps mail safe. On close the queue is drained (bounded
 * by a grace) before the spool and the store close.
 *
 * <p>The accepted line is written from what the door tells ({@link Accepted}: the spool entry as
 * stored and the configuration set its header names), not read back from the spool: reading each
 * message's entry and whole content again only to parse its header section cost a tenth of the
 * relay's CPU, and a message delivered before its line was written had no line at all. A queued
 * line holds those small facts, never the content, so a full queue stays small.
 *
 * <p><b>Syncs.</b> Every line, the delivered ones too (the SES MessageIds tied to the queue id, and
 * the sends counted for the reputation), is written without waiting for the disk, and the writes of
 * the last {@link #SYNC_EVERY} are made durable together by one sync of the store's log. Waiting
 * for a sync per line, one line at a time on the one writer, cost an fsync per delivered message:
 * more of the relay's CPU than the spool's own syncs (bench/README.md, profile-relay.sh). A line
 * written is visible at once and survives the process dying; only a crash of the machine within
 * that window can lose it, which leaves the message in the spool's hands (already delivered) and
 * its SES events recorded without the tie to its queue id.
 *
 * <p>A delivery's sends count for the message's configuration set (its {@code
 * X-SES-CONFIGURATION-SET} header, else the relay's default set, else none), learnt when the
 * message is accepted: the content has left the spool by the time it is delivered. Only sets other
 * than the default are remembered, per queued message, until it is delivered or given up on; a
 * message spooled before a restart counts for the default set.
 *
 * <p>Thread-safe.
 */
final class HistoryRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);

  /** The most lines waiting to be written. */
  static final int QUEUE = 10_000;

  private static final Duration SWEEP_EVERY = Duration.ofHours(1);

  private static final Duration REPUTATION_EVERY = Duration.ofMinutes(1);

  /** How often the lines written since the last sync are made durable. */
  static final Duration SYNC_EVERY = Duration.ofMillis(200);

  private final FeedbackStore store;
  private final AtomicLong dropped = new AtomicLong();
  private final ThreadPoolExecutor writer;
  private final ScheduledExecutorService sweeper;
  private final String defaultSet;
  private volatile SharedFeedback shared;
  private final Clock clock;

  /** Queued messages naming a configuration set other than the default, and that set. */
  private final Map<String, String> sets = new ConcurrentHashMap<>();

  /**
   * @param defaultSet the relay's {@code --configuration-set}, or empty
   * @param reputation the watch over the store's rates, checked every minute
   */
  HistoryRecorder(FeedbackStore store, String defaultSet, ReputationWatch reputation, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.defaultSet = defaultSet;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            Thread.ofPlatform().name("feedback-history").daemon(true).factory(),
            (task, pool) -> dropped.incrementAndGet());
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("feedback-sweep").daemon(true).factory());
    sweeper.scheduleWithFixedDelay(this::sweep, 1, SWEEP_EVERY.toMinutes(), TimeUnit.MINUTES);
    sweeper.scheduleWithFixedDelay(
        () -> check(reputation), 0, REPUTATION_EVERY.toSeconds(), TimeUnit.SECONDS);
    sweeper.scheduleWithFixedDelay(
        this::sync, SYNC_EVERY.toMillis(), SYNC_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Shares every line written from now on with the other nodes (distributed mode). */
  void share(SharedFeedback to) {
    shared = to;
  }

  /** Notes messages the doors made durable. */
  void accepted(List<Accepted> messages) {
    writer.execute(
        () -> {
          for (Accepted a : messages) {
            writeAccepted(a);
          }
        });
  }

  /** Notes recipients a door dropped from a message it just accepted, as they are suppressed. */
  void suppressed(QueueId id, List<Suppression> dropped) {
    Instant now = Instant.ofEpochMilli(clock.millis());
    // After the message's accepted line, which learns its configuration set: one writer, in order.
    writer.execute(
        () ->
            write(
                () ->
                    store.recordDropped(
                        id.value(), now, sets.getOrDefault(id.value(), defaultSet), dropped)));
  }

  /** Notes what became of a delivery attempt. */
  void delivery(DeliveryEvent e) {
    writer.execute(() -> writeDelivery(e));
  }

  /** Lines not written because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  private void writeAccepted(Accepted a) {
    SpoolEntry e = a.entry();
    // The origin reads "smtp 127.0.0.1 user=app": the door, then the client.
    String origin = e.origin();
    int space = origin.indexOf(' ');
    String door = space < 0 ? origin : origin.substring(0, space);
    String client = space < 0 ? "" : origin.substring(space + 1);
    String set = a.setOr(defaultSet);
    if (!set.equals(defaultSet)) {
      sets.put(e.id().value(), set);
    }
    List<String> to = e.envelope().recipients();
    write(() -> store.recordAccepted(e.id().value(), e.received(), door, client, e.size(), to));
    SharedFeedback s = shared;
    if (s != null) {
      s.accepted(e.id().value(), e.received(), door, client, e.size(), to);
    }
  }

  private void writeDelivery(DeliveryEvent e) {
    String q = e.queueId().value();
    String set = e.type() == DeliveryEvent.Type.DEFERRED ? "" : sets.remove(q);
    SharedFeedback s = shared;
    switch (e.type()) {
      case DELIVERED -> {
        String sent = set == null ? defaultSet : set;
        write(
            () ->
                store.recordDeliveredUnsynced(q, e.time(), e.upstreamIds(), e.recipients(), sent));
        if (s != null) {
          s.delivered(q, e.time(), e.upstreamIds(), e.recipients(), sent);
        }
      }
      case DEFERRED ->
          append(
              q,
              new HistoryEntry(
                  e.time(),
                  HistoryEntry.Kind.DEFERRED,
                  "",
                  "",
                  "attempt "
                      + e.attempts()
                      + ": "
                      + e.reason()
                      + (e.nextDue() == null ? "" : "; next try at " + e.nextDue())));
      case FAILED, EXPIRED ->
          append(
              q,
              new HistoryEntry(
                  e.time(),
                  HistoryEntry.Kind.FAILED,
                  "",
                  "",
                  (e.type() == DeliveryEvent.Type.EXPIRED ? "expired after " : "after ")
                      + e.attempts()
                      + (e.attempts() == 1 ? " attempt: " : " attempts: ")
                      + e.reason()));
    }
  }

  private void append(String queueId, HistoryEntry line) {
    write(() -> store.append(queueId, line));
    SharedFeedback s = shared;
    if (s != null) {
      s.appended(queueId, line);
    }
  }

  private interface Write {
    void run() throws IOException;
  }

  private static void write(Write w) {
    try {
      w.run();
    } catch (IOException | RuntimeException e) {
      log.warn("could not write a history line: {}", e.toString());
    }
  }

  /** Makes the lines written since the last sync durable, if there are any. */
  private void sync() {
    if (!store.synced()) {
      write(store::sync);
    }
  }

  private void sweep() {
    try {
      int n = store.sweep();
      if (n > 0) {
        log.info("feedback store: {} expired history records deleted", n);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("feedback store sweep failed: {}", e.toString());
    }
  }

  private static void check(ReputationWatch reputation) {
    try {
      reputation.check();
    } catch (RuntimeException e) {
      log.warn("could not read the reputation counters: {}", e.toString());
    }
  }

  /** Writes what is queued, within ten seconds, and stops; see {@link #stop}. */
  @Override
  public void close() {
    stop();
  }

  /**
   * Writes what is queued, within ten seconds, drops the rest, and waits (at most thirty seconds
   * more) for the write or sweep in hand to end.
   *
   * @return whether nothing of this recorder uses the store any more, so that it may be closed: a
   *     store closed under a running write or read crashes the process (RocksDB is native)
   */
  boolean stop() {
    sweeper.shutdownNow();
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("history lines still queued at stop were not written");
        writer.shutdownNow();
      }
      boolean idle =
          writer.awaitTermination(30, TimeUnit.SECONDS)
              && sweeper.awaitTermination(30, TimeUnit.SECONDS);
      if (idle) {
        sync();
      }
      if (!idle) {
        log.warn("a history write or sweep is still running; the feedback store is left open");
      }
      return idle;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return writer.isTerminated() && sweeper.isTerminated();
    }
  }
}
