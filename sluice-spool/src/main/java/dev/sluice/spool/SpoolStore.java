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
 *   <li>{@code default}: spool metadata (format, bucket count);
 *   <li>{@code content}: queue id → message octets;
 *   <li>{@code entries}: queue id → {@link EntryCodec encoded} entry;
 *   <li>{@code due}: {@link Keys#due due key} → nothing, for QUEUED and DEFERRED messages only.
 * </ul>
 *
 * <p>Thread-safe as RocksDB is; {@link #close} must not run while another call is in progress.
 */
final class SpoolStore implements AutoCloseable {
  private static final byte[] CONTENT = "content".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ENTRIES = "entries".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DUE = "due".getBytes(StandardCharsets.US_ASCII);

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
            // gigabytes, and a reopen after a crash would replay all of it.
            .setMaxTotalWalSize(256L << 20)
            .setKeepLogFileNum(4)
            .setMaxLogFileSize(8L << 20);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions();
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
