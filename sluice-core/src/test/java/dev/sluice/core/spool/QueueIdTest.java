package dev.sluice.core.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class QueueIdTest {
  @Test
  void idsSortByTimeAndCarryTheirMillis() {
    Random rnd = new Random(7);
    QueueIdGenerator gen = new QueueIdGenerator(12345);
    long t = 1_790_000_000_000L;
    QueueId previous = null;
    for (int i = 0; i < 10_000; i++) {
      t += rnd.nextInt(3); // often the same millisecond
      QueueId id = gen.next(t);
      assertEquals(19, id.value().length());
      assertEquals(t, QueueIdGenerator.millisOf(id));
      if (previous != null) {
        assertTrue(previous.compareTo(id) < 0, previous + " !< " + id);
      }
      previous = id;
    }
  }

  @Test
  void aClockSteppingBackStillGivesIncreasingIds() {
    QueueIdGenerator gen = new QueueIdGenerator(1);
    QueueId a = gen.next(2_000_000);
    QueueId b = gen.next(1_000_000);
    assertTrue(a.compareTo(b) < 0);
  }

  @Test
  void generatorsWithDifferentNodesNeverCollide() throws Exception {
    Set<QueueId> seen = ConcurrentHashMap.newKeySet();
    List<Thread> threads = new ArrayList<>();
    for (int n = 0; n < 4; n++) {
      QueueIdGenerator gen = new QueueIdGenerator(n);
      for (int k = 0; k < 2; k++) {
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < 20_000; i++) {
                        assertTrue(seen.add(gen.next(5_000L + i / 1000)));
                      }
                    }));
      }
    }
    for (Thread th : threads) {
      th.join();
    }
    assertEquals(8 * 20_000, seen.size());
  }

  @Test
  void bucketIsStableAndSpreads() {
    // Golden values: changing the hash would move every spooled message to another bucket.
    assertEquals(12, new QueueId("A").bucket(16));
    assertEquals(116, new QueueId("A").bucket(1000));
    assertEquals(322, new QueueId("0A1B2C3D4E5F6G7H8J9").bucket(1000));
    assertEquals(0, new QueueId("anything").bucket(1));
    QueueIdGenerator gen = new QueueIdGenerator(3);
    int[] counts = new int[8];
    for (int i = 0; i < 8_000; i++) {
      counts[gen.next(1_000 + i).bucket(8)]++;
    }
    for (int c : counts) {
      assertTrue(c > 700 && c < 1300, "uneven buckets: " + java.util.Arrays.toString(counts));
    }
  }

  @Test
  void badIdsAreRefused() {
    for (String bad : new String[] {"", "a-b", "a b", "x".repeat(41), "é"}) {
      assertThrows(IllegalArgumentException.class, () -> new QueueId(bad), bad);
      assertNull(QueueId.parseOrNull(bad));
    }
    assertNull(QueueId.parseOrNull(null));
    assertEquals(new QueueId("abc"), QueueId.parseOrNull("abc"));
    assertThrows(IllegalArgumentException.class, () -> new QueueIdGenerator(1 << 20));
  }
}
