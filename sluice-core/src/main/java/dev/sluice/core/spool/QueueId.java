package dev.sluice.core.spool;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The name a spool gives an accepted message: short, URL- and file-safe, and the same on every
 * backend. Ids made by {@link QueueIdGenerator} sort by the time they were made.
 *
 * <p>The bucket of a message is a function of its id alone ({@link #bucket(int)}), so every
 * backend, every node and every operator tool agrees on which bucket owns a message.
 *
 * @param value 1 to 40 characters from {@code [0-9A-Za-z]}
 */
public record QueueId(String value) implements Comparable<QueueId> {
  private static final int MAX_LENGTH = 40;

  /** Checks the characters. */
  public QueueId {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > MAX_LENGTH || !value.chars().allMatch(QueueId::legal)) {
      throw new IllegalArgumentException(
          "a queue id is 1.." + MAX_LENGTH + " characters of [0-9A-Za-z], got '" + value + "'");
    }
  }

  /** Parses a queue id from user input, or returns {@code null} when it is not one. */
  public static QueueId parseOrNull(String s) {
    if (s == null
        || s.isEmpty()
        || s.length() > MAX_LENGTH
        || !s.chars().allMatch(QueueId::legal)) {
      return null;
    }
    return new QueueId(s);
  }

  /**
   * The bucket this message belongs to among {@code buckets}: FNV-1a over the id's octets. Stable
   * across processes, versions and backends; changing it would move every spooled message.
   */
  public int bucket(int buckets) {
    if (buckets < 1) {
      throw new IllegalArgumentException("buckets must be >= 1, got " + buckets);
    }
    int h = 0x811c9dc5;
    for (byte b : value.getBytes(StandardCharsets.US_ASCII)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return Math.floorMod(h, buckets);
  }

  @Override
  public int compareTo(QueueId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }

  private static boolean legal(int c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }
}
