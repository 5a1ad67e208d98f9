package dev.sluice.spool;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A key at or below the first entry the spool holds, so {@link RocksSpool#stats} finds the oldest
 * message with one seek instead of stepping over every deleted entry in front of it. Delivered
 * messages leave tombstones at the front of the entries (ids sort by time), and RocksDB visits each
 * one until compaction drops it; admission control reads the stats for every message, so that walk
 * would be paid again and again.
 *
 * <p>Readers raise the floor to the first live key they found, but only if nobody changed it while
 * they looked ({@link #raise}); the writer lowers it after writing a key below it ({@link #lower}),
 * before anyone is told of the write. So a stats call that begins after an append has completed
 * always sees that message. Ids made in one process only grow, so lowering happens only when the
 * clock went back across a restart.
 *
 * <p>Thread-safe.
 */
final class EntryFloor {
  private static final byte[] START = new byte[0];
  private final AtomicReference<byte[]> floor = new AtomicReference<>(START);

  /** The current floor; pass it back to {@link #raise}. */
  byte[] get() {
    return floor.get();
  }

  /** Moves the floor up to {@code key} if it is still {@code seen}. */
  void raise(byte[] seen, byte[] key) {
    if (Arrays.compareUnsigned(key, seen) > 0) {
      floor.compareAndSet(seen, key);
    }
  }

  /** A key was written; moves the floor down to it if it lies below. */
  void lower(byte[] key) {
    floor.accumulateAndGet(key, (cur, k) -> Arrays.compareUnsigned(k, cur) < 0 ? k : cur);
  }
}
