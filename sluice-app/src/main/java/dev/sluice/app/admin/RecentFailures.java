package dev.sluice.app.admin;

import dev.sluice.core.spool.QueueId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The last few delivery failures and deferrals, for the status page and {@code sluice status}: a
 * ring of at most {@code capacity} entries, each reason cut to {@link #MAX_REASON} characters, so
 * its memory is bounded however many messages fail. The full record of a failed message stays in
 * the spool; this is only what happened lately.
 *
 * <p>Thread-safe.
 */
public final class RecentFailures {
  /** Reasons longer than this are cut, with an ellipsis. */
  public static final int MAX_REASON = 500;

  /**
   * One failed or deferred attempt.
   *
   * @param id the message's queue id
   * @param at when the outcome was recorded
   * @param permanent true for a failure (the message is now failed), false for a deferral
   * @param reason the upstream's words, at most {@link #MAX_REASON} characters
   */
  public record Failure(QueueId id, Instant at, boolean permanent, String reason) {
    /** Checks for nulls and cuts the reason. */
    public Failure {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(reason, "reason");
      if (reason.length() > MAX_REASON) {
        reason = reason.substring(0, MAX_REASON - 1) + "…";
      }
    }
  }

  private final Failure[] ring;
  private int next;
  private long total;

  /** A ring keeping the last {@code capacity} entries. */
  public RecentFailures(int capacity) {
    if (capacity < 1 || capacity > 10_000) {
      throw new IllegalArgumentException("capacity must be 1..10000, got " + capacity);
    }
    this.ring = new Failure[capacity];
  }

  /** Records a failure or deferral, pushing out the oldest when full. */
  public synchronized void add(Failure f) {
    ring[next] = Objects.requireNonNull(f, "f");
    next = (next + 1) % ring.length;
    total++;
  }

  /** The entries held, newest first. */
  public synchronized List<Failure> newestFirst() {
    List<Failure> out = new ArrayList<>(ring.length);
    for (int k = 1; k <= ring.length; k++) {
      Failure f = ring[Math.floorMod(next - k, ring.length)];
      if (f == null) {
        break;
      }
      out.add(f);
    }
    return out;
  }

  /** Entries ever added, including those pushed out. */
  public synchronized long total() {
    return total;
  }
}
