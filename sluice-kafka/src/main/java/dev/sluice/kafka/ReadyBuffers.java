package dev.sluice.kafka;

import dev.sluice.core.spool.SpoolEntry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Records read ahead and due, waiting to be taken, one bounded queue per bucket.
 *
 * <p>The consumer thread asks {@link #hasRoom} before it reads a record into a bucket; when there
 * is none it puts the record back and pauses the bucket's partitions until the bucket has drained
 * to half ({@link #belowHalf}). So memory is bounded by count and octets per bucket, and a slow
 * bucket holds back only its own partitions. A bucket holding nothing always has room, so a record
 * larger than the octet bound still gets through, one at a time.
 *
 * <p>Thread-safe: one lock per bucket; the consumer thread adds, takers remove.
 */
final class ReadyBuffers {
  /** A due record read from a partition, not yet taken. */
  record Ready(SpoolEntry entry, byte[] content, PartitionTracker tracker, long offset) {
    TopicPartition partition() {
      return tracker.partition();
    }
  }

  private final Bucket[] buckets;
  private final int maxCount;
  private final long maxBytes;

  ReadyBuffers(int buckets, int maxCount, long maxBytes) {
    this.buckets = new Bucket[buckets];
    for (int i = 0; i < buckets; i++) {
      this.buckets[i] = new Bucket();
    }
    this.maxCount = maxCount;
    this.maxBytes = maxBytes;
  }

  private static final class Bucket {
    final ArrayDeque<Ready> queue = new ArrayDeque<>();
    long bytes;
  }

  /** Whether a record of {@code size} octets may be added to {@code bucket} now. */
  boolean hasRoom(int bucket, long size) {
    Bucket b = buckets[bucket];
    synchronized (b) {
      return b.queue.isEmpty() || (b.queue.size() < maxCount && b.bytes + size <= maxBytes);
    }
  }

  /** Whether a bucket has drained to half its bounds, so that its partitions may read again. */
  boolean belowHalf(int bucket) {
    Bucket b = buckets[bucket];
    synchronized (b) {
      return b.queue.size() <= maxCount / 2 && b.bytes <= maxBytes / 2;
    }
  }

  void add(int bucket, Ready r) {
    Bucket b = buckets[bucket];
    synchronized (b) {
      b.queue.addLast(r);
      b.bytes += r.content().length;
    }
  }

  /** Removes and returns up to {@code max} records of a bucket, oldest read first. */
  List<Ready> take(int bucket, int max) {
    Bucket b = buckets[bucket];
    synchronized (b) {
      int n = Math.min(max, b.queue.size());
      List<Ready> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        Ready r = b.queue.pollFirst();
        b.bytes -= r.content().length;
        out.add(r);
      }
      return out;
    }
  }

  boolean isEmpty(int bucket) {
    Bucket b = buckets[bucket];
    synchronized (b) {
      return b.queue.isEmpty();
    }
  }

  /** Drops every record read from one of {@code partitions} (revoked: the new owner reads them). */
  void drop(Collection<TopicPartition> partitions) {
    for (Bucket b : buckets) {
      synchronized (b) {
        b.queue.removeIf(
            r -> {
              if (partitions.contains(r.partition())) {
                b.bytes -= r.content().length;
                return true;
              }
              return false;
            });
      }
    }
  }

  /** Records held in every bucket. */
  int count() {
    int n = 0;
    for (Bucket b : buckets) {
      synchronized (b) {
        n += b.queue.size();
      }
    }
    return n;
  }

  /** Content octets held in every bucket. */
  long bytes() {
    long n = 0;
    for (Bucket b : buckets) {
      synchronized (b) {
        n += b.bytes;
      }
    }
    return n;
  }

  /** The earliest received time of the records held. */
  Optional<Instant> oldestReceived() {
    Instant oldest = null;
    for (Bucket b : buckets) {
      synchronized (b) {
        for (Ready r : b.queue) {
          Instant t = r.entry().received();
          oldest = oldest == null || t.isBefore(oldest) ? t : oldest;
        }
      }
    }
    return Optional.ofNullable(oldest);
  }
}
