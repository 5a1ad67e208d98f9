package dev.sluice.spool;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes a {@link RocksSpool}: it drains every operation waiting in the {@link
 * PendingQueue}, writes all their changes as one {@link WriteBatch} synced to disk (one sync for
 * many callers: group commit), then takes due messages for the {@code takeDue} calls among them
 * with an unsynced write, and finally completes the callers' futures.
 *
 * <p>One writer means every read-modify-write of an entry is serialised without locks, and a change
 * can never land on an entry another change just removed. A later operation in the same batch sees
 * the earlier ones through an overlay of the entries changed so far.
 *
 * <p>Each operation is read and encoded before any of its changes enter the batch, so one that
 * fails (a damaged entry, a failed read, recipients narrowed to someone the message was never for)
 * fails alone; a failed write fails every operation in the batch, and since a batch is atomic none
 * of them is reported as done.
 *
 * <p><b>When the storage fails.</b> A failed write begins a {@link StorageOutage}: the appends in
 * it fail (their callers were told nothing yet, so nothing acknowledged is lost), and from then on
 * every append is tried and refused at once while RocksDB holds its background error. While the
 * disk is full, changes of state (a delivered message completed, a deferral recorded) are not
 * failed but held, in order, and written first in the next write that succeeds: a delivery that
 * went through while the disk was full is recorded once it has room, instead of being left ACTIVE
 * to be sent again at the next start. At most {@code maxHeld} wait; beyond that they fail as
 * appends do. With nothing to write, the writer retries with a one-key probe, backing off to once a
 * second; the first write that succeeds ends the outage. Takes fail during an outage and the taker
 * tries again later.
 *
 * <p>Futures complete on a virtual thread, one per batch, never on the writer: a caller's dependent
 * action can neither slow the writer nor deadlock it by waiting on the spool.
 *
 * <p>A platform thread, not a virtual one: a RocksDB call is native, and a virtual thread in a
 * native call pins its carrier for the whole sync.
 *
 * <p>Its state is confined to its thread; {@link #syncs} and {@link #committed} may be read from
 * any thread.
 */
final class SpoolWriter implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(SpoolWriter.class);
  private static final byte[] EMPTY = new byte[0];

  /** The key in the metadata family the probe rewrites; nothing reads it. */
  private static final byte[] PROBE_KEY = "probe".getBytes(StandardCharsets.US_ASCII);

  private final SpoolStore store;
  private final PendingQueue queue;
  private final StateCounts counts;
  private final DueFloors floors;
  private final EntryFloor entryFloor;
  private final int buckets;
  private final int batchOps;
  private final long batchBytes;
  private final Thread thread;
  private final ExecutorService completer = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong committed = new AtomicLong();
  private final StorageOutage outage;
  private final int maxHeld;

  /** Changes of state waiting, in order, for the storage to take writes again. */
  private final List<PendingOp> held = new ArrayList<>();

  SpoolWriter(
      SpoolStore store,
      PendingQueue queue,
      StateCounts counts,
      DueFloors floors,
      EntryFloor entryFloor,
      StorageOutage outage,
      int buckets,
      int batchOps,
      long batchBytes,
      int maxHeld) {
    this.store = store;
    this.queue = queue;
    this.counts = counts;
    this.floors = floors;
    this.entryFloor = entryFloor;
    this.outage = outage;
    this.buckets = buckets;
    this.batchOps = batchOps;
    this.batchBytes = batchBytes;
    this.maxHeld = maxHeld;
    this.thread = Thread.ofPlatform().name("spool-writer").daemon(true).unstarted(this);
  }

  void start() {
    thread.start();
  }

  /** Waits until the writer has drained a closed queue and every future has completed. */
  void awaitStopped() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    completer.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  long syncs() {
    return syncs.get();
  }

  long committed() {
    return committed.get();
  }

  @Override
  public void run() {
    while (true) {
      List<PendingOp> ops;
      try {
        ops = queue.drain(batchOps, batchBytes, outage.nanosUntilRetry());
      } catch (InterruptedException e) {
        continue; // nobody interrupts the writer; its callers need it to keep going
      }
      if (ops.isEmpty() && queue.drained()) {
        if (!held.isEmpty()) {
          SpoolException closed = RocksSpool.closedException();
          List<PendingOp> left = List.copyOf(held);
          held.clear();
          completer.execute(() -> left.forEach(op -> op.fail(closed)));
        }
        return;
      }
      List<Runnable> completions = new ArrayList<>(ops.size());
      List<PendingOp> writes = new ArrayList<>(held.size() + ops.size());
      List<PendingOp.Take> takes = new ArrayList<>();
      for (PendingOp op : ops) {
        if (op instanceof PendingOp.Take t) {
          takes.add(t);
        } else {
          writes.add(op);
        }
      }
      boolean retry = outage.retryDue();
      int waited = 0;
      if (!held.isEmpty() && (retry || !writes.isEmpty())) {
        waited = held.size();
        writes.addAll(0, held); // first, so that changes keep their order
        held.clear();
      } else if (retry && writes.isEmpty()) {
        probe();
      }
      try {
        commit(writes, waited, completions);
      } catch (RuntimeException | Error e) {
        log.error("spool writer failed a batch of {} operations", writes.size(), e);
        completions.clear();
        SpoolException failure = wrap("write", e);
        writes.forEach(op -> completions.add(() -> op.fail(failure)));
      }
      for (PendingOp.Take t : takes) {
        try {
          take(t, completions);
        } catch (RuntimeException | Error e) {
          log.error("spool writer failed to take due messages of bucket {}", t.bucket(), e);
          completions.add(() -> t.fail(wrap("take due messages", e)));
        }
      }
      completer.execute(() -> completions.forEach(Runnable::run));
    }
  }

  // ---------------------------------------------------------------- synced changes

  /**
   * Writes the changes of {@code writes} as one synced batch.
   *
   * @param waited how many of them, at the front, are changes held through an outage
   */
  private void commit(List<PendingOp> writes, int waited, List<Runnable> completions) {
    if (writes.isEmpty()) {
      return;
    }
    Batch b = new Batch();
    try (WriteBatch batch = new WriteBatch()) {
      List<PendingOp> accepted = new ArrayList<>(writes.size());
      List<Runnable> done = new ArrayList<>(writes.size());
      for (PendingOp op : writes) {
        Runnable completion;
        try {
          completion =
              switch (op) {
                case PendingOp.Append a -> append(a, batch, b);
                case PendingOp.Change c -> change(c, batch, b);
                case PendingOp.Take t -> throw new IllegalStateException("take in a write batch");
              };
        } catch (SpoolException | IllegalArgumentException e) {
          completions.add(() -> op.fail(e));
          continue;
        }
        accepted.add(op);
        done.add(completion);
      }
      if (batch.count() > 0) {
        try {
          store.writeSynced(batch);
        } catch (RocksDBException e) {
          refused(accepted, e, completions);
          return;
        }
        outage.succeeded(waited);
        syncs.incrementAndGet();
        committed.addAndGet(accepted.size());
        counts.add(b.stateDeltas, b.byteDelta);
        if (b.lowestAppended != null) {
          entryFloor.lower(b.lowestAppended);
        }
      }
      completions.addAll(done);
    } catch (RocksDBException e) {
      // From WriteBatch.put/delete: the batch is unusable, nothing was written.
      throw SpoolStore.failure("write", e);
    }
  }

  /**
   * Fails the appends of a write the storage refused and, when the disk is full, holds its changes
   * of state for the next write (as many as fit; the rest fail too). After any other storage error
   * they fail as well: the write itself may be what the storage cannot take.
   */
  private void refused(List<PendingOp> ops, RocksDBException e, List<Runnable> completions) {
    int messages = 0;
    for (PendingOp op : ops) {
      if (op instanceof PendingOp.Append a) {
        messages += a.entries().size();
      }
    }
    SpoolException failure = outage.failed(e, messages);
    boolean hold = outage.diskFull();
    for (PendingOp op : ops) {
      if (hold && op instanceof PendingOp.Change && held.size() < maxHeld) {
        held.add(op);
      } else {
        completions.add(() -> op.fail(failure));
      }
    }
  }

  /**
   * During an outage with nothing else to write: one synced write of one key, to see if it goes.
   */
  private void probe() {
    try (WriteBatch batch = new WriteBatch()) {
      batch.put(store.meta, PROBE_KEY, EMPTY);
      store.writeSynced(batch);
      outage.succeeded(0);
    } catch (RocksDBException e) {
      outage.failed(e, 0);
    }
  }

  /** What one batch changes besides its WriteBatch. */
  private static final class Batch {
    /** Entries changed by earlier operations of this batch; a null value means removed. */
    final Map<QueueId, SpoolEntry> overlay = new HashMap<>();

    final long[] stateDeltas = new long[SpoolState.values().length];
    long byteDelta;

    /** The smallest entry key appended, or null. */
    byte[] lowestAppended;
  }

  private Runnable append(PendingOp.Append a, WriteBatch batch, Batch b) throws RocksDBException {
    int n = a.entries().size();
    byte[][] keys = new byte[n][];
    byte[][] values = new byte[n][];
    byte[][] dueKeys = new byte[n][];
    List<QueueId> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      SpoolEntry e = a.entries().get(i);
      keys[i] = Keys.id(e.id());
      values[i] = EntryCodec.encode(e);
      dueKeys[i] = Keys.due(e.id().bucket(buckets), e.due(), e.id());
      ids.add(e.id());
    }
    for (int i = 0; i < n; i++) {
      SpoolEntry e = a.entries().get(i);
      batch.put(store.content, keys[i], a.contents().get(i));
      batch.put(store.entries, keys[i], values[i]);
      floors.lower(e.id().bucket(buckets), Keys.millis(e.due()));
      batch.put(store.due, dueKeys[i], EMPTY);
      b.stateDeltas[SpoolState.QUEUED.ordinal()]++;
      b.byteDelta += e.size();
      if (b.lowestAppended == null || Arrays.compareUnsigned(keys[i], b.lowestAppended) < 0) {
        b.lowestAppended = keys[i];
      }
    }
    List<QueueId> result = List.copyOf(ids);
    return () -> a.done().complete(result);
  }

  private Runnable change(PendingOp.Change c, WriteBatch batch, Batch b) throws RocksDBException {
    QueueId id = c.id();
    SpoolEntry cur = b.overlay.containsKey(id) ? b.overlay.get(id) : read(id);
    if (cur == null) {
      return () -> c.done().complete(false);
    }
    SpoolEntry narrowed = c.recipients() == null ? cur : narrow(cur, c.recipients());
    SpoolEntry next =
        switch (c.kind()) {
          case COMPLETE, DELETE -> null;
          case RESCHEDULE -> narrowed.with(SpoolState.DEFERRED, c.at(), c.attempts(), c.text());
          case FAIL ->
              narrowed.with(
                  SpoolState.FAILED,
                  c.at(),
                  cur.state() == SpoolState.ACTIVE ? cur.attempts() + 1 : cur.attempts(),
                  c.text());
          case RETRY_NOW ->
              cur.state() == SpoolState.ACTIVE
                  ? cur
                  : cur.with(waitingState(cur.attempts()), c.at(), cur.attempts(), cur.lastError());
        };
    if (next == cur) {
      return () -> c.done().complete(false);
    }
    int bucket = id.bucket(buckets);
    byte[] key = Keys.id(id);
    byte[] oldDue = waiting(cur.state()) ? Keys.due(bucket, cur.due(), id) : null;
    if (next == null) {
      batch.delete(store.entries, key);
      batch.delete(store.content, key);
      if (oldDue != null) {
        batch.delete(store.due, oldDue);
      }
      b.byteDelta -= cur.size();
    } else {
      byte[] value = EntryCodec.encode(next);
      byte[] newDue = waiting(next.state()) ? Keys.due(bucket, next.due(), id) : null;
      if (oldDue != null && !Arrays.equals(oldDue, newDue)) {
        batch.delete(store.due, oldDue);
      }
      batch.put(store.entries, key, value);
      if (newDue != null) {
        floors.lower(bucket, Keys.millis(next.due()));
        batch.put(store.due, newDue, EMPTY);
      }
      b.stateDeltas[next.state().ordinal()]++;
    }
    b.stateDeltas[cur.state().ordinal()]--;
    b.overlay.put(id, next);
    return () -> c.done().complete(true);
  }

  /**
   * The entry with its recipients narrowed to {@code remaining}, which must all be among its
   * current recipients: a spool never adds an address to an accepted message.
   */
  private static SpoolEntry narrow(SpoolEntry cur, List<String> remaining) {
    List<String> current = cur.envelope().recipients();
    if (remaining.size() > current.size() || !new HashSet<>(current).containsAll(remaining)) {
      throw new IllegalArgumentException(
          "the narrowed recipients of " + cur.id() + " are not among its recipients");
    }
    return cur.withRecipients(remaining);
  }

  // ---------------------------------------------------------------- takes

  /**
   * Scans the bucket's due keys from its floor up to {@code now}, marks up to {@code max} of them
   * ACTIVE and removes their due keys. The write is not synced: if it is lost in a crash the
   * messages are simply due again, which the reopen would make them anyway.
   */
  private void take(PendingOp.Take t, List<Runnable> completions) {
    if (t.done().isDone()) {
      return; // the caller gave up (interrupted) before its turn
    }
    int bucket = t.bucket();
    long nowMillis = Keys.millis(t.now());
    List<SpoolEntry> taken = new ArrayList<>(Math.min(t.max(), 256));
    long[] deltas = new long[SpoolState.values().length];
    long lastTaken = Long.MIN_VALUE;
    long firstSkipped = Long.MAX_VALUE;
    boolean full = false;
    try (WriteBatch batch = new WriteBatch();
        Scan scan =
            store
                .scan(store.due, Keys.dueAfter(bucket, nowMillis))
                .seek(Keys.dueFrom(bucket, floors.get(bucket)))) {
      for (; scan.valid(); scan.next()) {
        if (taken.size() >= t.max()) {
          full = true;
          break;
        }
        byte[] dueKey = scan.key();
        QueueId id = Keys.dueId(dueKey);
        SpoolEntry e = read(id);
        if (e == null
            || !waiting(e.state())
            || !Arrays.equals(dueKey, Keys.due(bucket, e.due(), id))) {
          batch.delete(store.due, dueKey); // a stale key; not expected, harmless to drop
          continue;
        }
        long millis = Keys.dueMillis(dueKey);
        if (e.due().isAfter(t.now())) {
          firstSkipped = Math.min(firstSkipped, millis); // due later within now's millisecond
          continue;
        }
        SpoolEntry active = e.with(SpoolState.ACTIVE, e.due(), e.attempts(), e.lastError());
        batch.put(store.entries, Keys.id(id), EntryCodec.encode(active));
        batch.delete(store.due, dueKey);
        deltas[e.state().ordinal()]--;
        deltas[SpoolState.ACTIVE.ordinal()]++;
        taken.add(active);
        lastTaken = millis;
      }
      if (batch.count() > 0) {
        try {
          store.writeUnsynced(batch);
        } catch (RocksDBException e) {
          SpoolException refused = outage.failed(e, 0);
          completions.add(() -> t.fail(refused));
          return; // nothing taken: counts and floors stay as they were
        }
        outage.succeeded(0);
      }
    } catch (RocksDBException e) {
      throw SpoolStore.failure("take due messages", e);
    }
    counts.add(deltas, 0);
    long floor = full ? lastTaken : nowMillis == Long.MAX_VALUE ? nowMillis : nowMillis + 1;
    floors.raise(bucket, Math.min(floor, firstSkipped));
    List<SpoolEntry> result = List.copyOf(taken);
    completions.add(() -> t.done().complete(result));
  }

  // ---------------------------------------------------------------- helpers

  private SpoolEntry read(QueueId id) {
    byte[] v = store.get(store.entries, Keys.id(id));
    return v == null ? null : EntryCodec.decode(id, v);
  }

  /** Whether a message in this state waits in the due index. */
  static boolean waiting(SpoolState s) {
    return s == SpoolState.QUEUED || s == SpoolState.DEFERRED;
  }

  /** The state of a message made due again: never tried is QUEUED, tried before is DEFERRED. */
  static SpoolState waitingState(int attempts) {
    return attempts == 0 ? SpoolState.QUEUED : SpoolState.DEFERRED;
  }

  private static SpoolException wrap(String what, Throwable e) {
    return e instanceof SpoolException s
        ? s
        : new SpoolException("the spool could not " + what + ": " + e, e);
  }
}
