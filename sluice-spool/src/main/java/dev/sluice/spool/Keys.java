package dev.sluice.spool;

import dev.sluice.core.spool.QueueId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The byte layout of RocksSpool's keys.
 *
 * <ul>
 *   <li>content and entries: the queue id's ASCII characters, so keys sort as ids do (by time);
 *   <li>due index: bucket (2 bytes) | due milliseconds (8 bytes, sign bit flipped so negative times
 *       sort first) | queue id, all big-endian, so one bucket's keys are contiguous and ordered by
 *       due time, then id.
 * </ul>
 *
 * <p>Stateless.
 */
final class Keys {
  static final int BUCKET_BYTES = 2;
  static final int PREFIX_BYTES = BUCKET_BYTES + Long.BYTES;

  /** The largest bucket count the 2-byte bucket field allows, leaving room for an end bound. */
  static final int MAX_BUCKETS = 0xffff;

  private Keys() {}

  static byte[] id(QueueId id) {
    return id.value().getBytes(StandardCharsets.US_ASCII);
  }

  static QueueId id(byte[] key) {
    return new QueueId(new String(key, StandardCharsets.US_ASCII));
  }

  /** The due-index key of a message of {@code bucket} due at {@code due}. */
  static byte[] due(int bucket, Instant due, QueueId id) {
    byte[] idBytes = id(id);
    return ByteBuffer.allocate(PREFIX_BYTES + idBytes.length)
        .putShort((short) bucket)
        .putLong(millis(due) ^ Long.MIN_VALUE)
        .put(idBytes)
        .array();
  }

  /** The smallest due-index key of {@code bucket} due at or after {@code millis}. */
  static byte[] dueFrom(int bucket, long millis) {
    return ByteBuffer.allocate(PREFIX_BYTES)
        .putShort((short) bucket)
        .putLong(millis ^ Long.MIN_VALUE)
        .array();
  }

  /**
   * The smallest key after every due-index key of {@code bucket} due at or before {@code millis};
   * an exclusive upper bound for a scan.
   */
  static byte[] dueAfter(int bucket, long millis) {
    return millis == Long.MAX_VALUE ? bucketEnd(bucket) : dueFrom(bucket, millis + 1);
  }

  /** The first key of the next bucket: an exclusive upper bound for all of {@code bucket}. */
  static byte[] bucketEnd(int bucket) {
    return ByteBuffer.allocate(BUCKET_BYTES).putShort((short) (bucket + 1)).array();
  }

  /** The due milliseconds a due-index key carries. */
  static long dueMillis(byte[] dueKey) {
    return ByteBuffer.wrap(dueKey, BUCKET_BYTES, Long.BYTES).getLong() ^ Long.MIN_VALUE;
  }

  /** The queue id a due-index key carries. */
  static QueueId dueId(byte[] dueKey) {
    return new QueueId(
        new String(dueKey, PREFIX_BYTES, dueKey.length - PREFIX_BYTES, StandardCharsets.US_ASCII));
  }

  /**
   * Milliseconds since the epoch, rounded down, saturated at the ends of {@code long} (an {@link
   * Instant} reaches further than {@link Instant#toEpochMilli()} can express).
   */
  static long millis(Instant t) {
    try {
      return t.toEpochMilli();
    } catch (ArithmeticException e) {
      return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
