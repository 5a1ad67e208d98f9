package dev.sluice.feedback.store;

import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;

/**
 * Group commit for the feedback store: writes go to RocksDB's log without waiting for the disk, and
 * a writer that needs its write durable waits here until one sync of the log has covered it; while
 * one writer syncs, the writes made meanwhile wait for the next sync, which then covers them all.
 *
 * <p><b>Design.</b> The store builds and writes each batch under its lock (its reads, deduplication
 * and counters need the writes before to be visible, and an unsynced write is visible at once), and
 * waits for the disk after releasing it, so writers from several threads (the SNS endpoint's
 * workers, the SQS reader, the history recorder) share one fsync instead of taking one each in turn
 * under the lock. A sync runs on the thread of a waiting writer, not a thread of its own: whoever
 * finds no sync in progress makes one. A write is numbered after RocksDB has taken it, so a sync
 * started later covers every write numbered up to then. RocksDB's {@code SyncWAL} after an unsynced
 * write differs from a synced write in one way: the write is visible before it is durable; the
 * store answers no one about it (records, acknowledges, tells) until it is.
 *
 * <p>Thread-safe.
 */
final class WalSync {
  /** Syncs RocksDB's log. */
  @FunctionalInterface
  interface Syncer {
    void sync() throws RocksDBException;
  }

  private final Syncer syncer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition done = lock.newCondition();
  private long written;
  private long synced;
  private boolean syncing;

  WalSync(Syncer syncer) {
    this.syncer = syncer;
  }

  /** Numbers a write RocksDB has just taken; call it after the write, in write order. */
  long wrote() {
    lock.lock();
    try {
      return ++written;
    } finally {
      lock.unlock();
    }
  }

  /** The number of the last write taken. */
  long last() {
    lock.lock();
    try {
      return written;
    } finally {
      lock.unlock();
    }
  }

  /** Whether every write numbered so far is on disk. */
  boolean synced() {
    lock.lock();
    try {
      return synced >= written;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns once write {@code n} (and every write before it) is on disk, making a sync if none is
   * in progress.
   *
   * @throws IOException if the sync this writer made failed (a later writer tries again)
   */
  void await(long n) throws IOException {
    lock.lock();
    try {
      while (synced < n) {
        if (syncing) {
          done.awaitUninterruptibly();
          continue;
        }
        syncing = true;
        long upTo = written;
        lock.unlock();
        try {
          syncer.sync();
        } catch (RocksDBException e) {
          throw new IOException("the feedback store could not sync its log: " + e.getMessage(), e);
        } finally {
          lock.lock();
          syncing = false;
          done.signalAll();
        }
        synced = Math.max(synced, upTo);
      }
    } finally {
      lock.unlock();
    }
  }
}
