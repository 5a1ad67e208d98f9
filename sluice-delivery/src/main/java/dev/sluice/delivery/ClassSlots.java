package dev.sluice.delivery;

import dev.sluice.core.traffic.TrafficClasses;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-flight slots of the scheduler, split among the traffic classes: each class has slots of
 * its own, reserved, and takes from a common pool once they are used up.
 *
 * <p>Design: half of {@code maxInFlight} is reserved, in proportion to the classes' shares (at
 * least one slot each), and the other half is common. A class with a backlog fills its own slots
 * and the common pool, but never another class's reserved slots, so a message of an idle class is
 * taken as soon as it is due, however many of a busy class's messages wait for the rate (the shaper
 * then puts it first in line, see {@code FairTurns}). With one class, all of {@code maxInFlight} is
 * open to it, as before classes. Rejected: one semaphore per class with no common pool (a relay
 * sending one class only would have a fraction of its slots), and borrowing reserved slots (a busy
 * class would hold them while waiting for the rate, the very stall this prevents). Which slot a
 * message holds is not recorded: a class's use beyond its reserve is what it holds of the common
 * pool.
 *
 * <p>Thread-safe: one lock; takers wait on one condition, signalled on each release.
 */
final class ClassSlots {
  private final int[] reserved;
  private final int common;
  private final int[] used;
  private final int total;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition freed = lock.newCondition();

  ClassSlots(TrafficClasses classes, int maxInFlight) {
    int k = classes.size();
    this.reserved = new int[k];
    this.used = new int[k];
    this.total = maxInFlight;
    int sum = 0;
    if (k > 1) {
      for (int i = 0; i < k; i++) {
        reserved[i] = Math.max(1, (int) Math.floor(classes.get(i).share() * maxInFlight / 2.0));
        sum += reserved[i];
      }
      if (sum > maxInFlight) {
        throw new IllegalArgumentException(
            k
                + " traffic classes need at least "
                + sum
                + " messages in flight, got "
                + maxInFlight);
      }
    }
    this.common = maxInFlight - sum;
  }

  /**
   * Takes at least one and at most {@code max} slots for class {@code cls}, waiting up to {@code
   * waitNanos} for the first; returns 0 when none came free in that time.
   */
  int acquire(int cls, int max, long waitNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = waitNanos;
      while (!free(cls)) {
        if (left <= 0) {
          return 0;
        }
        left = freed.awaitNanos(left);
      }
      int n = 0;
      while (n < max && free(cls)) {
        used[cls]++;
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Gives back {@code n} slots of class {@code cls}. */
  void release(int cls, int n) {
    if (n <= 0) {
      return;
    }
    lock.lock();
    try {
      used[cls] -= n;
      freed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code nanos} until no slot is held; true if none is. */
  boolean awaitIdle(long nanos) throws InterruptedException {
    lock.lock();
    try {
      long left = nanos;
      while (inUse() > 0) {
        if (left <= 0) {
          return false;
        }
        left = freed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Slots class {@code cls} holds now. */
  int used(int cls) {
    lock.lock();
    try {
      return used[cls];
    } finally {
      lock.unlock();
    }
  }

  /** The slots reserved for class {@code cls}. */
  int reserved(int cls) {
    return reserved[cls];
  }

  /** The slots of the common pool. */
  int common() {
    return common;
  }

  /** Every slot, reserved and common. */
  int total() {
    return total;
  }

  private boolean free(int cls) {
    if (used[cls] < reserved[cls]) {
      return true;
    }
    int overflow = 0;
    for (int i = 0; i < used.length; i++) {
      overflow += Math.max(0, used[i] - reserved[i]);
    }
    return overflow < common;
  }

  private int inUse() {
    int n = 0;
    for (int u : used) {
      n += u;
    }
    return n;
  }
}
