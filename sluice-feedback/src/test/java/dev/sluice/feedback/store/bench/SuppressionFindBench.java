package dev.sluice.feedback.store.bench;

import dev.sluice.core.ManualClock;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The look-up the doors make at RCPT, {@link FeedbackStore#find}, with a million suppressed
 * addresses on disk: of addresses on the list and of addresses not on it (the common case, which
 * the Bloom filters answer), against a baseline of the normalisation alone. Sampled, so JMH reports
 * percentiles (p0.99 is the target). Run with {@code bench/feedback-suppression.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx256m"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class SuppressionFindBench {
  private static final int SAMPLE = 1 << 16;

  /** Addresses on the list. */
  @Param("1000000")
  public int addresses;

  private Path dir;
  private FeedbackStore store;
  private final String[] present = new String[SAMPLE];
  private final String[] absent = new String[SAMPLE];

  /** Where each thread is in the samples. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  /** Loads the list and picks the addresses to look up. */
  @Setup(Level.Trial)
  public void load() throws IOException {
    dir = Files.createTempDirectory("sluice-suppression-bench");
    store = FeedbackStore.open(dir, FeedbackSettings.DEFAULTS, new ManualClock(0));
    SuppressionLoad.load(store, addresses);
    // Measure the settled store, not RocksDB's compaction of the load running alongside.
    store.compactSuppressions();
    Random random = new Random(42);
    for (int i = 0; i < SAMPLE; i++) {
      // Mixed case, as submitters write addresses.
      present[i] = SuppressionLoad.present(random.nextInt(addresses)).replace("user", "User");
      absent[i] = SuppressionLoad.absent(random.nextInt(addresses));
    }
  }

  /** Closes and deletes the store. */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A look-up of an address on the list. */
  @Benchmark
  public Optional<Suppression> findPresent(Cursor c) {
    return store.find(present[c.next++ & (SAMPLE - 1)]);
  }

  /** A look-up of an address not on the list. */
  @Benchmark
  public Optional<Suppression> findAbsent(Cursor c) {
    return store.find(absent[c.next++ & (SAMPLE - 1)]);
  }

  /** Baseline: the normalisation every look-up starts with. */
  @Benchmark
  public String normaliseOnly(Cursor c) {
    return Suppressions.normalise(present[c.next++ & (SAMPLE - 1)]);
  }
}
