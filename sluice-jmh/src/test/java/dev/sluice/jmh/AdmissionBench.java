package dev.sluice.jmh;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.spool.Submission;
import dev.sluice.ingress.Admission;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The admission check the SMTP door makes at every MAIL FROM ({@link Admission#refusal}) on a
 * {@link RocksSpool} holding queued messages, and the two readings it could make: {@link
 * RocksSpool#stats()} (counters, free space and a seek for the oldest entry: what it read before
 * {@code intakeStats} existed) and {@link RocksSpool#intakeStats()} (counters and free space only,
 * what it reads now). The baseline is {@code stats()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx256m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AdmissionBench {
  /** Messages held in the spool. */
  @Param("10000")
  public int held;

  private Path dir;
  private RocksSpool spool;
  private Admission admission;

  /** Fills a new spool with {@code held} 2 KB messages. */
  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sluice-jmh");
    spool = RocksSpool.open(RocksSpoolConfig.of(dir.resolve("spool")));
    Envelope envelope = new Envelope("bench@example.com", List.of("rcpt@example.net"));
    byte[] payload = new byte[2048];
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < held; i++) {
      pending.add(spool.append(new Submission(envelope, payload, Instant.now(), "bench")));
      if (pending.size() == 500) {
        pending.forEach(CompletableFuture::join);
        pending.clear();
      }
    }
    pending.forEach(CompletableFuture::join);
    admission =
        new Admission(spool, 10L * held, ByteSize.ofMegabytes(1), Duration.ZERO, Clock.system());
    if (admission.refusal(2048) != null) {
      throw new IllegalStateException("admission refuses: " + admission.refusal(2048));
    }
  }

  /** Closes the spool and deletes it. */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    spool.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The check at MAIL FROM. */
  @Benchmark
  public String admissionRefusal() {
    return admission.refusal(2048);
  }

  /** What the check reads now. */
  @Benchmark
  public SpoolStats intakeStats() {
    return spool.intakeStats();
  }

  /** Baseline: what the check read before, with the seek for the oldest entry. */
  @Benchmark
  public SpoolStats stats() {
    return spool.stats();
  }
}
