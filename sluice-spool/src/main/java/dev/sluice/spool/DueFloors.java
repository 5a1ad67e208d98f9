package dev.sluice.spool;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per bucket, a due time (milliseconds) below which the due index holds no live key, so scans of a
 * bucket seek past the deleted keys that taking messages leaves at the front of it.
 *
 * <p>A queue in an LSM tree deletes from the front: every taken message leaves a tombstone where
 * the next scan starts, and RocksDB steps over each one until compaction drops it. Seeking to the
 * floor skips them in one step. The floor only drops when a key below it is written ({@link
 * #lower}, before the write lands), and rises only after a take has removed every key below the new
 * floor ({@link #raise}).
 *
 * <p>Changed only by the writer thread; read by any thread.
 */
final class DueFloors {
  private final AtomicLongArray floors;

  DueFloors(int buckets) {
    floors = new AtomicLongArray(buckets);
    for (int i = 0; i < buckets; i++) {
      floors.set(i, Long.MIN_VALUE);
    }
  }

  long get(int bucket) {
    return floors.get(bucket);
  }

  /** A key due at {@code millis} is about to be written to {@code bucket}. */
  void lower(int bucket, long millis) {
    if (millis < floors.get(bucket)) {
      floors.set(bucket, millis);
    }
  }

  /** No key of {@code bucket} is due before {@code millis} any more. */
  void raise(int bucket, long millis) {
    if (millis > floors.get(bucket)) {
      floors.set(bucket, millis);
    }
  }
}
