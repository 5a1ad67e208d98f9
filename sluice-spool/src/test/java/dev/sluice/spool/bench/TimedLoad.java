package dev.sluice.spool.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Runs one operation in a loop on N threads for a warm-up and then a measured window, recording
 * each call's latency. Only calls that end inside the window count.
 */
final class TimedLoad {
  /** One call of the operation under test, on the worker that owns it. */
  interface Call {
    void run() throws Exception;
  }

  /** Makes worker {@code i}'s call; each worker may hold its own resources (a file, say). */
  interface CallFactory {
    Call create(int worker) throws Exception;
  }

  /**
   * What the measured window saw.
   *
   * @param calls calls that ended in the window
   * @param seconds the window's length
   * @param latency each call's latency in nanoseconds
   * @param syncs syncs made during the window, or -1 when not counted
   */
  record Sample(long calls, double seconds, Histogram latency, long syncs) {
    double rate() {
      return calls / seconds;
    }

    double p50Millis() {
      return latency.getValueAtPercentile(50) / 1e6;
    }

    double p99Millis() {
      return latency.getValueAtPercentile(99) / 1e6;
    }

    /** Calls per sync, or NaN when syncs were not counted. */
    double callsPerSync() {
      return syncs > 0 ? (double) calls / syncs : Double.NaN;
    }
  }

  private TimedLoad() {}

  /**
   * Runs {@code workers} loops of the calls {@code factory} makes, on virtual or platform threads.
   *
   * @param syncCounter read at the window's start and end, or null
   */
  static Sample run(
      int workers,
      boolean virtual,
      Duration warmup,
      Duration window,
      CallFactory factory,
      LongSupplier syncCounter)
      throws Exception {
    Recorder recorder = new Recorder(3);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Call> calls = new ArrayList<>(workers);
    for (int i = 0; i < workers; i++) {
      calls.add(factory.create(i));
    }
    List<Thread> threads = new ArrayList<>(workers);
    for (Call call : calls) {
      Runnable loop =
          () -> {
            try {
              while (!stop.get()) {
                long t0 = System.nanoTime();
                call.run();
                recorder.recordValue(System.nanoTime() - t0);
              }
            } catch (Throwable t) {
              failure.compareAndSet(null, t);
              stop.set(true);
            }
          };
      threads.add(
          virtual ? Thread.ofVirtual().start(loop) : Thread.ofPlatform().daemon().start(loop));
    }
    try {
      Thread.sleep(warmup);
      recorder.getIntervalHistogram(); // drop the warm-up
      long syncs0 = syncCounter == null ? 0 : syncCounter.getAsLong();
      long t0 = System.nanoTime();
      Thread.sleep(window);
      Histogram h = recorder.getIntervalHistogram();
      long t1 = System.nanoTime();
      long syncs = syncCounter == null ? -1 : syncCounter.getAsLong() - syncs0;
      if (failure.get() != null) {
        throw new IllegalStateException("a worker failed: " + failure.get(), failure.get());
      }
      return new Sample(h.getTotalCount(), (t1 - t0) / 1e9, h, syncs);
    } finally {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
  }
}
