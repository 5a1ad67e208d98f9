package dev.sluice.app.relay;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.delivery.DeliveryEvent;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the relay's own lines of each message's history (accepted, delivered with its SES
 * MessageIds, deferred, failed) to the {@link FeedbackStore}, and sweeps the store's expired
 * history once an hour.
 *
 * <p><b>Design.</b> The doors tell of accepted messages on the spool's writer thread and delivery
 * tells of outcomes on its own threads; neither may wait for the history. So each line is handed to
 * one writer thread through a bounded queue ({@link #QUEUE} lines); when the queue is full the line
 * is dropped and counted ({@link #dropped}) rather than slowing the spool or delivery. The history
 * is a record for people, the spool is what keeps mail safe. On close the queue is drained (bounded
 * by a grace) before the spool and the store close.
 *
 * <p>Thread-safe.
 */
final class HistoryRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryRecorder.class);

  /** The most lines waiting to be written. */
  static final int QUEUE = 10_000;

  private static final Duration SWEEP_EVERY = Duration.ofHours(1);

  private final FeedbackStore store;
  private final Spool spool;
  private final AtomicLong dropped = new AtomicLong();
  private final ThreadPoolExecutor writer;
  private final ScheduledExecutorService sweeper;

  HistoryRecorder(FeedbackStore store, Spool spool) {
    this.store = store;
    this.spool = spool;
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
  }

  /** Notes messages the doors made durable. */
  void accepted(List<QueueId> ids) {
    writer.execute(
        () -> {
          for (QueueId id : ids) {
            spool.find(id).ifPresent(this::writeAccepted);
          }
        });
  }

  /** Notes what became of a delivery attempt. */
  void delivery(DeliveryEvent e) {
    writer.execute(() -> writeDelivery(e));
  }

  /** Lines not written because the queue was full. */
  long dropped() {
    return dropped.get();
  }

  private void writeAccepted(SpoolEntry e) {
    // The origin reads "smtp 127.0.0.1 user=app": the door, then the client.
    String origin = e.origin();
    int space = origin.indexOf(' ');
    String door = space < 0 ? origin : origin.substring(0, space);
    String client = space < 0 ? "" : origin.substring(space + 1);
    write(
        () ->
            store.recordAccepted(
                e.id().value(), e.received(), door, client, e.size(), e.envelope().recipients()));
  }

  private void writeDelivery(DeliveryEvent e) {
    String q = e.queueId().value();
    switch (e.type()) {
      case DELIVERED ->
          write(() -> store.recordDelivered(q, e.time(), e.upstreamIds(), e.recipients(), ""));
      case DEFERRED ->
          write(
              () ->
                  store.append(
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
                              + (e.nextDue() == null ? "" : "; next try at " + e.nextDue()))));
      case FAILED, EXPIRED ->
          write(
              () ->
                  store.append(
                      q,
                      new HistoryEntry(
                          e.time(),
                          HistoryEntry.Kind.FAILED,
                          "",
                          "",
                          (e.type() == DeliveryEvent.Type.EXPIRED ? "expired after " : "after ")
                              + e.attempts()
                              + (e.attempts() == 1 ? " attempt: " : " attempts: ")
                              + e.reason())));
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

  /** Writes what is queued, within ten seconds, and stops. */
  @Override
  public void close() {
    sweeper.shutdownNow();
    writer.shutdown();
    try {
      if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("history lines still queued at stop were not written");
      }
      sweeper.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
