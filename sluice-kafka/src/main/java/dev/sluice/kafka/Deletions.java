package dev.sluice.kafka;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator deletions a node knows of: queue ids whose waiting records are to be skipped when
 * they come up, either every record of the id ({@link KafkaSpool#delete}) or one record at a given
 * place ({@link KafkaSpool#retryNow} of a deferred message, which writes a due copy and retires the
 * waiting one).
 *
 * <p>Each deletion is a record in the deletions topic (key: the queue id; value: format 1, the
 * version byte {@code 1}, then kind {@code 1} for every record of the id, or kind {@code 2} and the
 * record's topic (2-byte length and UTF-8), partition (4 bytes) and offset (8 bytes)). Every node
 * reads the whole topic; a deletion is forgotten once the topic's retention has passed since it was
 * written, by which time its message has long come up.
 *
 * <p>Thread-safe.
 */
final class Deletions {
  private static final byte VERSION = 1;
  private static final byte EVERY = 1;
  private static final byte ONE = 2;

  /** One record of a topic partition. */
  record At(String topic, int partition, long offset) {}

  private record Mark(boolean every, Set<At> records, long expiresAtMillis) {}

  private final Map<QueueId, Mark> marks = new ConcurrentHashMap<>();
  private final long retentionMillis;

  Deletions(long retentionMillis) {
    this.retentionMillis = retentionMillis;
  }

  /** Adds a deletion written at {@code writtenMillis}; {@code at} null for every record. */
  void add(QueueId id, At at, long writtenMillis) {
    long expires = writtenMillis + retentionMillis;
    marks.merge(
        id,
        at == null ? new Mark(true, Set.of(), expires) : new Mark(false, Set.of(at), expires),
        (a, b) -> {
          Set<At> both = ConcurrentHashMap.newKeySet();
          both.addAll(a.records());
          both.addAll(b.records());
          return new Mark(
              a.every() || b.every(), both, Math.max(a.expiresAtMillis(), b.expiresAtMillis()));
        });
  }

  /** Whether the record of {@code id} at this place is deleted. */
  boolean skips(QueueId id, String topic, int partition, long offset) {
    Mark m = marks.get(id);
    return m != null && (m.every() || m.records().contains(new At(topic, partition, offset)));
  }

  /** Whether every record of {@code id} is deleted. */
  boolean deletedAll(QueueId id) {
    Mark m = marks.get(id);
    return m != null && m.every();
  }

  /** Forgets deletions past their retention. */
  void prune(long nowMillis) {
    marks.values().removeIf(m -> m.expiresAtMillis() < nowMillis);
  }

  int size() {
    return marks.size();
  }

  static byte[] encode(At at) {
    if (at == null) {
      return new byte[] {VERSION, EVERY};
    }
    byte[] topic = at.topic().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(2 + 2 + topic.length + 4 + 8)
        .put(VERSION)
        .put(ONE)
        .putShort((short) topic.length)
        .put(topic)
        .putInt(at.partition())
        .putLong(at.offset())
        .array();
  }

  /** The place a deletion names, or null for every record of the id. */
  static At decode(QueueId id, byte[] value) {
    try {
      ByteBuffer b = ByteBuffer.wrap(value);
      byte version = b.get();
      if (version != VERSION) {
        throw new SpoolException(
            "deletion of "
                + id
                + " has format "
                + version
                + "; this version of Sluice reads format "
                + VERSION);
      }
      byte kind = b.get();
      if (kind == EVERY) {
        return null;
      }
      if (kind != ONE) {
        throw new SpoolException("deletion of " + id + " has unknown kind " + kind);
      }
      byte[] topic = new byte[b.getShort()];
      b.get(topic);
      return new At(new String(topic, StandardCharsets.UTF_8), b.getInt(), b.getLong());
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new SpoolException("deletion of " + id + " is damaged", e);
    }
  }
}
