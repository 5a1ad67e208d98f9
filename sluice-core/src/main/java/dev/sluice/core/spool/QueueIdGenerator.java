package dev.sluice.core.spool;

import java.security.SecureRandom;

/**
 * Makes queue ids that sort by creation time and do not collide across processes: 48 bits of
 * milliseconds, a 20-bit random node number chosen per generator, and a 24-bit counter that
 * restarts every millisecond, written as 19 characters of Crockford base 32 (digits and upper-case
 * letters, so ids compare the same as strings and as numbers).
 *
 * <p>More than 16.7 million ids in one millisecond borrow from the next millisecond, so ids stay
 * unique and ordered even then, and across a clock that steps backwards within a process.
 *
 * <p>Thread-safe.
 */
public final class QueueIdGenerator {
  private static final char[] DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final int COUNTER_BITS = 24;
  private static final int NODE_BITS = 20;

  private final long node;
  private long lastMillis;
  private long counter;

  /** A generator with a random node number. */
  public QueueIdGenerator() {
    this(new SecureRandom().nextInt(1 << NODE_BITS));
  }

  /**
   * A generator with a given node number, for tests and for deployments that assign one.
   *
   * @param node 0 to 2^20-1
   */
  public QueueIdGenerator(int node) {
    if (node < 0 || node >= 1 << NODE_BITS) {
      throw new IllegalArgumentException("node must be 0.." + ((1 << NODE_BITS) - 1));
    }
    this.node = node;
  }

  /** A new id for a message made at {@code nowMillis}. */
  public synchronized QueueId next(long nowMillis) {
    if (nowMillis > lastMillis) {
      lastMillis = nowMillis;
      counter = 0;
    } else if (++counter >= 1L << COUNTER_BITS) {
      lastMillis++;
      counter = 0;
    }
    // 48 + 20 + 24 = 92 bits; 19 base-32 characters hold 95.
    long high = lastMillis >>> 16; // top 32 of the 48 millisecond bits
    long low =
        ((lastMillis & 0xffff) << (NODE_BITS + COUNTER_BITS)) | (node << COUNTER_BITS) | counter;
    char[] out = new char[19];
    // low holds 60 bits: 12 characters; high holds 32 bits padded to 35: 7 characters.
    for (int i = 18; i >= 7; i--) {
      out[i] = DIGITS[(int) (low & 31)];
      low >>>= 5;
    }
    for (int i = 6; i >= 0; i--) {
      out[i] = DIGITS[(int) (high & 31)];
      high >>>= 5;
    }
    return new QueueId(new String(out));
  }

  /**
   * A new id for a message made at {@code nowMillis} whose bucket among {@code buckets} is in
   * {@code range}: ids are made until one falls in it, on average {@code buckets} divided by the
   * range's size of them (the bucket is a hash of the id, see {@link QueueId#bucket}).
   *
   * @throws IllegalArgumentException when the range holds none of the buckets
   */
  public QueueId next(long nowMillis, BucketRange range, int buckets) {
    if (range.first() == 0 && range.last() >= buckets - 1) {
      return next(nowMillis);
    }
    range.checkWithin(buckets);
    while (true) {
      QueueId id = next(nowMillis);
      if (range.contains(id.bucket(buckets))) {
        return id;
      }
    }
  }

  /** The milliseconds an id made by this class carries; for age display. */
  public static long millisOf(QueueId id) {
    String v = id.value();
    if (v.length() != 19) {
      throw new IllegalArgumentException("not a generated queue id: " + id);
    }
    long high = 0;
    for (int i = 0; i < 7; i++) {
      high = (high << 5) | digit(v.charAt(i));
    }
    long low = 0;
    for (int i = 7; i < 19; i++) {
      low = (low << 5) | digit(v.charAt(i));
    }
    return (high << 16) | (low >>> (NODE_BITS + COUNTER_BITS));
  }

  private static int digit(char c) {
    for (int i = 0; i < DIGITS.length; i++) {
      if (DIGITS[i] == c) {
        return i;
      }
    }
    throw new IllegalArgumentException("not a base-32 digit: " + c);
  }
}
