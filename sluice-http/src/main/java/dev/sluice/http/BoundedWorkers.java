package dev.sluice.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed pool of platform threads with a bounded queue, for the blocking work of an HTTP server
 * that belongs neither on an event loop nor on a virtual thread (RocksDB's native calls pin the
 * carrier). When every thread is busy and the queue is full, {@link #execute} throws {@link
 * RejectedExecutionException}: the caller answers {@code 503} in its own shape, so the bound is a
 * named outcome on the wire rather than a growing queue.
 *
 * <p>Thread-safe.
 */
public final class BoundedWorkers implements Executor {
  private final ThreadPoolExecutor pool;

  /**
   * @param name the threads are named {@code <name>-worker-<n>}, and are daemons
   * @param threads how many run at once
   * @param waiting how many may wait for a thread
   */
  BoundedWorkers(String name, int threads, int waiting) {
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.SECONDS,
            waiting == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(waiting),
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name(name + "-worker-" + n.incrementAndGet())
                    .unstarted(r));
  }

  /**
   * Runs {@code task} on a worker.
   *
   * @throws RejectedExecutionException when every worker is busy and the queue is full, or after
   *     {@link #shutdownNow()}
   */
  @Override
  public void execute(Runnable task) {
    pool.execute(task);
  }

  /** Interrupts the running tasks and drops the waiting ones; idempotent. */
  void shutdownNow() {
    pool.shutdownNow();
  }
}
