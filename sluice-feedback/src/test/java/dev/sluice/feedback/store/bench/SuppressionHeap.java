package dev.sluice.feedback.store.bench;

import dev.sluice.core.ManualClock;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints what a million suppressed addresses cost: the Java heap in use after a full collection,
 * before the store was opened and after it was filled and read, and the native memory RocksDB
 * reports. Measures; asserts nothing. Run with {@code bench/feedback-suppression.sh}, which gives
 * it a small heap ({@code -Xmx64m}) so that a store needing more could not even load.
 */
public final class SuppressionHeap {
  private SuppressionHeap() {}

  /** Arguments: the number of addresses (default 1,000,000). */
  public static void main(String[] args) throws IOException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = settledHeap(memory);
    Path dir = Files.createTempDirectory("sluice-suppression-heap");
    try (FeedbackStore store =
        FeedbackStore.open(dir, FeedbackSettings.DEFAULTS, new ManualClock(0))) {
      long t0 = System.nanoTime();
      SuppressionLoad.load(store, n);
      store.compactSuppressions();
      long loadMillis = (System.nanoTime() - t0) / 1_000_000;
      int found = 0;
      for (int i = 0; i < 200_000; i++) {
        if (store.find(SuppressionLoad.present((int) ((i * 7_919L) % n))).isPresent()) {
          found++;
        }
        store.find(SuppressionLoad.absent(i));
      }
      long after = settledHeap(memory);
      Map<String, Long> nativeMemory = new TreeMap<>(store.nativeMemory());
      System.out.printf(
          Locale.ROOT,
          "addresses %,d (RocksDB estimate %,d), loaded in %,d ms, %,d of 200,000 found%n",
          n,
          store.estimatedSuppressions(),
          loadMillis,
          found);
      System.out.printf(
          Locale.ROOT,
          "heap used after GC: before open %.1f MB, with the store filled and read %.1f MB,"
              + " difference %.1f MB (max heap %.0f MB)%n",
          mb(before),
          mb(after),
          mb(after - before),
          mb(memory.getHeapMemoryUsage().getMax()));
      nativeMemory.forEach(
          (k, v) -> System.out.printf(Locale.ROOT, "native %s: %.1f MB%n", k, mb(v)));
    } finally {
      try (var files = Files.walk(dir)) {
        long bytes = 0;
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          bytes += Files.isRegularFile(p) ? Files.size(p) : 0;
          Files.delete(p);
        }
        System.out.printf(Locale.ROOT, "on disk: %.1f MB%n", mb(bytes));
      }
    }
  }

  private static long settledHeap(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
