package dev.sluice.spool;

import dev.sluice.core.spool.SpoolException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The operations waiting for the writer, bounded by count and by message octets so memory stays
 * bounded however fast callers arrive. A caller that finds it full waits in {@link #put} (callers
 * are virtual threads, so waiting is cheap); the writer takes everything waiting, up to a batch's
 * limits, in one {@link #drain}.
 *
 * <p>One operation larger than the byte limit is let in when nothing else waits, so no message is
 * refused for its size here (the ingress bounds message size).
 *
 * <p>Thread-safe: one lock, held only to move references.
 */
final class PendingQueue {
  private final int maxOps;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<PendingOp> ops = new ArrayDeque<>();
  private long bytes;
  private boolean closed;

  PendingQueue(int maxOps, long maxBytes) {
    this.maxOps = maxOps;
    this.maxBytes = maxBytes;
  }

  /**
   * Adds an operation, waiting while the queue is full.
   *
   * @throws SpoolException when the queue is closed, or the caller is interrupted while waiting
   *     (its interrupt status is set again)
   */
  void put(PendingOp op) {
    long size = op.bytes();
    lock.lock();
    try {
      while (!closed && !ops.isEmpty() && (ops.size() >= maxOps || bytes + size > maxBytes)) {
        notFull.await();
      }
      if (closed) {
        throw RocksSpool.closedException();
      }
      ops.addLast(op);
      bytes += size;
      notEmpty.signal();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted while waiting for room in the spool's write queue");
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes the waiting operations in order, at least one and at most {@code batchOps} and {@code
   * batchBytes} (one operation is always taken, whatever its size); waits while none waits. Returns
   * an empty list only once the queue is closed and empty.
   */
  List<PendingOp> drain(int batchOps, long batchBytes) throws InterruptedException {
    return drain(batchOps, batchBytes, Long.MAX_VALUE);
  }

  /**
   * Like {@link #drain(int, long)}, waiting at most {@code waitNanos} for an operation: returns an
   * empty list when none came in time, or once the queue is closed and empty ({@link #drained}).
   */
  List<PendingOp> drain(int batchOps, long batchBytes, long waitNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = waitNanos;
      while (ops.isEmpty() && !closed) {
        if (waitNanos == Long.MAX_VALUE) {
          notEmpty.await();
        } else if (left <= 0) {
          return List.of();
        } else {
          left = notEmpty.awaitNanos(left);
        }
      }
      List<PendingOp> out = new ArrayList<>(Math.min(ops.size(), batchOps));
      long taken = 0;
      while (!ops.isEmpty() && out.size() < batchOps) {
        long size = ops.peekFirst().bytes();
        if (!out.isEmpty() && taken + size > batchBytes) {
          break;
        }
        out.add(ops.removeFirst());
        taken += size;
      }
      bytes -= taken;
      if (!out.isEmpty()) {
        notFull.signalAll();
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the queue is closed and every operation in it has been drained. */
  boolean drained() {
    lock.lock();
    try {
      return closed && ops.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /** Refuses further operations; those already waiting are still drained. */
  void close() {
    lock.lock();
    try {
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
