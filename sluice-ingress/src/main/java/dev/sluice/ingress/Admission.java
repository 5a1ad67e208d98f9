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
 * <p>Thread-safe; each check reads the spool's live counters.
 */
public final class Admission {
  private final Spool spool;
  private final long highWater;
  private final ByteSize minFree;

  /**
   * @param highWater the most messages the spool may hold before new mail waits
   * @param minFree the least free space to keep on the spool's disk
   */
  public Admission(Spool spool, long highWater, ByteSize minFree) {
    this.spool = Objects.requireNonNull(spool, "spool");
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
    SpoolStats s = spool.stats();
    if (s.total() >= highWater) {
      return "Queue full (" + s.total() + " messages), try again later";
    }
    if (s.freeBytes() >= 0 && s.freeBytes() - Math.max(0, incomingBytes) < minFree.bytes()) {
      return "Insufficient disk space for the queue, try again later";
    }
    return null;
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
