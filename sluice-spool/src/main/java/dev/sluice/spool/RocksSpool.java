package dev.sluice.spool;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.QueueIdGenerator;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolRefusal;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.core.spool.SpooledMessage;
import dev.sluice.core.spool.Submission;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The embedded durable spool: messages in a RocksDB database on local disk.
 *
 * <h2>Design</h2>
 *
 * <p><b>Group commit by one platform writer.</b> Every change goes through a bounded {@link
 * PendingQueue} to a single {@link SpoolWriter} thread, which writes all waiting changes as one
 * batch, syncs it once, and then completes every caller's future. Callers (SMTP sessions on virtual
 * threads) only wait on their future. Rejected: letting each caller write with {@code sync=true}
 * and relying on RocksDB's own group commit. A RocksDB call is native, so a virtual thread inside
 * it pins its carrier: with virtual-thread callers only about as many writes as there are cores are
 * ever in flight, and throughput falls to a few thousand a second. A pool of platform threads
 * avoids the pinning and lets RocksDB group the writes itself, but needs a blocked thread per write
 * in flight, and measured slower on the project machine (11–16k/s from 16–64 threads, against
 * 18–22k/s for one writer batching explicitly). One writer also serialises every read-modify-write
 * of an entry without locks.
 *
 * <p><b>Layout.</b> Content, entries and a due index are separate column families (see {@link
 * SpoolStore}); metadata is read and rewritten without touching the content. The due index holds
 * one key per QUEUED or DEFERRED message, ordered by bucket, due time and id, so {@link #takeDue}
 * is a short scan of one bucket's prefix. Each bucket keeps a floor ({@link DueFloors}) that lets
 * that scan seek past the tombstones taken messages leave behind. Due times are indexed to the
 * millisecond; within a millisecond the exact due time decides.
 *
 * <p><b>Durability.</b> Appends and state changes complete only after the batch that holds them is
 * synced. Taking messages (QUEUED or DEFERRED to ACTIVE) is written without a sync: losing that
 * mark in a crash only makes the message due again, which is what reopening does to every ACTIVE
 * message anyway (at-least-once delivery).
 *
 * <p><b>A full disk.</b> A write the storage refuses fails its appends and begins a refusal ({@link
 * #refusal()}, {@link StorageOutage}): appends fail at once, changes of state wait, and the spool
 * writes again by itself with the first write that succeeds once RocksDB has recovered from its
 * background error (which it does when the disk has room again). Nothing is preallocated (see
 * {@link SpoolStore}), so the free space the disk reports is the space the spool can use.
 *
 * <p><b>Memory.</b> Bounded whatever the backlog: the pending queue by count and octets, a batch by
 * count and octets, the counters per state are a handful of numbers rebuilt by one streaming scan
 * at open, and reads stream from RocksDB.
 *
 * <p>Thread-safe. Reads ({@link #find}, {@link #content}, {@link #list}, {@link #stats}, {@link
 * #nextDue}) run on the caller's thread; they are short native calls, brief enough to pin a
 * carrier. Futures complete on a virtual thread, not on the writer.
 */
public final class RocksSpool implements Spool {
  private final RocksSpoolConfig config;
  private final Clock clock;
  private final SpoolStore store;
  private final StateCounts counts;
  private final DueFloors floors;
  private final EntryFloor entryFloor = new EntryFloor();
  private final FileStore fileStore;
  private final PendingQueue queue;
  private final StorageOutage outage;
  private final SpoolWriter writer;
  private final QueueIdGenerator ids = new QueueIdGenerator();
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private final Object closeLock = new Object();
  private volatile boolean closing;
  private boolean closed;

  private RocksSpool(RocksSpoolConfig config, Clock clock, SpoolStore store, StateCounts counts) {
    this.config = config;
    this.clock = clock;
    this.store = store;
    this.counts = counts;
    this.floors = new DueFloors(config.buckets());
    this.fileStore = fileStore(config.directory());
    this.queue = new PendingQueue(config.maxPendingOps(), config.maxPendingBytes().bytes());
    this.outage = new StorageOutage(clock);
    this.writer =
        new SpoolWriter(
            store,
            queue,
            counts,
            floors,
            entryFloor,
            outage,
            config.buckets(),
            config.maxBatchOps(),
            config.maxBatchBytes().bytes(),
            config.maxPendingOps());
    writer.start();
  }

  /** Opens (or creates) the spool described by {@code config}, on the system clock. */
  public static RocksSpool open(RocksSpoolConfig config) {
    return open(config, Clock.system());
  }

  /**
   * Opens (or creates) the spool described by {@code config}. Every message that was ACTIVE when
   * the spool was last closed or crashed is made due at once.
   *
   * @param clock names new messages (ids sort by its time) and dates the recovery of ACTIVE ones
   * @throws SpoolException when the directory cannot be opened (e.g. another process holds it), or
   *     the spool there was created with another bucket count
   */
  public static RocksSpool open(RocksSpoolConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(clock, "clock");
    SpoolStore store = SpoolStore.open(config.directory());
    try {
      Recovery.checkLayout(store, config.directory(), config.buckets());
      StateCounts counts = new StateCounts();
      Recovery.rescan(store, config.buckets(), counts, Instant.ofEpochMilli(clock.millis()));
      return new RocksSpool(config, clock, store, counts);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /**
   * Opens a spool that already exists, with the bucket count it was created with; for operator
   * tools, which must neither create a spool nor need to know its layout.
   *
   * @throws SpoolException when there is no spool in {@code directory} or it cannot be opened
   */
  public static RocksSpool openExisting(Path directory) {
    if (!Files.isRegularFile(directory.resolve("CURRENT"))) {
      throw new SpoolException("there is no spool in " + directory);
    }
    int buckets;
    SpoolStore store = SpoolStore.open(directory);
    try {
      buckets = Recovery.storedBuckets(store);
    } finally {
      store.close();
    }
    if (buckets < 1) {
      throw new SpoolException("the spool in " + directory + " has no recorded layout");
    }
    return open(RocksSpoolConfig.builder(directory).buckets(buckets).build());
  }

  /** The configuration this spool was opened with. */
  public RocksSpoolConfig config() {
    return config;
  }

  /** How many synced writes the writer has made: one per group of changes committed together. */
  public long syncs() {
    return writer.syncs();
  }

  /** How many appends and state changes those synced writes have committed. */
  public long committed() {
    return writer.committed();
  }

  @Override
  public int buckets() {
    return config.buckets();
  }

  @Override
  public CompletableFuture<QueueId> append(Submission message) {
    Objects.requireNonNull(message, "message");
    return appendAll(List.of(message)).thenApply(ids -> ids.get(0));
  }

  /**
   * {@inheritDoc}
   *
   * <p>A caller may wait here while the write queue is full.
   */
  @Override
  public CompletableFuture<List<QueueId>> appendAll(List<Submission> messages) {
    List<Submission> copy = List.copyOf(messages);
    if (closing) {
      return CompletableFuture.failedFuture(closedException());
    }
    if (copy.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<SpoolEntry> entries = new ArrayList<>(copy.size());
    List<byte[]> contents = new ArrayList<>(copy.size());
    for (Submission m : copy) {
      if (m.buckets().first() >= config.buckets()) {
        return CompletableFuture.failedFuture(
            new IllegalArgumentException(
                "bucket range " + m.buckets() + " holds none of the spool's " + config.buckets()));
      }
    }
    for (Submission m : copy) {
      QueueId id = ids.next(clock.millis(), m.buckets(), config.buckets());
      entries.add(SpoolEntry.queued(id, m));
      contents.add(m.content());
    }
    CompletableFuture<List<QueueId>> done = new CompletableFuture<>();
    submit(new PendingOp.Append(entries, contents, done));
    return done;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Waits for the writer's turn (at most one synced write). If the caller is interrupted while
   * its take is being carried out, the messages taken stay ACTIVE until the spool is reopened.
   *
   * @throws IllegalArgumentException for a bucket out of range or a negative {@code max}
   * @throws SpoolException when the spool is closed or storage fails
   */
  @Override
  public List<SpooledMessage> takeDue(int bucket, Instant now, int max) {
    checkBucket(bucket);
    Objects.requireNonNull(now, "now");
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0, got " + max);
    }
    if (closing) {
      throw closedException();
    }
    if (max == 0) {
      return List.of();
    }
    CompletableFuture<List<SpoolEntry>> done = new CompletableFuture<>();
    queue.put(new PendingOp.Take(bucket, now, max, done));
    List<SpoolEntry> taken = await(done);
    if (taken.isEmpty()) {
      return List.of();
    }
    return read(
        () -> {
          List<SpooledMessage> out = new ArrayList<>(taken.size());
          for (SpoolEntry e : taken) {
            byte[] content = store.get(store.content, Keys.id(e.id()));
            if (content != null) { // null: deleted by an operator since it was taken
              out.add(new SpooledMessage(e, content));
            }
          }
          return out;
        });
  }

  @Override
  public Optional<Instant> nextDue(int bucket) {
    checkBucket(bucket);
    return read(
        () -> {
          try (Scan scan = store.scan(store.due, Keys.bucketEnd(bucket))) {
            // The floor is read after the scan's snapshot is taken, never before: see DueFloors.
            scan.seek(Keys.dueFrom(bucket, floors.get(bucket)));
            for (; scan.valid(); scan.next()) {
              Optional<SpoolEntry> e = entry(Keys.dueId(scan.key()));
              if (e.isPresent() && SpoolWriter.waiting(e.get().state())) {
                return Optional.of(e.get().due());
              }
            }
            return Optional.empty();
          }
        });
  }

  @Override
  public CompletableFuture<Boolean> complete(QueueId id) {
    return change(PendingOp.Kind.COMPLETE, id, null, 0, "");
  }

  @Override
  public CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError) {
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(lastError, "lastError");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
    }
    return change(PendingOp.Kind.RESCHEDULE, id, due, attempts, lastError);
  }

  @Override
  public CompletableFuture<Boolean> reschedule(
      QueueId id, Instant due, int attempts, String lastError, List<String> remainingRecipients) {
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(lastError, "lastError");
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0, got " + attempts);
    }
    return change(
        PendingOp.Kind.RESCHEDULE,
        id,
        due,
        attempts,
        lastError,
        SpoolEntry.narrowing(remainingRecipients));
  }

  @Override
  public CompletableFuture<Boolean> fail(QueueId id, String reason, Instant at) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
    return change(PendingOp.Kind.FAIL, id, at, 0, reason);
  }

  @Override
  public CompletableFuture<Boolean> fail(
      QueueId id, String reason, Instant at, List<String> remainingRecipients) {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
    return change(
        PendingOp.Kind.FAIL, id, at, 0, reason, SpoolEntry.narrowing(remainingRecipients));
  }

  @Override
  public CompletableFuture<Boolean> retryNow(QueueId id, Instant now) {
    Objects.requireNonNull(now, "now");
    return change(PendingOp.Kind.RETRY_NOW, id, now, 0, "");
  }

  @Override
  public CompletableFuture<Boolean> delete(QueueId id) {
    return change(PendingOp.Kind.DELETE, id, null, 0, "");
  }

  @Override
  public Optional<SpoolEntry> find(QueueId id) {
    Objects.requireNonNull(id, "id");
    return read(() -> entry(id));
  }

  @Override
  public Optional<byte[]> content(QueueId id) {
    Objects.requireNonNull(id, "id");
    return read(() -> Optional.ofNullable(store.get(store.content, Keys.id(id))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads entries in id order until {@code limit} pass the filter, so a filter few entries pass
   * reads much of the spool.
   */
  @Override
  public List<SpoolEntry> list(SpoolFilter filter, QueueId after, int limit) {
    Objects.requireNonNull(filter, "filter");
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0, got " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    byte[] afterKey = after == null ? null : Keys.id(after);
    return read(
        () -> {
          List<SpoolEntry> out = new ArrayList<>(Math.min(limit, 1024));
          try (Scan scan = store.scan(store.entries, null)) {
            if (afterKey == null) {
              scan.seekToFirst();
            } else {
              scan.seek(afterKey);
            }
            for (; scan.valid() && out.size() < limit; scan.next()) {
              byte[] key = scan.key();
              if (afterKey != null && Arrays.equals(key, afterKey)) {
                continue;
              }
              SpoolEntry e = EntryCodec.decode(Keys.id(key), scan.value());
              if (filter.matches(e)) {
                out.add(e);
              }
            }
          }
          return out;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Counts and octets come from counters kept in memory, so this is cheap enough to call for
   * every message. The oldest message is the first in id order, which is the first appended still
   * held: ids are made from this spool's clock when a message is appended. It is found with one
   * seek (see {@link EntryFloor}).
   */
  @Override
  public SpoolStats stats() {
    return read(
        () -> {
          Optional<Instant> oldest = Optional.empty();
          byte[] floor = entryFloor.get(); // read before the scan's snapshot: see EntryFloor
          try (Scan scan = store.scan(store.entries, null).seek(floor)) {
            if (scan.valid()) {
              byte[] key = scan.key();
              oldest = Optional.of(EntryCodec.decode(Keys.id(key), scan.value()).received());
              entryFloor.raise(floor, key);
            }
          }
          return new SpoolStats(counts.counts(), counts.bytes(), oldest, freeBytes());
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The counters in memory and the disk's free space: no read of RocksDB. The doors call this
   * for every MAIL FROM, where {@link #stats()}'s seek for the oldest entry cost about a twentieth
   * of the relay's CPU in the accept path (bench/README.md, profile-relay.sh).
   */
  @Override
  public SpoolStats intakeStats() {
    return read(
        () -> new SpoolStats(counts.counts(), counts.bytes(), Optional.empty(), freeBytes()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>A refusal begins when a write fails (for a full disk: RocksDB's "No space left on device")
   * and ends by itself with the first write that succeeds; the writer retries at least once a
   * second meanwhile, so this turns empty within about a second of RocksDB clearing its error.
   */
  @Override
  public Optional<SpoolRefusal> refusal() {
    return outage.refusal();
  }

  /**
   * Stops taking operations, lets the writer finish every one already queued (their futures
   * complete), and closes the database. Later calls fail with {@link SpoolException} "spool is
   * closed". Idempotent.
   */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closing = true;
      queue.close();
      writer.awaitStopped();
      Lock l = lifecycle.writeLock();
      l.lock();
      try {
        store.close();
        closed = true;
      } finally {
        l.unlock();
      }
    }
  }

  @Override
  public String toString() {
    return "RocksSpool[" + config.directory() + ", " + config.buckets() + " buckets]";
  }

  /** Looked up once: finding a path's file store reads the mount table. */
  private static FileStore fileStore(Path dir) {
    try {
      return Files.getFileStore(dir);
    } catch (IOException e) {
      return null;
    }
  }

  static SpoolException closedException() {
    return new SpoolException("spool is closed");
  }

  // ---------------------------------------------------------------- helpers

  private CompletableFuture<Boolean> change(
      PendingOp.Kind kind, QueueId id, Instant at, int attempts, String text) {
    return change(kind, id, at, attempts, text, null);
  }

  private CompletableFuture<Boolean> change(
      PendingOp.Kind kind,
      QueueId id,
      Instant at,
      int attempts,
      String text,
      List<String> recipients) {
    Objects.requireNonNull(id, "id");
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    submit(new PendingOp.Change(kind, id, at, attempts, text, recipients, done));
    return done;
  }

  private void submit(PendingOp op) {
    try {
      queue.put(op);
    } catch (SpoolException e) {
      op.fail(e);
    }
  }

  private long freeBytes() {
    if (fileStore == null) {
      return -1;
    }
    try {
      return fileStore.getUsableSpace();
    } catch (IOException e) {
      return -1;
    }
  }

  private Optional<SpoolEntry> entry(QueueId id) {
    byte[] v = store.get(store.entries, Keys.id(id));
    return v == null ? Optional.empty() : Optional.of(EntryCodec.decode(id, v));
  }

  /** Runs a read while the database is open; close waits for reads in progress. */
  private <T> T read(Supplier<T> body) {
    Lock l = lifecycle.readLock();
    l.lock();
    try {
      if (closing) {
        throw closedException();
      }
      return body.get();
    } finally {
      l.unlock();
    }
  }

  private void checkBucket(int bucket) {
    if (bucket < 0 || bucket >= config.buckets()) {
      throw new IllegalArgumentException(
          "bucket must be 0.." + (config.buckets() - 1) + ", got " + bucket);
    }
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      f.cancel(false);
      Thread.currentThread().interrupt();
      throw new SpoolException("interrupted while waiting for the spool", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new SpoolException(cause.getMessage(), cause);
    }
  }
}
