package dev.sluice.spool;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * A forward scan over one column family up to an optional end key, owning the native iterator and
 * its bound. The bound is given to RocksDB so it stops at the range's end instead of stepping past
 * it. The iterator reads the database as it was when the scan was made; position it with {@link
 * #seek} or {@link #seekToFirst}.
 *
 * <p>Confined to one thread; close it.
 */
final class Scan implements AutoCloseable {
  private final ReadOptions options;
  private final Slice upper;
  private final RocksIterator it;

  Scan(RocksDB db, ColumnFamilyHandle cf, byte[] to) {
    this.options = new ReadOptions();
    this.upper = to == null ? null : new Slice(to);
    if (upper != null) {
      options.setIterateUpperBound(upper);
    }
    this.it = db.newIterator(cf, options);
  }

  /** Moves to the first key at or after {@code key}. */
  Scan seek(byte[] key) {
    it.seek(key);
    return this;
  }

  /** Moves to the first key. */
  Scan seekToFirst() {
    it.seekToFirst();
    return this;
  }

  /** Whether the scan is on a key; fails if RocksDB reported an error. */
  boolean valid() {
    if (it.isValid()) {
      return true;
    }
    try {
      it.status();
    } catch (RocksDBException e) {
      throw SpoolStore.failure("read", e);
    }
    return false;
  }

  byte[] key() {
    return it.key();
  }

  byte[] value() {
    return it.value();
  }

  void next() {
    it.next();
  }

  @Override
  public void close() {
    it.close();
    options.close();
    if (upper != null) {
      upper.close();
    }
  }
}
