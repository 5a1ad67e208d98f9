package dev.sluice.delivery;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The structured delivery log: appends each event to a file as one JSON object per line (see {@link
 * EventJson} for a delivery's fields; events {@link #publish published} to it write their own), so
 * that one message can be traced from its queue id to its SES MessageId with {@code grep}, and
 * counted with {@code jq}.
 *
 * <p>Design: callers put events on a bounded queue; one platform thread writes them through a
 * buffer and flushes it to the operating system at least every {@code flushEvery} (and on close).
 * Lines are not synced to disk: the spool is the durable record, the log is its commentary.
 *
 * <p>When the queue is full, {@link #accept} <b>blocks</b> until the writer catches up. Dropping
 * was rejected: this log is what operators and tests count deliveries by, and a hole in it is worse
 * than delivery slowing to what the disk can write (a blocked caller holds one in-flight slot of
 * the scheduler, so the whole pipeline slows down and nothing is lost or grows). Events are dropped
 * and counted ({@link #dropped()}) only once the log is closed or the file has failed, so that a
 * broken disk cannot stop delivery.
 *
 * <p>The file is opened for appending and never rotated by this class; rotate it with a
 * copy-and-truncate tool.
 *
 * <p>Thread-safe.
 */
public final class JsonLinesEventLog implements EventSink {
  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesEventLog.class);
  private static final int DRAIN = 512;

  /** Wakes a sink's thread for close; never written or posted. */
  static final JsonEvent CLOSE = b -> {};

  private final Path file;
  private final BlockingQueue<JsonEvent> queue;
  private final long flushEveryNanos;
  private final Writer out;
  private final Thread writer;
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean closing;
  private volatile boolean failed;

  private JsonLinesEventLog(Path file, int capacity, Duration flushEvery) throws IOException {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    if (flushEvery.isNegative() || flushEvery.isZero()) {
      throw new IllegalArgumentException("flushEvery must be positive, got " + flushEvery);
    }
    this.file = file;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.flushEveryNanos = flushEvery.toNanos();
    // A FileOutputStream, not a channel: an interrupted caller must not close the file.
    this.out =
        new BufferedWriter(
            new OutputStreamWriter(
                new FileOutputStream(file.toFile(), true), StandardCharsets.UTF_8),
            64 * 1024);
    this.writer = Thread.ofPlatform().name("delivery-event-log").daemon(true).unstarted(this::run);
    writer.start();
  }

  /** Opens {@code file} for appending, with room for 8,192 waiting events, flushed every second. */
  public static JsonLinesEventLog open(Path file) throws IOException {
    return open(file, 8192, Duration.ofSeconds(1));
  }

  /**
   * Opens {@code file} for appending (creating it if needed).
   *
   * @param capacity events that may wait for the writer before {@link #accept} blocks
   * @param flushEvery the longest a written line stays in the buffer
   */
  public static JsonLinesEventLog open(Path file, int capacity, Duration flushEvery)
      throws IOException {
    return new JsonLinesEventLog(file, capacity, flushEvery);
  }

  /** {@inheritDoc} Blocks while the queue is full (see the class notes). */
  @Override
  public void accept(DeliveryEvent event) {
    publish(event);
  }

  /** {@inheritDoc} Blocks while the queue is full (see the class notes). */
  @Override
  public void publish(JsonEvent event) {
    boolean interrupted = false;
    try {
      while (true) {
        if (closing || failed) {
          dropped.incrementAndGet();
          return;
        }
        try {
          if (queue.offer(event, 100, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          interrupted = true; // the event still goes in; the caller learns of the interrupt after
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Lines written so far (some may still be in the buffer). */
  public long written() {
    return written.get();
  }

  /** Events dropped because the log was closed or its file failed. */
  public long dropped() {
    return dropped.get();
  }

  /** The file written to. */
  public Path file() {
    return file;
  }

  /** Writes every event already accepted, flushes and closes the file. Idempotent. */
  @Override
  public void close() {
    closing = true;
    queue.offer(CLOSE); // wakes an idle writer; a full queue keeps it awake anyway
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    // An event offered in the instant between the writer's last look and its exit.
    dropped.addAndGet(queue.stream().filter(e -> e != CLOSE).count());
    queue.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<JsonEvent> batch = new ArrayList<>(DRAIN);
    StringBuilder line = new StringBuilder(512);
    long nextFlush = Long.MAX_VALUE; // nothing unflushed
    try {
      while (true) {
        long wait = nextFlush == Long.MAX_VALUE ? flushEveryNanos : nextFlush - System.nanoTime();
        JsonEvent first = wait > 0 ? poll(wait) : null;
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, DRAIN - 1);
          for (JsonEvent e : batch) {
            if (e != CLOSE) {
              line.setLength(0);
              e.writeJson(line);
              out.append(line).append('\n');
              written.incrementAndGet();
              if (nextFlush == Long.MAX_VALUE) {
                nextFlush = System.nanoTime() + flushEveryNanos;
              }
            }
          }
          batch.clear();
        }
        boolean done = closing && queue.isEmpty();
        if (nextFlush != Long.MAX_VALUE && (done || System.nanoTime() - nextFlush >= 0)) {
          out.flush();
          nextFlush = Long.MAX_VALUE;
        }
        if (done) {
          break;
        }
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      LOG.error("delivery event log {} failed; further events are dropped", file, e);
      dropped.addAndGet(queue.size());
      queue.clear();
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        LOG.error("cannot close the delivery event log {}", file, e);
      }
    }
  }

  private JsonEvent poll(long nanos) {
    try {
      return queue.poll(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      return null; // nobody interrupts the writer; close goes through the queue
    }
  }
}
