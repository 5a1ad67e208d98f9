package dev.sluice.spool;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * What a {@link RocksSpool} does once when it opens, before any caller can reach it: checks the
 * format and bucket count against the configuration (recording them in a new spool), then reads
 * every entry once to rebuild the counters and to make each ACTIVE message due again, since nothing
 * is delivering it any more.
 *
 * <p>The scan streams: memory does not grow with the number of messages held.
 */
final class Recovery {
  private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] BUCKETS_KEY = "buckets".getBytes(StandardCharsets.US_ASCII);
  private static final int FORMAT = 1;
  private static final int BATCH = 4096;
  private static final byte[] EMPTY = new byte[0];

  private Recovery() {}

  /** The bucket count a spool was created with, or -1 when it has no layout yet. */
  static int storedBuckets(SpoolStore store) {
    byte[] stored = store.get(store.meta, BUCKETS_KEY);
    return stored == null ? -1 : ByteBuffer.wrap(stored).getInt();
  }

  /**
   * Checks (or records, for a new spool) the layout version and bucket count.
   *
   * @throws SpoolException when the spool was made with another bucket count or by a newer version
   */
  static void checkLayout(SpoolStore store, Path dir, int buckets) {
    byte[] format = store.get(store.meta, FORMAT_KEY);
    byte[] stored = store.get(store.meta, BUCKETS_KEY);
    if (format == null || stored == null) {
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(store.meta, FORMAT_KEY, intBytes(FORMAT));
        batch.put(store.meta, BUCKETS_KEY, intBytes(buckets));
        store.writeSynced(batch);
      } catch (RocksDBException e) {
        throw SpoolStore.failure("record its layout", e);
      }
      return;
    }
    int f = ByteBuffer.wrap(format).getInt();
    if (f != FORMAT) {
      throw new SpoolException(
          "the spool in " + dir + " has format " + f + "; this version reads format " + FORMAT);
    }
    int b = ByteBuffer.wrap(stored).getInt();
    if (b != buckets) {
      throw new SpoolException(
          "the spool in "
              + dir
              + " was created with "
              + b
              + " buckets but the configuration asks for "
              + buckets
              + "; the bucket count is fixed when a spool is created (configure "
              + b
              + " buckets, or use a new directory)");
    }
  }

  /**
   * Counts every entry into {@code counts} and makes each ACTIVE one due at {@code now}. The
   * rewrites are not synced: lost in a crash, they are simply redone at the next open.
   */
  static void rescan(SpoolStore store, int buckets, StateCounts counts, Instant now) {
    try (WriteBatch batch = new WriteBatch();
        Scan scan = store.scan(store.entries, null).seekToFirst()) {
      for (; scan.valid(); scan.next()) {
        byte[] key = scan.key();
        QueueId id = Keys.id(key);
        SpoolEntry e = EntryCodec.decode(id, scan.value());
        if (e.state() == SpoolState.ACTIVE) {
          e = e.with(SpoolWriter.waitingState(e.attempts()), now, e.attempts(), e.lastError());
          batch.put(store.entries, key, EntryCodec.encode(e));
          batch.put(store.due, Keys.due(id.bucket(buckets), now, id), EMPTY);
          if (batch.count() >= BATCH) {
            store.writeUnsynced(batch);
            batch.clear();
          }
        }
        counts.add(e.state(), 1);
        counts.addBytes(e.size());
      }
      if (batch.count() > 0) {
        store.writeUnsynced(batch);
      }
    } catch (RocksDBException e) {
      throw SpoolStore.failure("recover its entries", e);
    } catch (IllegalArgumentException e) {
      throw new SpoolException("the spool holds a damaged key: " + e.getMessage(), e);
    }
  }

  private static byte[] intBytes(int v) {
    return ByteBuffer.allocate(Integer.BYTES).putInt(v).array();
  }
}
