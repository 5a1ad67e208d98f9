package dev.sluice.feedback.store;

import static dev.sluice.feedback.store.FeedbackDb.EXPIRY;
import static dev.sluice.feedback.store.FeedbackDb.HISTORY;
import static dev.sluice.feedback.store.FeedbackDb.RECIPIENT;
import static dev.sluice.feedback.store.FeedbackDb.REPUTATION;
import static dev.sluice.feedback.store.FeedbackDb.SEEN;
import static dev.sluice.feedback.store.FeedbackDb.SES;
import static dev.sluice.feedback.store.FeedbackDb.SUPPRESSION;
import static dev.sluice.feedback.store.FeedbackDb.SYNC;

import dev.sluice.core.Clock;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.SesEventRecorder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's feedback store, on disk: the history of each message (what the relay did with it,
 * then what SES said of it per recipient), the indexes to find it by SES MessageId and by
 * recipient, the set of SES events already recorded, the suppression list, and hourly reputation
 * counters.
 *
 * <p><b>Design.</b> One RocksDB database of its own ({@link FeedbackDb}), apart from the spool, so
 * it works the same whether the spool is RocksDB or Kafka and can be sized and deleted on its own.
 * Every write is one {@link WriteBatch}: an SES event's id joins the deduplication set in the same
 * batch as the history lines, index entries, suppressions and counters it causes, and the batch is
 * written with a synced log before {@link #record} returns, so an event is either wholly recorded
 * (and then refused as a duplicate forever after, within the retention) or not at all. Writes are
 * serialised by one lock: deduplication is a read followed by a write, and the reputation counters
 * are read, added to and written; a lock is simpler than RocksDB transactions. The disk is waited
 * for after the lock is released, one sync of RocksDB's log for all the writes made meanwhile
 * ({@link WalSync}: group commit), so concurrent recorders share an fsync rather than queue for one
 * each. The relay's own history lines ({@link #recordAccepted}, {@link #append}) are not waited
 * for: the spool, not the history, is what keeps an accepted message safe, and a lost line after a
 * power cut costs only a line. {@link #recordDelivered} is, because it ties the SES MessageId to
 * the queue id.
 *
 * <p><b>Bounded on disk.</b> Each batch also writes an expiry record, keyed by the time it was
 * written, naming every history line, index entry and seen event id it added; {@link #sweep} walks
 * the expiry records older than the retention in key order and deletes what they name, so a sweep
 * reads only what it deletes. A message keeps at most {@link FeedbackSettings#maxEntriesPerMessage}
 * lines. Reputation buckets older than eight days are deleted by the same sweep. Suppressions never
 * expire; they leave the list only when removed.
 *
 * <p><b>Told after the disk.</b> Each SES event recorded for the first time, each recipient it puts
 * on the suppression list and each recipient a door dropped is told to one {@link FeedbackListener}
 * (the relay's event stream) as a {@link FeedbackEvent}, after the write and outside the lock: a
 * duplicate is never told, and a listener that blocks holds up its caller, not other writes. A
 * crash between the write and the telling loses the telling, not the record.
 *
 * <p><b>Events about messages this store did not send</b> (sent by another node, or before the
 * store existed) are kept all the same, under the queue id {@code ses:} + SES MessageId; if the
 * relay later records that SES MessageId as delivered, they are moved to the real queue id.
 *
 * <p><b>Why one class.</b> Its parts (history, indexes, dedupe set, suppressions, counters) are
 * written together in one batch under one lock, and a split would hand that lock and batch around
 * between classes; the byte forms live in {@link Codec} and the database in {@link FeedbackDb}, so
 * what remains here is the store's operations, grouped by section.
 *
 * <p>Thread-safe. Reads ({@link #find}, {@link #history}, listings) take no lock.
 */
public final class FeedbackStore implements SesEventRecorder, Suppressions, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FeedbackStore.class);

  /** The queue id prefix of history kept for messages this store did not see sent. */
  public static final String UNKNOWN = "ses:";

  /** The {@link Suppression#source} of addresses read from the SES account's suppression list. */
  public static final String FROM_SES_ACCOUNT = "ses-account";

  static final int SENDS = 0;
  static final int BOUNCES = 1;
  static final int COMPLAINTS = 2;

  private static final Duration REPUTATION_KEPT = Duration.ofDays(8);
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final int SWEEP_CHUNK = 1000;

  private final FeedbackDb db;
  private final FeedbackSettings settings;
  private final Clock clock;
  private final Object writeLock = new Object();
  private final AtomicLong dropped = new AtomicLong();
  private volatile boolean queueForSes;
  private volatile Sharing sharing;
  private volatile FeedbackListener listener = FeedbackListener.NONE;
  private final WalSync wal;
  private long sequence;

  private FeedbackStore(FeedbackDb db, FeedbackSettings settings, Clock clock) {
    this.db = db;
    this.settings = settings;
    this.clock = clock;
    this.wal = new WalSync(() -> db.db.syncWal());
    try (RocksIterator it = db.db.newIterator(db.cf(EXPIRY))) {
      it.seekToLast();
      sequence = it.isValid() ? Codec.longAt(it.key(), 8) + 1 : 0;
    }
  }

  /**
   * Opens (creating if needed) the store in {@code dir}.
   *
   * @throws StoreInUseException if another process has it open
   */
  public static FeedbackStore open(Path dir, FeedbackSettings settings, Clock clock)
      throws IOException {
    return new FeedbackStore(FeedbackDb.open(dir), settings, clock);
  }

  // ---------------------------------------------------------------- recording

  /**
   * Tells {@code listener} of what is recorded from now on (SES's events per recipient, and the
   * recipients they put on the suppression list or {@link #recordDropped doors dropped}); replaces
   * the listener before.
   */
  public void listen(FeedbackListener listener) {
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
  }

  /** {@inheritDoc} Once it is on disk, a new event is told to the {@link #listen listener}. */
  @Override
  public boolean record(SesEvent event) throws IOException {
    return record(event, true);
  }

  /**
   * Records an event another node took and shared (distributed mode): as {@link #record}, except
   * that it puts no one on the suppression list: the node that took it shares the suppressions it
   * causes on their own ({@link #suppressionsOf}), in the order of every other change of the list,
   * and queues them for the SES account's list.
   */
  public boolean recordShared(SesEvent event) throws IOException {
    return record(event, false);
  }

  private boolean record(SesEvent event, boolean here) throws IOException {
    byte[] id = Codec.utf8(event.id());
    List<FeedbackEvent> told = new ArrayList<>();
    long write;
    synchronized (writeLock) {
      if (get(SEEN, id) != null) {
        // Seen, perhaps in a write not yet on disk: answer once it is.
        write = wal.last();
        told = null;
      } else {
        write = recordLocked(event, id, told, here);
      }
    }
    wal.await(write);
    if (told == null) {
      return false;
    }
    tell(told);
    return true;
  }

  /**
   * Writes what a new event causes, unsynced; the number of the write. The caller holds the lock.
   */
  private long recordLocked(SesEvent event, byte[] id, List<FeedbackEvent> told, boolean here)
      throws IOException {
    try (Txn txn = new Txn()) {
      long now = clock.millis();
      txn.put(SEEN, id, Codec.longBytes(now), true);
      byte[] sesKey = Codec.utf8(event.sesMessageId());
      byte[] known = get(SES, sesKey);
      String queueId;
      String set = event.configurationSet();
      if (known != null) {
        String[] sent = sent(known);
        queueId = sent[0];
        if (set.isEmpty()) {
          // Identity notifications name no set: the one the relay sent the message with counts.
          set = sent[1];
        }
      } else {
        queueId = UNKNOWN + event.sesMessageId();
        txn.put(SES, sesKey, Codec.utf8(queueId), true);
      }
      String detail = describe(event);
      List<SesEvent.Recipient> recipients = event.recipients();
      String toldQueueId = known == null ? null : queueId;
      if (recipients.isEmpty()) {
        txn.append(
            queueId,
            new HistoryEntry(
                event.time(), HistoryEntry.Kind.EVENT, "", event.sesMessageId(), detail));
        told.add(FeedbackEvent.of(event, toldQueueId, set, null));
      }
      java.util.Set<String> listed = new java.util.HashSet<>();
      Suppression.Reason reason = suppressionReason(event);
      for (SesEvent.Recipient r : recipients) {
        String address = Suppressions.normalise(r.address());
        String words =
            r.status().isEmpty() && r.diagnostic().isEmpty()
                ? detail
                : detail + ": " + (r.status() + " " + r.diagnostic()).strip();
        txn.append(
            queueId,
            new HistoryEntry(
                event.time(), HistoryEntry.Kind.EVENT, address, event.sesMessageId(), words));
        told.add(FeedbackEvent.of(event, toldQueueId, set, r));
        if (known == null) {
          txn.indexRecipient(address, now, queueId);
        }
        if (here && reason != null && settings.suppressOn().contains(reason)) {
          byte[] key = Codec.utf8(address);
          if (get(SUPPRESSION, key) == null && listed.add(address)) {
            Suppression s = suppression(event, address, reason);
            txn.put(SUPPRESSION, key, Codec.suppression(s), false);
            if (queuesForSes(s)) {
              txn.put(SYNC, pushKey(address), pushValue(s), false);
            }
            told.add(FeedbackEvent.listed(event, toldQueueId, set, s));
          }
        }
      }
      countReputation(txn, event, set);
      return txn.commit(now);
    }
  }

  /**
   * Records recipients a door dropped from a message because they are on the suppression list: a
   * {@code SUPPRESSED} line each in its history, told to the {@link #listen listener}.
   *
   * @param configurationSet the set the message names (or the relay's default), or empty
   */
  public void recordDropped(
      String queueId, Instant time, String configurationSet, List<Suppression> dropped)
      throws IOException {
    if (dropped.isEmpty()) {
      return;
    }
    List<FeedbackEvent> told = new ArrayList<>(dropped.size());
    synchronized (writeLock) {
      try (Txn txn = new Txn()) {
        for (Suppression s : dropped) {
          String refusal = s.refusal(s.address());
          txn.append(
              queueId,
              new HistoryEntry(time, HistoryEntry.Kind.SUPPRESSED, s.address(), "", refusal));
          told.add(FeedbackEvent.dropped(queueId, time, configurationSet, s.address(), s));
        }
        txn.commit(clock.millis());
      }
    }
    tell(told);
  }

  private void tell(List<FeedbackEvent> told) {
    if (told.isEmpty()) {
      return;
    }
    try {
      listener.recorded(List.copyOf(told));
    } catch (RuntimeException e) {
      // Recorded all the same: the stream is commentary, the store is the record.
      log.warn("the feedback listener failed: {}", e.toString());
    }
  }

  /**
   * The suppressions recording {@code event} causes, as this store's settings say (whether or not
   * the addresses are on the list already).
   */
  public List<Suppression> suppressionsOf(SesEvent event) {
    Suppression.Reason reason = suppressionReason(event);
    if (reason == null || !settings.suppressOn().contains(reason)) {
      return List.of();
    }
    List<Suppression> out = new ArrayList<>();
    for (SesEvent.Recipient r : event.recipients()) {
      out.add(suppression(event, Suppressions.normalise(r.address()), reason));
    }
    return out;
  }

  private static Suppression suppression(SesEvent event, String address, Suppression.Reason r) {
    return new Suppression(
        address,
        r,
        event.time(),
        event.sesMessageId() + " " + event.type() + " " + event.id(),
        "event");
  }

  /** Records that a door took a message: the first line of its history. */
  public void recordAccepted(
      String queueId, Instant time, String door, String client, long size, List<String> recipients)
      throws IOException {
    synchronized (writeLock) {
      try (Txn txn = new Txn()) {
        long now = clock.millis();
        String detail =
            "by "
                + door
                + " from "
                + client
                + ", "
                + size
                + " bytes, "
                + recipients.size()
                + (recipients.size() == 1 ? " recipient" : " recipients");
        txn.append(queueId, new HistoryEntry(time, HistoryEntry.Kind.ACCEPTED, "", "", detail));
        for (String r : recipients) {
          txn.indexRecipient(Suppressions.normalise(r), time.toEpochMilli(), queueId);
        }
        txn.commit(now);
      }
    }
  }

  /**
   * Records that SES accepted a message: ties each SES MessageId it gave (one per call, when the
   * recipients were split across calls) to the queue id, and counts the recipients as sends.
   *
   * @param configurationSet the configuration set it was sent with, or empty
   */
  public void recordDelivered(
      String queueId,
      Instant time,
      List<String> sesMessageIds,
      List<String> recipients,
      String configurationSet)
      throws IOException {
    wal.await(recordDeliveredUnsynced(queueId, time, sesMessageIds, recipients, configurationSet));
  }

  /**
   * {@link #recordDelivered}, without waiting for the disk: visible at once, durable with the next
   * sync of the log (another writer's, or {@link #sync}). For a writer that records many in a row
   * and syncs once for all of them.
   *
   * @return the number of the write
   */
  public long recordDeliveredUnsynced(
      String queueId,
      Instant time,
      List<String> sesMessageIds,
      List<String> recipients,
      String configurationSet)
      throws IOException {
    long write;
    synchronized (writeLock) {
      try (Txn txn = new Txn()) {
        long now = clock.millis();
        String detail =
            recipients.size()
                + (recipients.size() == 1 ? " recipient" : " recipients")
                + (configurationSet.isEmpty() ? "" : ", configuration set " + configurationSet);
        if (sesMessageIds.isEmpty()) {
          // An upstream that gives no MessageId (plain SMTP): the line all the same.
          txn.append(queueId, new HistoryEntry(time, HistoryEntry.Kind.DELIVERED, "", "", detail));
        }
        for (String sesMessageId : sesMessageIds) {
          byte[] sesKey = Codec.utf8(sesMessageId);
          byte[] before = get(SES, sesKey);
          txn.put(
              SES,
              sesKey,
              Codec.utf8(configurationSet.isEmpty() ? queueId : queueId + "\n" + configurationSet),
              true);
          txn.append(
              queueId,
              new HistoryEntry(time, HistoryEntry.Kind.DELIVERED, "", sesMessageId, detail));
          String pseudo = before == null ? "" : sent(before)[0];
          if (pseudo.startsWith(UNKNOWN)) {
            // SES's events overtook the relay's own record of the send: bring them home.
            for (HistoryEntry e : history(pseudo)) {
              txn.append(queueId, e);
            }
            txn.deletePrefix(HISTORY, Codec.prefix(pseudo));
          }
        }
        txn.add(configurationSet, time.toEpochMilli(), SENDS, recipients.size());
        write = txn.commit(now);
      }
    }
    return write;
  }

  /** Whether every write taken so far is on disk. */
  public boolean synced() {
    return wal.synced();
  }

  /** Returns once every write taken so far is on disk (one sync of the log, shared). */
  public void sync() throws IOException {
    wal.await(wal.last());
  }

  /** Adds a line to a message's history (an attempt, a deferral, a failure, a suppression). */
  public void append(String queueId, HistoryEntry entry) throws IOException {
    synchronized (writeLock) {
      try (Txn txn = new Txn()) {
        txn.append(queueId, entry);
        txn.commit(clock.millis());
      }
    }
  }

  /** History lines dropped because their message already had the most it may keep. */
  public long droppedEntries() {
    return dropped.get();
  }

  private static String describe(SesEvent e) {
    StringBuilder b = new StringBuilder(e.type().name());
    if (!e.bounceType().isEmpty()) {
      b.append(' ').append(e.bounceType());
      if (!e.bounceSubType().isEmpty()) {
        b.append('/').append(e.bounceSubType());
      }
    }
    if (!e.complaintFeedbackType().isEmpty()) {
      b.append(' ').append(e.complaintFeedbackType());
    }
    if (!e.configurationSet().isEmpty()) {
      b.append(" (configuration set ").append(e.configurationSet()).append(')');
    }
    return b.toString();
  }

  /** Why the event suppresses its recipients, or null if it does not. */
  static Suppression.Reason suppressionReason(SesEvent e) {
    if (!e.suppresses()) {
      return null;
    }
    if (e.type() == SesEvent.Type.COMPLAINT) {
      return Suppression.Reason.COMPLAINT;
    }
    return "OnAccountSuppressionList".equals(e.bounceSubType())
        ? Suppression.Reason.SES
        : Suppression.Reason.BOUNCE;
  }

  /**
   * An SES MessageId's value: the queue id, then, after a line feed, the configuration set the
   * relay sent it with (absent when none, and in values written before sets were kept).
   *
   * @return the queue id and the set (empty for none)
   */
  private static String[] sent(byte[] value) {
    String v = Codec.utf8(value, 0, value.length);
    int nl = v.indexOf('\n');
    return nl < 0 ? new String[] {v, ""} : new String[] {v.substring(0, nl), v.substring(nl + 1)};
  }

  private static void countReputation(Txn txn, SesEvent e, String configurationSet) {
    int n = e.recipients().size();
    long t = e.time().toEpochMilli();
    // SES does not count bounces and complaints for addresses on the account's own list.
    if (e.type() == SesEvent.Type.BOUNCE
        && "Permanent".equals(e.bounceType())
        && !"OnAccountSuppressionList".equals(e.bounceSubType())) {
      txn.add(configurationSet, t, BOUNCES, n);
    } else if (e.type() == SesEvent.Type.COMPLAINT
        && !e.json().contains("\"OnAccountSuppressionList\"")) {
      txn.add(configurationSet, t, COMPLAINTS, n);
    }
  }

  // ---------------------------------------------------------------- history look-ups

  /** The history of a queue id (or {@code ses:} + SES MessageId), oldest first; empty if none. */
  public List<HistoryEntry> history(String queueId) {
    byte[] prefix = Codec.prefix(queueId);
    List<HistoryEntry> entries = new ArrayList<>();
    try (RocksIterator it = db.db.newIterator(db.cf(HISTORY))) {
      for (it.seek(prefix); it.isValid() && Codec.startsWith(it.key(), prefix); it.next()) {
        entries.add(Codec.entry(it.value()));
      }
    }
    // Lines are kept in the order written; SES's events may carry earlier times than the relay's
    // own lines written after them. The sort is stable, so equal times keep their order.
    entries.sort(Comparator.comparing(HistoryEntry::time));
    return entries;
  }

  /** The queue id an SES MessageId belongs to ({@code ses:…} if this store did not send it). */
  public Optional<String> queueIdOf(String sesMessageId) {
    byte[] v = get(SES, Codec.utf8(sesMessageId));
    return v == null ? Optional.empty() : Optional.of(sent(v)[0]);
  }

  /**
   * The messages an address was a recipient of, newest first, at most {@code limit}, starting after
   * the cursor {@code after} (empty for the first page).
   */
  public Page<RecipientHit> messagesTo(String address, String after, int limit) {
    byte[] prefix = Codec.prefix(Suppressions.normalise(address));
    List<RecipientHit> hits = new ArrayList<>();
    String next = "";
    try (RocksIterator it = db.db.newIterator(db.cf(RECIPIENT))) {
      byte[] from = after.isEmpty() ? prefix : HexFormat.of().parseHex(after);
      it.seek(from);
      if (!after.isEmpty() && it.isValid() && java.util.Arrays.equals(it.key(), from)) {
        it.next();
      }
      for (; it.isValid() && Codec.startsWith(it.key(), prefix); it.next()) {
        if (hits.size() == limit) {
          next = HexFormat.of().formatHex(lastKey(hits, prefix));
          break;
        }
        byte[] k = it.key();
        long millis = Long.MAX_VALUE - Codec.longAt(k, prefix.length);
        String queueId = Codec.utf8(k, prefix.length + 8, k.length);
        hits.add(new RecipientHit(Instant.ofEpochMilli(millis), queueId));
      }
    }
    return new Page<>(hits, next);
  }

  private static byte[] lastKey(List<RecipientHit> hits, byte[] prefix) {
    RecipientHit last = hits.getLast();
    byte[] q = Codec.utf8(last.queueId());
    byte[] k = java.util.Arrays.copyOf(prefix, prefix.length + 8 + q.length);
    System.arraycopy(
        Codec.longBytes(Long.MAX_VALUE - last.time().toEpochMilli()), 0, k, prefix.length, 8);
    System.arraycopy(q, 0, k, prefix.length + 8, q.length);
    return k;
  }

  // ---------------------------------------------------------------- suppression

  @Override
  public Optional<Suppression> find(String address) {
    String normal = Suppressions.normalise(address);
    byte[] v = get(SUPPRESSION, Codec.utf8(normal));
    return v == null ? Optional.empty() : Optional.of(Codec.suppression(normal, v));
  }

  /**
   * Puts an address on the suppression list unless it is there already (the first reason stays).
   *
   * @return true if it was added
   */
  public boolean suppress(Suppression s) throws IOException {
    return suppressAll(List.of(s)) == 1;
  }

  /**
   * Puts addresses on the suppression list in one synced write, each unless it is there already;
   * for imports, where a synced write per address would take a millisecond each.
   *
   * @return how many were added
   */
  public int suppressAll(List<Suppression> entries) throws IOException {
    return suppressAll(entries, true);
  }

  /**
   * Adds suppressions another node made and shared (distributed mode): as {@link #suppressAll}, but
   * neither shared again nor queued for the SES account's list.
   */
  public int suppressShared(List<Suppression> entries) throws IOException {
    return suppressAll(entries, false);
  }

  private int suppressAll(List<Suppression> entries, boolean here) throws IOException {
    synchronized (writeLock) {
      List<Suppression> added = new ArrayList<>();
      java.util.Set<String> inBatch = new java.util.HashSet<>();
      try (WriteBatch b = new WriteBatch()) {
        for (Suppression s : entries) {
          String normal = Suppressions.normalise(s.address());
          byte[] key = Codec.utf8(normal);
          if (!inBatch.add(normal) || get(SUPPRESSION, key) != null) {
            continue;
          }
          Suppression kept = new Suppression(normal, s.reason(), s.time(), s.cause(), s.source());
          b.put(db.cf(SUPPRESSION), key, Codec.suppression(kept));
          if (here && queuesForSes(kept)) {
            b.put(db.cf(SYNC), pushKey(normal), pushValue(kept));
          }
          added.add(kept);
        }
        Sharing to = sharing;
        if (here && to != null && !added.isEmpty()) {
          to.suppressed(added);
        }
        if (!added.isEmpty()) {
          db.db.write(db.synced, b);
        }
      } catch (RocksDBException e) {
        throw failure("add suppressions", e);
      }
      return added.size();
    }
  }

  /**
   * Takes an address off the suppression list.
   *
   * @return true if it was there
   */
  public boolean unsuppress(String address) throws IOException {
    return unsuppress(address, true);
  }

  /** Takes off an address another node took off and shared (distributed mode). */
  public boolean unsuppressShared(String address) throws IOException {
    return unsuppress(address, false);
  }

  private boolean unsuppress(String address, boolean here) throws IOException {
    String normal = Suppressions.normalise(address);
    byte[] key = Codec.utf8(normal);
    synchronized (writeLock) {
      if (get(SUPPRESSION, key) == null) {
        return false;
      }
      Sharing to = sharing;
      if (here && to != null) {
        to.unsuppressed(normal);
      }
      try (WriteBatch b = new WriteBatch()) {
        b.delete(db.cf(SUPPRESSION), key);
        b.delete(db.cf(SYNC), pushKey(normal));
        db.db.write(db.synced, b);
      } catch (RocksDBException e) {
        throw failure("remove a suppression", e);
      }
      return true;
    }
  }

  /**
   * Suppressed addresses in address order: those starting with {@code prefix} (empty for all), of
   * {@code reason} (null for any), after {@code after} (empty to start), at most {@code limit}.
   */
  public Page<Suppression> suppressions(
      String prefix, Suppression.Reason reason, String after, int limit) {
    byte[] p = Codec.utf8(Suppressions.normalise(prefix));
    List<Suppression> items = new ArrayList<>();
    String next = "";
    try (RocksIterator it = db.db.newIterator(db.cf(SUPPRESSION))) {
      byte[] from = after.isEmpty() ? p : Codec.utf8(after);
      it.seek(from);
      if (!after.isEmpty() && it.isValid() && java.util.Arrays.equals(it.key(), from)) {
        it.next();
      }
      for (; it.isValid() && Codec.startsWith(it.key(), p); it.next()) {
        byte[] k = it.key();
        Suppression s = Codec.suppression(Codec.utf8(k, 0, k.length), it.value());
        if (reason != null && s.reason() != reason) {
          continue;
        }
        if (items.size() == limit) {
          next = items.getLast().address();
          break;
        }
        items.add(s);
      }
    }
    return new Page<>(items, next);
  }

  /**
   * Compacts the suppression list into one sorted run, so a look-up reads at most one table file;
   * worth doing after a large import, which RocksDB would otherwise compact in the background while
   * look-ups wait for the disk.
   */
  public void compactSuppressions() throws IOException {
    try {
      db.db.compactRange(db.cf(SUPPRESSION));
    } catch (RocksDBException e) {
      throw failure("compact the suppression list", e);
    }
  }

  /** RocksDB's estimate of the number of suppressed addresses (exact after a compaction). */
  public long estimatedSuppressions() {
    return property(SUPPRESSION, "rocksdb.estimate-num-keys");
  }

  /**
   * The native memory the store holds, in bytes: {@code block-cache} (shared by every family, with
   * their index and filter blocks), {@code memtables} (all families), {@code table-readers}.
   */
  public java.util.Map<String, Long> nativeMemory() {
    long memtables = 0;
    long readers = 0;
    for (int f = 0; f <= EXPIRY; f++) {
      memtables += property(f, "rocksdb.cur-size-all-mem-tables");
      readers += property(f, "rocksdb.estimate-table-readers-mem");
    }
    return java.util.Map.of(
        "block-cache",
        property(0, "rocksdb.block-cache-usage"),
        "memtables",
        memtables,
        "table-readers",
        readers);
  }

  private long property(int family, String name) {
    try {
      return db.db.getLongProperty(db.cf(family), name);
    } catch (RocksDBException e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- sharing between nodes

  /**
   * Where the suppression list's changes made on this node are shared with the other nodes' stores
   * (distributed mode). Called under the store's write lock, before the change is written here: a
   * change that cannot be shared is not made, and the caller gets the failure.
   */
  public interface Sharing {
    /** Addresses about to be added here (only those not on the list already). */
    void suppressed(List<Suppression> added) throws IOException;

    /** An address about to be taken off here (only one that is on the list). */
    void unsuppressed(String address) throws IOException;
  }

  /**
   * From now on, hands every change this node makes to the suppression list through {@link
   * #suppressAll} and {@link #unsuppress} (the operator's, imports, the SES account list's) to
   * {@code to}; the {@code …Shared} methods and suppressions caused by SES events are not handed
   * over (whoever takes an event shares what it causes with it: {@link #suppressionsOf}).
   */
  public void share(Sharing to) {
    sharing = to;
  }

  // ---------------------------------------------------------------- the SES account's list

  /**
   * From now on, queue every address this store suppresses for the SES account's list ({@link
   * #pendingForSes}), except those read from it ({@link #FROM_SES_ACCOUNT}) and those suppressed
   * because SES already lists them ({@link Suppression.Reason#SES}). Off until turned on.
   */
  public void queueForSes(boolean on) {
    queueForSes = on;
  }

  private static final String PUSH = "push\0";
  private static final String MARK = "state\0";

  private boolean queuesForSes(Suppression s) {
    return queueForSes
        && s.reason() != Suppression.Reason.SES
        && !FROM_SES_ACCOUNT.equals(s.source());
  }

  private static byte[] pushKey(String normalised) {
    return Codec.utf8(PUSH + normalised);
  }

  private static byte[] pushValue(Suppression s) {
    return new byte[] {(byte) s.reason().ordinal()};
  }

  /**
   * Suppressions waiting to be put on the SES account's list, in address order, at most {@code
   * limit}; each stays until {@link #sentToSes} or until the address is unsuppressed. Only the
   * address and reason of each are meaningful.
   */
  public List<Suppression> pendingForSes(int limit) {
    byte[] prefix = Codec.utf8(PUSH);
    List<Suppression> out = new ArrayList<>();
    try (RocksIterator it = db.db.newIterator(db.cf(SYNC))) {
      for (it.seek(prefix);
          it.isValid() && Codec.startsWith(it.key(), prefix) && out.size() < limit;
          it.next()) {
        byte[] k = it.key();
        out.add(
            new Suppression(
                Codec.utf8(k, prefix.length, k.length),
                Suppression.Reason.values()[it.value()[0]],
                Instant.EPOCH,
                "",
                ""));
      }
    }
    return out;
  }

  /** Takes an address off the queue for the SES account's list: it is there, or never will be. */
  public void sentToSes(String address) throws IOException {
    try (WriteBatch b = new WriteBatch()) {
      b.delete(db.cf(SYNC), pushKey(Suppressions.normalise(address)));
      db.db.write(db.unsynced, b);
    } catch (RocksDBException e) {
      throw failure("dequeue an address for SES", e);
    }
  }

  /** A value kept under {@code name} by {@link #state(String, String)}, if any. */
  public Optional<String> state(String name) {
    byte[] v = get(SYNC, Codec.utf8(MARK + name));
    return v == null ? Optional.empty() : Optional.of(Codec.utf8(v, 0, v.length));
  }

  /**
   * Keeps a small value under {@code name}, durably (how far the SES account's list or a shared
   * topic has been read, this node's id), or forgets it with null.
   */
  public void state(String name, String value) throws IOException {
    try (WriteBatch b = new WriteBatch()) {
      byte[] key = Codec.utf8(MARK + name);
      if (value == null) {
        b.delete(db.cf(SYNC), key);
      } else {
        b.put(db.cf(SYNC), key, Codec.utf8(value));
      }
      db.db.write(db.synced, b);
    } catch (RocksDBException e) {
      throw failure("keep " + name, e);
    }
  }

  // ---------------------------------------------------------------- reputation

  /**
   * Sends, hard bounces and complaints over the {@code window} up to now, in whole hours (the
   * current hour included), for one configuration set or, with {@code ""}, for all.
   */
  public Reputation reputation(String configurationSet, Duration window) {
    long hourNow = clock.millis() / HOUR;
    long first = hourNow - Math.max(1, window.toMillis() / HOUR) + 1;
    long[] sum = new long[3];
    byte[] prefix = Codec.prefix(configurationSet);
    try (RocksIterator it = db.db.newIterator(db.cf(REPUTATION))) {
      for (it.seek(Codec.key(configurationSet, first));
          it.isValid() && Codec.startsWith(it.key(), prefix);
          it.next()) {
        long hour = Codec.longAt(it.key(), prefix.length);
        if (hour > hourNow) {
          break;
        }
        sum[(int) Codec.longAt(it.key(), prefix.length + 8)] += Codec.longAt(it.value(), 0);
      }
    }
    return new Reputation(sum[SENDS], sum[BOUNCES], sum[COMPLAINTS]);
  }

  /** The configuration sets that have reputation counters (not the overall one, {@code ""}). */
  public List<String> configurationSets() {
    List<String> sets = new ArrayList<>();
    try (RocksIterator it = db.db.newIterator(db.cf(REPUTATION))) {
      it.seekToFirst();
      while (it.isValid()) {
        String set = Codec.text(it.key());
        if (!set.isEmpty()) {
          sets.add(set);
        }
        byte[] p = Codec.prefix(set);
        p[p.length - 1] = 1; // just past every key of this set
        it.seek(p);
      }
    }
    return sets;
  }

  // ---------------------------------------------------------------- retention

  /**
   * Deletes history, index entries and seen event ids written longer than the retention ago, and
   * reputation buckets older than eight days.
   *
   * @return how many expiry records were processed
   */
  public int sweep() throws IOException {
    long cutoff = clock.millis() - settings.retention().toMillis();
    int swept = 0;
    while (true) {
      int n = sweepChunk(cutoff);
      swept += n;
      if (n < SWEEP_CHUNK) {
        break;
      }
    }
    sweepReputation(clock.millis() - REPUTATION_KEPT.toMillis());
    return swept;
  }

  private int sweepChunk(long cutoff) throws IOException {
    synchronized (writeLock) {
      int n = 0;
      try (RocksIterator it = db.db.newIterator(db.cf(EXPIRY));
          WriteBatch b = new WriteBatch()) {
        for (it.seekToFirst(); it.isValid() && n < SWEEP_CHUNK; it.next()) {
          if (Codec.longAt(it.key(), 0) >= cutoff) {
            break;
          }
          for (Codec.Doomed d : Codec.doomed(it.value())) {
            b.delete(db.cf(d.family()), d.key());
          }
          b.delete(db.cf(EXPIRY), it.key());
          n++;
        }
        db.db.write(db.unsynced, b);
      } catch (RocksDBException e) {
        throw failure("sweep old history", e);
      }
      return n;
    }
  }

  private void sweepReputation(long cutoff) throws IOException {
    long cutoffHour = cutoff / HOUR;
    synchronized (writeLock) {
      try (RocksIterator it = db.db.newIterator(db.cf(REPUTATION));
          WriteBatch b = new WriteBatch()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] k = it.key();
          if (Codec.longAt(k, Codec.indexOf(k, Codec.SEP) + 1) < cutoffHour) {
            b.delete(db.cf(REPUTATION), k);
          }
        }
        db.db.write(db.unsynced, b);
      } catch (RocksDBException e) {
        throw failure("sweep old reputation counters", e);
      }
    }
  }

  // ---------------------------------------------------------------- plumbing

  private byte[] get(int family, byte[] key) {
    try {
      return db.db.get(db.cf(family), key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("the feedback store could not read: " + e.getMessage(), e);
    }
  }

  private static IOException failure(String what, RocksDBException e) {
    return new IOException("the feedback store could not " + what + ": " + e.getMessage(), e);
  }

  /**
   * One write: a batch, the keys it adds that expire, the next history index of each queue id it
   * appends to, and the reputation counters it adds to. Confined to the thread holding the lock.
   */
  private final class Txn implements AutoCloseable {
    private final WriteBatch batch = new WriteBatch();
    private final List<Codec.Doomed> doomed = new ArrayList<>();
    private final java.util.Map<String, Long> nextIndex = new java.util.HashMap<>();
    private final java.util.Map<String, long[]> counters = new java.util.LinkedHashMap<>();

    void put(int family, byte[] key, byte[] value, boolean expires) {
      try {
        batch.put(db.cf(family), key, value);
      } catch (RocksDBException e) {
        throw new IllegalStateException(e);
      }
      if (expires) {
        doomed.add(new Codec.Doomed(family, key));
      }
    }

    void append(String queueId, HistoryEntry entry) {
      long index = nextIndex.computeIfAbsent(queueId, FeedbackStore.this::nextIndex);
      if (index >= settings.maxEntriesPerMessage()) {
        dropped.incrementAndGet();
        return;
      }
      nextIndex.put(queueId, index + 1);
      put(HISTORY, Codec.key(queueId, index), Codec.entry(entry), true);
    }

    void indexRecipient(String address, long millis, String queueId) {
      byte[] p = Codec.key(address, Long.MAX_VALUE - millis);
      byte[] q = Codec.utf8(queueId);
      byte[] k = java.util.Arrays.copyOf(p, p.length + q.length);
      System.arraycopy(q, 0, k, p.length, q.length);
      put(RECIPIENT, k, new byte[0], true);
    }

    void deletePrefix(int family, byte[] prefix) {
      try (RocksIterator it = db.db.newIterator(db.cf(family))) {
        for (it.seek(prefix); it.isValid() && Codec.startsWith(it.key(), prefix); it.next()) {
          batch.delete(db.cf(family), it.key());
        }
      } catch (RocksDBException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Adds {@code n} to a counter of the hour of {@code millis}, overall and for the set. */
    void add(String configurationSet, long millis, int counter, long n) {
      long hour = millis / HOUR;
      addOne("", hour, counter, n);
      if (!configurationSet.isEmpty()) {
        addOne(configurationSet, hour, counter, n);
      }
    }

    private void addOne(String set, long hour, int counter, long n) {
      byte[] key = Codec.key(set, hour, counter);
      counters
              .computeIfAbsent(
                  HexFormat.of().formatHex(key),
                  k -> {
                    byte[] v = get(REPUTATION, key);
                    return new long[] {v == null ? 0 : Codec.longAt(v, 0)};
                  })[0] +=
          n;
    }

    /**
     * Writes the batch to RocksDB's log without waiting for the disk; the number to {@link
     * WalSync#await} for when it must be durable.
     */
    long commit(long now) throws IOException {
      try {
        for (var c : counters.entrySet()) {
          batch.put(
              db.cf(REPUTATION),
              HexFormat.of().parseHex(c.getKey()),
              Codec.longBytes(c.getValue()[0]));
        }
        if (!doomed.isEmpty()) {
          batch.put(db.cf(EXPIRY), Codec.longBytes2(now, sequence++), Codec.doomed(doomed));
        }
        db.db.write(db.unsynced, batch);
        return wal.wrote();
      } catch (RocksDBException e) {
        throw failure("record", e);
      }
    }

    @Override
    public void close() {
      batch.close();
    }
  }

  /** The index the next history line of {@code queueId} gets: one past the last kept. */
  private long nextIndex(String queueId) {
    byte[] prefix = Codec.prefix(queueId);
    try (RocksIterator it = db.db.newIterator(db.cf(HISTORY))) {
      it.seekForPrev(Codec.key(queueId, Long.MAX_VALUE));
      if (it.isValid() && Codec.startsWith(it.key(), prefix)) {
        return Codec.longAt(it.key(), prefix.length) + 1;
      }
      return 0;
    }
  }

  @Override
  public void close() {
    synchronized (writeLock) {
      db.close();
    }
  }
}
