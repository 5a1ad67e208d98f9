package dev.sluice.spool;

import dev.sluice.core.spool.SpoolException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under a {@link RocksSpool}: four column families and the write options, and
 * the native handles to release.
 *
 * <ul>
 *   <li>{@code default}: spool metadata (format, bucket count, the writer's probe key);
 *   <li>{@code content}: queue id → message octets;
 *   <li>{@code entries}: queue id → {@link EntryCodec encoded} entry;
 *   <li>{@code due}: {@link Keys#due due key} → nothing, for QUEUED and DEFERRED messages only.
 * </ul>
 *
 * <p><b>A full disk.</b> A write that finds the disk full puts RocksDB in a background-error state
 * in which it refuses every write. It leaves that state by itself: its SstFileManager (one is made
 * at open) looks at the free space every 5 seconds and, once a memtable's worth ({@link
 * #WRITE_BUFFER}) is free, flushes the memtables and starts a new write-ahead log; writes then go
 * through again. The memtables never held the refused write, and the log it may have reached in
 * part is no longer replayed, so nothing that was refused comes back. Rejected: closing and
 * reopening the database to recover (rocksdbjni has no {@code DB::Resume()}), because a reopen
 * replays that log, and a write reported failed that reached the log whole would reappear, unknown
 * to the spool's counters and to the caller it failed.
 *
 * <p>Thread-safe as RocksDB is; {@link #close} must not run while another call is in progress.
 */
final class SpoolStore implements AutoCloseable {
  private static final byte[] CONTENT = "content".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENTRIES = "entries".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DUE = "due".getBytes(StandardCharsets.US_ASCII);

  /**
   * Memtable size of each column family, and the free space RocksDB needs before it writes again
   * after a disk-full error.
   */
  static final long WRITE_BUFFER = 16L << 20;

  /** The most write-ahead log kept before RocksDB flushes the memtables it holds: four of them. */
  static final long MAX_LOG = 4 * WRITE_BUFFER;

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final List<ColumnFamilyHandle> handles;
  private final WriteOptions synced;
  private final WriteOptions unsynced;
  final RocksDB db;
  final ColumnFamilyHandle meta;
  final ColumnFamilyHandle content;
  final ColumnFamilyHandle entries;
  final ColumnFamilyHandle due;

  private SpoolStore(
      DBOptions dbOptions, ColumnFamilyOptions cfOptions, RocksDB db, List<ColumnFamilyHandle> h) {
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.db = db;
    this.handles = h;
    this.meta = h.get(0);
    this.content = h.get(1);
    this.entries = h.get(2);
    this.due = h.get(3);
    this.synced = new WriteOptions().setSync(true);
    this.unsynced = new WriteOptions().setSync(false);
  }

  /** Opens (creating if needed) the database in {@code dir}. */
  static SpoolStore open(Path dir) {
    RocksDB.loadLibrary();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new SpoolException("cannot create the spool directory " + dir + ": " + e, e);
    }
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            // The entries and due families fill their memtables slowly, and a log file is kept
            // until every family has flushed what it holds; without a cap the log would grow to
            // gigabytes, and a reopen after a crash would replay all of it. The cap is most of
            // the disk the spool takes besides its messages: taking and delivering 200,000
            // messages of 2 KB peaked at 73 MB on disk with 64 MB, at 275 MB with 256 MB.
            .setMaxTotalWalSize(MAX_LOG)
            // RocksDB's own diagnostic LOG: at most 5 files of 1 MB.
            .setKeepLogFileNum(4)
            .setMaxLogFileSize(1L << 20)
            // RocksDB reserves room for each log and table file as it opens it (fallocate): a
            // fresh spool took 78 MB before its first message. Space reserved that way is
            // counted as used, so the free space the admission check reads was short by that
            // much, and on a disk with less room than one log's reservation the reservation took
            // all of it. Files grow as written instead.
            .setAllowFAllocate(false);
    // A memtable of this size per family; it also sets how much free space RocksDB waits for
    // before it clears a disk-full error by itself (its SstFileManager's reserve).
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().setWriteBufferSize(WRITE_BUFFER);
    List<ColumnFamilyDescriptor> families =
        List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
            new ColumnFamilyDescriptor(CONTENT, cfOptions),
            new ColumnFamilyDescriptor(ENTRIES, cfOptions),
            new ColumnFamilyDescriptor(DUE, cfOptions));
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), families, handles);
      return new SpoolStore(dbOptions, cfOptions, db, handles);
    } catch (RocksDBException e) {
      handles.forEach(ColumnFamilyHandle::close);
      cfOptions.close();
      dbOptions.close();
      if (SpoolInUseException.isLock(e)) {
        throw new SpoolInUseException(dir, e);
      }
      throw new SpoolException("cannot open the spool in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The value of {@code key} in {@code cf}, or null. */
  byte[] get(ColumnFamilyHandle cf, byte[] key) {
    try {
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  /** Writes a batch and syncs the write-ahead log before returning. */
  void writeSynced(WriteBatch batch) throws RocksDBException {
    db.write(synced, batch);
  }

  /** Writes a batch to the write-ahead log without waiting for the disk. */
  void writeUnsynced(WriteBatch batch) throws RocksDBException {
    db.write(unsynced, batch);
  }

  /** A scan of {@code cf} that ends before {@code to} (or at the end when null); not positioned. */
  Scan scan(ColumnFamilyHandle cf, byte[] to) {
    return new Scan(db, cf, to);
  }

  static SpoolException failure(String what, RocksDBException e) {
    return new SpoolException("the spool could not " + what + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {
    synced.close();
    unsynced.close();
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    cfOptions.close();
    dbOptions.close();
  }
}
