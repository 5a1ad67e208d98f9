package dev.sluice.feedback.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under a {@link FeedbackStore}: its column families, options and the native
 * handles to release.
 *
 * <ul>
 *   <li>{@code default}: unused (RocksDB requires it);
 *   <li>{@code history}: queue id, 0, index (8 bytes) → {@link HistoryEntry};
 *   <li>{@code ses}: SES MessageId → queue id;
 *   <li>{@code recipient}: address, 0, (Long.MAX_VALUE − millis), queue id → nothing (newest
 *       first);
 *   <li>{@code seen}: SES event id → millis it was recorded (the deduplication set);
 *   <li>{@code suppression}: normalised address → {@link dev.sluice.core.suppress.Suppression};
 *   <li>{@code reputation}: configuration set ("" for all), 0, hour, counter → count (8 bytes);
 *   <li>{@code expiry}: millis, sequence → the keys to delete when the retention has passed;
 *   <li>{@code sync}: the state of the exchange with the SES account's suppression list: {@code
 *       state}, 0, name → a small value (how far the account's list or a shared topic has been
 *       read), and {@code push}, 0, address → reason (suppressions waiting to be put on the
 *       account's list).
 * </ul>
 *
 * <p><b>Memory.</b> Nothing is held on the Java heap: one LRU block cache ({@link #BLOCK_CACHE})
 * serves every family and holds their index and Bloom-filter blocks too, and a write-buffer manager
 * charged to that cache caps the memtables of all families together, so the native memory the store
 * takes is about the cache's size whatever the number of addresses or messages. The Bloom filters
 * let a look-up of an address that is not suppressed (the common case at RCPT) skip reading table
 * blocks at all.
 *
 * <p>Thread-safe as RocksDB is; {@link #close} must not run while another call is in progress.
 */
final class FeedbackDb implements AutoCloseable {
  static final int HISTORY = 1;
  static final int SES = 2;
  static final int RECIPIENT = 3;
  static final int SEEN = 4;
  static final int SUPPRESSION = 5;
  static final int REPUTATION = 6;
  static final int EXPIRY = 7;
  static final int SYNC = 8;
  private static final String[] NAMES = {
    "default", "history", "ses", "recipient", "seen", "suppression", "reputation", "expiry", "sync"
  };

  /** The block cache shared by all families; also the budget of their memtables. */
  static final long BLOCK_CACHE = 32L << 20;

  /** Memtable size of each family. */
  static final long WRITE_BUFFER = 4L << 20;

  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final LRUCache cache;
  private final WriteBufferManager writeBuffers;
  private final List<ColumnFamilyHandle> handles;
  final WriteOptions synced;
  final WriteOptions unsynced;
  final RocksDB db;

  private FeedbackDb(
      DBOptions dbOptions,
      ColumnFamilyOptions cfOptions,
      LRUCache cache,
      WriteBufferManager writeBuffers,
      RocksDB db,
      List<ColumnFamilyHandle> handles) {
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.cache = cache;
    this.writeBuffers = writeBuffers;
    this.db = db;
    this.handles = handles;
    this.synced = new WriteOptions().setSync(true);
    this.unsynced = new WriteOptions().setSync(false);
  }

  /** The handle of family {@code index} (one of the constants above). */
  ColumnFamilyHandle cf(int index) {
    return handles.get(index);
  }

  /**
   * Opens (creating if needed) the database in {@code dir}.
   *
   * @throws StoreInUseException if another process has it open
   */
  static FeedbackDb open(Path dir) throws IOException {
    RocksDB.loadLibrary();
    Files.createDirectories(dir);
    LRUCache cache = new LRUCache(BLOCK_CACHE);
    WriteBufferManager writeBuffers = new WriteBufferManager(BLOCK_CACHE / 2, cache);
    DBOptions dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            .setWriteBufferManager(writeBuffers)
            // Families that fill slowly would otherwise keep old logs alive without bound.
            .setMaxTotalWalSize(4 * WRITE_BUFFER)
            .setKeepLogFileNum(4)
            .setMaxLogFileSize(1L << 20)
            .setAllowFAllocate(false);
    BlockBasedTableConfig table =
        new BlockBasedTableConfig()
            .setBlockCache(cache)
            .setFilterPolicy(new BloomFilter(10, false))
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true);
    ColumnFamilyOptions cfOptions =
        new ColumnFamilyOptions().setWriteBufferSize(WRITE_BUFFER).setTableFormatConfig(table);
    List<ColumnFamilyDescriptor> families = new ArrayList<>();
    for (String name : NAMES) {
      families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), cfOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(dbOptions, dir.toString(), families, handles);
      return new FeedbackDb(dbOptions, cfOptions, cache, writeBuffers, db, handles);
    } catch (RocksDBException e) {
      handles.forEach(ColumnFamilyHandle::close);
      cfOptions.close();
      dbOptions.close();
      writeBuffers.close();
      cache.close();
      if (StoreInUseException.isLock(e)) {
        throw new StoreInUseException(dir, e);
      }
      throw new IOException("cannot open the feedback store in " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    synced.close();
    unsynced.close();
    handles.forEach(ColumnFamilyHandle::close);
    db.close();
    cfOptions.close();
    dbOptions.close();
    writeBuffers.close();
    cache.close();
  }
}
