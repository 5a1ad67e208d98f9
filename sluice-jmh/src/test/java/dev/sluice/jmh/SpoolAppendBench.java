package dev.sluice.jmh;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Submission;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A durable append into {@link RocksSpool} (2 KB message), one caller waiting for each (one synced
 * write per message) and 16 appended before waiting (the writer commits them as one group, as it
 * does for 16 sessions), beside raw RocksDB puts of the same octets into a database with default
 * options in the same directory: synced one by one, synced 16 to a batch, and unsynced. The figures
 * are per message; the gap between {@code spoolAppend} and {@code rocksPutSync} is what the spool
 * adds to the disk's cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx256m"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
public class SpoolAppendBench {
  private static final int GROUP = 16;
  private static final int KEYS = 1 << 16;

  private Path dir;
  private RocksSpool spool;
  private RocksDB raw;
  private Options rawOptions;
  private WriteOptions sync;
  private WriteOptions noSync;
  private byte[] payload;
  private Envelope envelope;
  private int next;

  /** Opens the spool and the raw database in a new temporary directory. */
  @Setup(Level.Trial)
  public void open() throws IOException, RocksDBException {
    dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sluice-jmh");
    spool = RocksSpool.open(RocksSpoolConfig.of(dir.resolve("spool")));
    RocksDB.loadLibrary();
    rawOptions = new Options().setCreateIfMissing(true);
    raw = RocksDB.open(rawOptions, dir.resolve("raw").toString());
    sync = new WriteOptions().setSync(true);
    noSync = new WriteOptions().setSync(false);
    payload = new byte[2048];
    new Random(1).nextBytes(payload);
    envelope = new Envelope("bench@example.com", List.of("rcpt@example.net"));
  }

  /** Closes both and deletes the directory. */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    spool.close();
    raw.close();
    rawOptions.close();
    sync.close();
    noSync.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One message appended and waited for: a synced write of its own. */
  @Benchmark
  public QueueId spoolAppend() {
    return spool.append(submission()).join();
  }

  /** Sixteen messages appended, then waited for: the writer commits them together. */
  @Benchmark
  @OperationsPerInvocation(GROUP)
  public List<QueueId> spoolAppendGroup16() {
    List<CompletableFuture<QueueId>> futures = new ArrayList<>(GROUP);
    for (int i = 0; i < GROUP; i++) {
      futures.add(spool.append(submission()));
    }
    List<QueueId> ids = new ArrayList<>(GROUP);
    for (CompletableFuture<QueueId> f : futures) {
      ids.add(f.join());
    }
    return ids;
  }

  /** Baseline: one raw put of the octets, synced. */
  @Benchmark
  public void rocksPutSync() throws RocksDBException {
    raw.put(sync, key(), payload);
  }

  /** Baseline: sixteen raw puts in one synced batch. */
  @Benchmark
  @OperationsPerInvocation(GROUP)
  public void rocksBatch16Sync() throws RocksDBException {
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < GROUP; i++) {
        batch.put(key(), payload);
      }
      raw.write(sync, batch);
    }
  }

  /** Baseline: one raw put, not synced (the write-ahead log in the page cache only). */
  @Benchmark
  public void rocksPutNoSync() throws RocksDBException {
    raw.put(noSync, key(), payload);
  }

  private Submission submission() {
    return new Submission(envelope, payload, Instant.now(), "bench");
  }

  private byte[] key() {
    int k = next++ & (KEYS - 1);
    return new byte[] {(byte) (k >>> 8), (byte) k};
  }
}
