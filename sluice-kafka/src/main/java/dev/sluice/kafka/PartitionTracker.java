package dev.sluice.kafka;

import java.util.BitSet;
import java.util.NavigableSet;
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
 * <p>Records finished above the commit position go into the commit's metadata ({@link
 * FinishedOffsets}), and a tracker taking over a partition {@link #inherit}s what the last commit
 * says, so a record finished by an earlier owner is not delivered again when the partition changes
 * hands.
 *
 * <p>Thread-safe: the consumer thread reads and commits, takers and producer callbacks finish.
 */
final class PartitionTracker {
  private final TopicPartition partition;
  private final TreeSet<Long> open = new TreeSet<>();
  private final TreeSet<Long> taken = new TreeSet<>();
  // Finished by an earlier owner, at or after the group's committed offset, and not read here yet.
  private final NavigableSet<Long> inherited = new TreeSet<>();
  private long next = -1;
  private long committed = -1;
  private long finishes; // counts records finished; a commit is due when this moved
  private long committedFinishes = -1;
  private boolean retired;

  /** What a commit of this partition says: the position, its metadata, the finishes counted. */
  record CommitPoint(long position, String metadata, long finishes) {}

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

  /**
   * The record at {@code offset} was read and is finished already (a deleted message, one an
   * earlier owner finished).
   */
  synchronized void readDone(long offset) {
    if (!retired) {
      next = Math.max(next, offset + 1);
      inherited.remove(offset);
      finishes++;
    }
  }

  /**
   * Takes over what the group's last commit of this partition, at {@code committedOffset}, says is
   * finished above it.
   */
  synchronized void inherit(long committedOffset, String metadata) {
    inherited.addAll(FinishedOffsets.decode(committedOffset, metadata));
  }

  /** Whether an earlier owner finished the record at {@code offset} (see {@link #inherit}). */
  synchronized boolean finishedEarlier(long offset) {
    return inherited.contains(offset);
  }

  /** The record at {@code offset} was handed to a taker. */
  synchronized void taken(long offset) {
    if (!retired && open.contains(offset)) {
      taken.add(offset);
    }
  }

  /** The record at {@code offset} is finished: delivered, moved or dropped for good. */
  synchronized void done(long offset) {
    boolean was = open.remove(offset); // retired too: see finishedHere
    if (retired) {
      return;
    }
    if (was) {
      finishes++;
    }
    if (taken.remove(offset) && taken.isEmpty()) {
      notifyAll();
    }
  }

  /**
   * What to commit now, the records finished above the position in at most {@code maxChars} of
   * metadata (0: none); null when nothing moved since the last commit.
   */
  synchronized CommitPoint commitPoint(int maxChars) {
    if (next < 0 || retired) {
      return null;
    }
    long p = open.isEmpty() ? next : open.first();
    if (p < committed || (p == committed && finishes == committedFinishes)) {
      return null;
    }
    // Bit i stands for offset p + i: read here and not open, or finished by an earlier owner.
    long limit = p + FinishedOffsets.capacity(maxChars);
    BitSet bits = new BitSet();
    bits.set(0, (int) (Math.min(next, limit) - p));
    for (long o : open.subSet(p, limit)) {
      bits.clear((int) (o - p));
    }
    if (next < limit) {
      for (long o : inherited.subSet(next, limit)) {
        bits.set((int) (o - p));
      }
    }
    return new CommitPoint(p, FinishedOffsets.encode(bits), finishes);
  }

  /** A commit of {@code point} succeeded. */
  synchronized void committed(CommitPoint point) {
    if (point.position() >= committed) {
      committed = point.position();
      committedFinishes = Math.max(committedFinishes, point.finishes());
    }
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
