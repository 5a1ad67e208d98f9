package dev.sluice.ingress;

import dev.sluice.core.ByteSize;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolStats;
import java.util.Objects;

/**
 * Back-pressure at the door: new mail is refused with a temporary error while the spool holds more
 * messages than its high-water mark or the disk under it has less free space than its floor, so the
 * relay never accepts what it might not be able to keep. Clients retry later; nothing is dropped.
 *
 * <p>By default each check reads the spool's live counters (cheap for the embedded spool). A spool
 * whose counters are expensive to read (Kafka: group lag, a scan of the failed topic) is read at
 * most once per {@code statsMaxAge} instead, in the background: checks use the last reading and
 * never wait for a new one; until the first reading arrives, mail is taken.
 *
 * <p>Thread-safe.
 */
public final class Admission {
  private final Spool spool;
  private final long highWater;
  private final ByteSize minFree;
  private final long maxAgeNanos;
  private final java.util.concurrent.atomic.AtomicBoolean reading =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile SpoolStats last;
  private volatile long lastAt;

  /**
   * @param highWater the most messages the spool may hold before new mail waits
   * @param minFree the least free space to keep on the spool's disk
   */
  public Admission(Spool spool, long highWater, ByteSize minFree) {
    this(spool, highWater, minFree, java.time.Duration.ZERO);
  }

  /**
   * @param highWater the most messages the spool may hold before new mail waits
   * @param minFree the least free space to keep on the spool's disk
   * @param statsMaxAge how old a reading of the spool's counters may be; zero reads them live on
   *     every check
   */
  public Admission(Spool spool, long highWater, ByteSize minFree, java.time.Duration statsMaxAge) {
    this.spool = Objects.requireNonNull(spool, "spool");
    if (statsMaxAge.isNegative()) {
      throw new IllegalArgumentException("statsMaxAge must not be negative, got " + statsMaxAge);
    }
    this.maxAgeNanos = statsMaxAge.toNanos();
    if (highWater < 1) {
      throw new IllegalArgumentException("highWater must be >= 1, got " + highWater);
    }
    this.highWater = highWater;
    this.minFree = Objects.requireNonNull(minFree, "minFree");
  }

  /**
   * Why new mail of about {@code incomingBytes} octets must wait now, or {@code null} to take it.
   */
  public String refusal(long incomingBytes) {
    SpoolStats s = maxAgeNanos == 0 ? spool.stats() : recent();
    if (s == null) {
      return null;
    }
    if (s.total() >= highWater) {
      return "Queue full (" + s.total() + " messages), try again later";
    }
    if (s.freeBytes() >= 0 && s.freeBytes() - Math.max(0, incomingBytes) < minFree.bytes()) {
      return "Insufficient disk space for the queue, try again later";
    }
    return null;
  }

  /** The last reading, starting a new one in the background when it is too old. */
  private SpoolStats recent() {
    SpoolStats s = last;
    if ((s == null || System.nanoTime() - lastAt >= maxAgeNanos)
        && reading.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("admission-stats")
          .start(
              () -> {
                try {
                  last = spool.stats();
                  lastAt = System.nanoTime();
                } catch (RuntimeException e) {
                  // keep the last reading; the next check tries again
                } finally {
                  reading.set(false);
                }
              });
    }
    return s;
  }

  /** The high-water mark in messages. */
  public long highWater() {
    return highWater;
  }

  /** The free-space floor. */
  public ByteSize minFree() {
    return minFree;
  }
}
