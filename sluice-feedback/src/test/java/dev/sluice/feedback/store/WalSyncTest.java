package dev.sluice.feedback.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;

class WalSyncTest {
  @Test
  void await_concurrentWriters_eachReturnsAfterASyncCoveringIt_andSyncsAreShared()
      throws Exception {
    AtomicInteger syncs = new AtomicInteger();
    AtomicLong covered = new AtomicLong();
    WalSync[] self = new WalSync[1];
    self[0] =
        new WalSync(
            () -> {
              long upTo = self[0].last(); // at least what this sync covers
              syncs.incrementAndGet();
              try {
                Thread.sleep(2); // a disk's fsync
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              covered.accumulateAndGet(upTo, Math::max);
            });
    WalSync wal = self[0];
    int threads = 16;
    int each = 50;
    List<String> early = java.util.Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    long n = wal.wrote();
                    wal.await(n);
                    if (covered.get() < n) {
                      early.add("write " + n + " returned with only " + covered.get() + " synced");
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    assertEquals(List.of(), early);
    assertEquals(threads * each, wal.last());
    assertTrue(
        syncs.get() < threads * each / 2,
        syncs.get() + " syncs for " + threads * each + " writes: not grouped");
  }

  @Test
  void await_syncFails_thatWriterFails_andTheNextOneSyncsAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    WalSync wal =
        new WalSync(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new RocksDBException("disk gone");
              }
            });
    long first = wal.wrote();
    IOException e = assertThrows(IOException.class, () -> wal.await(first));
    assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
    long second = wal.wrote();
    wal.await(second);
    wal.await(first); // covered by the second sync
    assertEquals(2, calls.get());
  }
}
