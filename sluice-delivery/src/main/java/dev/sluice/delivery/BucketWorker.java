package dev.sluice.delivery;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.transport.SendGate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one taker of one spool bucket: takes what is due, as much as there are free in-flight slots
 * of the bucket's traffic class for, hands it to the scheduler to send, and otherwise waits.
 *
 * <p>It waits on a signal with a timeout: until the bucket's next message is due, or until {@link
 * #wake} (something was appended, or the scheduler is stopping), and never longer than the
 * scheduler's wake interval, a safety net for wakes that cannot come (another process appending to
 * a shared spool, an operator's retry). A wake before the wait is not lost: the signal is a permit
 * that the wait consumes.
 *
 * <p>Runs on its own virtual thread; {@link #wake} may be called from any thread.
 */
final class BucketWorker implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(BucketWorker.class);

  private final int bucket;
  private final int cls;
  private final DeliveryScheduler scheduler;
  private final Spool spool;
  private final Clock clock;
  private final SendGate gate;
  private final int batch;
  private final Duration wakeInterval;
  private final Semaphore signal = new Semaphore(0);
  private final Thread thread;

  /** The wall-clock millisecond the worker means to look again, while it waits; else MIN_VALUE. */
  private volatile long waitingUntil = Long.MIN_VALUE;

  BucketWorker(
      int bucket,
      int cls,
      DeliveryScheduler scheduler,
      Spool spool,
      Clock clock,
      SendGate gate,
      int batch,
      Duration wakeInterval) {
    this.bucket = bucket;
    this.cls = cls;
    this.scheduler = scheduler;
    this.spool = spool;
    this.clock = clock;
    this.gate = gate;
    this.batch = batch;
    this.wakeInterval = wakeInterval;
    this.thread = Thread.ofVirtual().name("delivery-bucket-" + bucket).unstarted(this);
  }

  void start() {
    thread.start();
  }

  /** Makes the worker look at its bucket now. */
  void wake() {
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /**
   * Wakes the worker if it waits past {@code dueMillis}: a message was just rescheduled to a time
   * sooner than the worker knew of.
   */
  void wakeIfSooner(long dueMillis) {
    if (dueMillis < waitingUntil) {
      wake();
    }
  }

  /** Waits for the worker's thread to end, until {@code deadlineNanos} (System.nanoTime). */
  boolean join(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    return left > 0 ? thread.join(Duration.ofNanos(left)) : !thread.isAlive();
  }

  @Override
  public void run() {
    boolean failing = false;
    try {
      while (scheduler.running()) {
        long now = clock.millis();
        long opens = gate.opensAt();
        if (now < opens) {
          await(Duration.ofMillis(opens - now));
          continue;
        }
        int slots = scheduler.acquireSlots(cls, batch);
        if (slots == 0) {
          break; // stopping
        }
        signal.drainPermits(); // a wake from here on is seen by the next wait
        List<SpooledMessage> taken;
        try {
          taken = spool.takeDue(bucket, Instant.ofEpochMilli(clock.millis()), slots);
          failing = false;
        } catch (RuntimeException e) {
          scheduler.releaseSlots(cls, slots);
          if (!scheduler.running()) {
            break;
          }
          if (!failing && spool.refusal().isEmpty()) { // a refusing spool has said why, once
            LOG.error(
                "bucket {}: cannot take due messages; trying again every {} ms",
                bucket,
                wakeInterval.toMillis(),
                e);
          }
          failing = true;
          await(wakeInterval);
          continue;
        }
        scheduler.releaseSlots(cls, slots - taken.size());
        for (SpooledMessage m : taken) {
          scheduler.dispatch(m, cls);
        }
        if (taken.size() < slots) {
          // From here a reschedule to any time wakes us: it may be sooner than what we read next.
          waitingUntil = Long.MAX_VALUE;
          Duration wait = untilNextDue();
          if (wait.isZero()) {
            waitingUntil = Long.MIN_VALUE;
          } else {
            await(wait);
          }
        }
      }
    } catch (InterruptedException e) {
      // Nobody interrupts the workers; if someone does, the bucket stops being worked.
      LOG.warn("bucket {}: worker interrupted; it stops", bucket);
    }
  }

  /** How long until the bucket's next message is due, at most the wake interval. */
  private Duration untilNextDue() {
    Optional<Instant> next;
    try {
      next = spool.nextDue(bucket);
    } catch (RuntimeException e) {
      return wakeInterval; // the next take reports it
    }
    if (next.isEmpty()) {
      return wakeInterval;
    }
    Duration d = Duration.between(Instant.ofEpochMilli(clock.millis()), next.get());
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(wakeInterval) < 0 ? d : wakeInterval;
  }

  private void await(Duration d) throws InterruptedException {
    Duration capped = d.compareTo(wakeInterval) < 0 ? d : wakeInterval;
    waitingUntil = Math.min(waitingUntil, clock.millis() + capped.toMillis());
    try {
      if (signal.tryAcquire(Math.max(1, capped.toNanos()), TimeUnit.NANOSECONDS)) {
        signal.drainPermits();
      }
    } finally {
      waitingUntil = Long.MIN_VALUE;
    }
  }
}
