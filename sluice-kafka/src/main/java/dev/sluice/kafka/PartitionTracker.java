package dev.sluice.kafka;

import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Which records of one assigned partition are finished, and so how far the group may commit.
 *
 * <p>Records finish out of order (one message is delivered at once, the one before it waits for a
 * retry record to be acknowledged), but a committed offset says that everything before it is done.
 * So the tracker keeps the offsets read and not yet finished, and the commit position is the lowest
 * of them, or the offset after the last record read when all are finished. Its memory is bounded by
 * what is buffered and in flight. Records the consumer fetched but put back (a bucket full, a retry
 * not due) were never read as far as the tracker knows.
 *
 * <p>A tracker lives from an assignment to the revocation of its partition; after {@link #retire}
 * it no longer reads, hands out or commits, so outcomes arriving for a partition this node no
 * longer owns change nothing the group sees (the new owner reads those records again from the
 * committed offset). It still notes which of its records finish, though: when the partition comes
 * back to this node (the eager protocol revokes every partition at the start of a rebalance and
 * assigns most of them back to the same member), the records it finished need not be delivered
 * again ({@link #finishedHere}).
 *
 * <p>Thread-safe: the consumer thread reads and commits, takers and producer callbacks finish.
 */
final class PartitionTracker {
  private final TopicPartition partition;
  private final TreeSet<Long> open = new TreeSet<>();
  private final TreeSet<Long> taken = new TreeSet<>();
  private long next = -1;
  private long committed = -1;
  private boolean retired;

  PartitionTracker(TopicPartition partition) {
    this.partition = partition;
  }

  TopicPartition partition() {
    return partition;
  }

  /** The record at {@code offset} was read and waits to be finished. */
  synchronized void read(long offset) {
    if (!retired) {
      open.add(offset);
      next = Math.max(next, offset + 1);
    }
  }

  /** The record at {@code offset} was read and is finished already (a deleted message). */
  synchronized void readDone(long offset) {
    if (!retired) {
      next = Math.max(next, offset + 1);
    }
  }

  /** The record at {@code offset} was handed to a taker. */
  synchronized void taken(long offset) {
    if (!retired && open.contains(offset)) {
      taken.add(offset);
    }
  }

  /** The record at {@code offset} is finished: delivered, moved or dropped for good. */
  synchronized void done(long offset) {
    open.remove(offset); // retired too: see finishedHere
    if (retired) {
      return;
    }
    if (taken.remove(offset) && taken.isEmpty()) {
      notifyAll();
    }
  }

  /** Where the group may commit now, or -1 when that is not past the last commit. */
  synchronized long commitPosition() {
    if (next < 0) {
      return -1;
    }
    long p = open.isEmpty() ? next : open.first();
    return p > committed ? p : -1;
  }

  /** A commit up to {@code position} succeeded. */
  synchronized void committed(long position) {
    committed = Math.max(committed, position);
  }

  /** Whether the record at {@code offset} was read and finished here. */
  synchronized boolean finished(long offset) {
    return !retired && offset < next && !open.contains(offset);
  }

  /**
   * Whether the record at {@code offset} was read here and is finished, before or after {@link
   * #retire}: so it need not be delivered again when it is read again.
   */
  synchronized boolean finishedHere(long offset) {
    return offset < next && !open.contains(offset);
  }

  /**
   * How many records of the partition wait here, given its end offset: those not read yet and those
   * read and neither taken nor finished; -1 before the first read. Offsets are counted as records,
   * which holds for the spool's topics (no transactions, no compaction).
   */
  synchronized long waiting(long end) {
    if (retired || next < 0) {
      return -1;
    }
    return Math.max(0, end - next) + open.size() - taken.size();
  }

  /** Records read and not finished. */
  synchronized int open() {
    return open.size();
  }

  /**
   * Waits until no record handed to a taker is unfinished, or until {@code deadlineNanos}
   * (System.nanoTime).
   *
   * @return whether none is unfinished
   */
  synchronized boolean awaitTaken(long deadlineNanos) throws InterruptedException {
    while (!taken.isEmpty()) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  /** Stops tracking: later calls change nothing but what {@link #finishedHere} says. */
  synchronized void retire() {
    retired = true;
    taken.clear();
    notifyAll();
  }

  synchronized boolean retired() {
    return retired;
  }
}
