package dev.sluice.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to; for tests of rates, retries and expiry without sleeping.
 *
 * <p>A thread that {@linkplain #sleep sleeps} on it waits until the clock is advanced past its wake
 * time. {@link #sleepers} and {@link #nextWakeNanos} let a test see that the code under test is
 * waiting, and advance exactly to the next wake: a discrete-event run of code that sleeps, with no
 * real time spent. A sleeper whose wake time is passed is removed from the count by {@link
 * #advance} itself, before it runs again, so a test that waits for a count never sees a sleeper
 * that is about to wake.
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements Clock {
  private final AtomicLong nanos = new AtomicLong();
  private final long epochMillisAtZero;
  private final Object lock = new Object();
  // Wake times of the threads sleeping now, one element per sleeper; guarded by lock.
  private final List<long[]> sleeping = new ArrayList<>();

  /** Starts at the given wall-clock time, with the monotonic counter at zero. */
  public ManualClock(long epochMillis) {
    this.epochMillisAtZero = epochMillis;
  }

  @Override
  public long millis() {
    return epochMillisAtZero + nanos.get() / 1_000_000L;
  }

  @Override
  public long nanos() {
    return nanos.get();
  }

  /** Moves both clocks forward and wakes the sleepers whose time has come. */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("time only moves forward");
    }
    synchronized (lock) {
      long now = nanos.addAndGet(d.toNanos());
      if (sleeping.removeIf(w -> w[0] <= now)) {
        lock.notifyAll();
      }
    }
  }

  /** Waits until the clock has been advanced {@code nanos} past now. */
  @Override
  public void sleep(long nanos) throws InterruptedException {
    if (nanos <= 0) {
      return;
    }
    synchronized (lock) {
      long now = this.nanos.get();
      long[] wake = {now + Math.min(nanos, Long.MAX_VALUE - now)};
      sleeping.add(wake);
      try {
        while (this.nanos.get() < wake[0]) {
          lock.wait();
        }
      } finally {
        sleeping.remove(wake);
      }
    }
  }

  /** How many threads are sleeping on this clock now. */
  public int sleepers() {
    synchronized (lock) {
      return sleeping.size();
    }
  }

  /** The earliest wake time of the threads sleeping now; {@link Long#MAX_VALUE} when none is. */
  public long nextWakeNanos() {
    synchronized (lock) {
      long next = Long.MAX_VALUE;
      for (long[] w : sleeping) {
        next = Math.min(next, w[0]);
      }
      return next;
    }
  }
}
