package dev.sluice.core.spool;

/**
 * The buckets a new message may be put in: {@code first} to {@code last}, both included. A traffic
 * class owns a range of buckets so that the scheduler sees a message's class before taking it.
 *
 * @param first the lowest bucket, at least 0
 * @param last the highest bucket, at least {@code first}; past the spool's last bucket means up to
 *     its last
 */
public record BucketRange(int first, int last) {
  /** Every bucket. */
  public static final BucketRange ANY = new BucketRange(0, Integer.MAX_VALUE);

  /** Checks the bounds. */
  public BucketRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException(
          "a bucket range is first..last with 0 <= first <= last, got " + first + ".." + last);
    }
  }

  /** Whether {@code bucket} is in the range. */
  public boolean contains(int bucket) {
    return bucket >= first && bucket <= last;
  }

  /**
   * Checks that the range holds at least one of a spool's {@code buckets}.
   *
   * @throws IllegalArgumentException when it does not
   */
  public void checkWithin(int buckets) {
    if (first >= buckets) {
      throw new IllegalArgumentException(
          "bucket range " + first + ".." + last + " holds none of the spool's " + buckets);
    }
  }
}
