package dev.sluice.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Send statistics as GetSendStatistics reports them: delivery attempts, bounces, complaints and
 * rejects in 15-minute buckets over the last two weeks, in a fixed ring of 1,344 slots.
 *
 * <p>Thread-safe: one lock; updates are a few increments.
 */
public final class SendStatistics {
  /** One 15-minute bucket. */
  public record DataPoint(
      long startMillis, long deliveryAttempts, long bounces, long complaints, long rejects) {}

  private static final long BUCKET_MILLIS = 15 * 60_000L;
  private static final int SLOTS = 14 * 24 * 4;

  private final long[] start = new long[SLOTS];
  private final long[][] counts = new long[SLOTS][4];

  /** Counts delivery attempts. */
  public void attempts(long nowMillis, int n) {
    add(nowMillis, 0, n);
  }

  /** Counts bounces. */
  public void bounce(long nowMillis) {
    add(nowMillis, 1, 1);
  }

  /** Counts complaints. */
  public void complaint(long nowMillis) {
    add(nowMillis, 2, 1);
  }

  /** Counts rejects. */
  public void reject(long nowMillis) {
    add(nowMillis, 3, 1);
  }

  private synchronized void add(long nowMillis, int kind, int n) {
    long bucketStart = nowMillis - Math.floorMod(nowMillis, BUCKET_MILLIS);
    int idx = (int) Math.floorMod(bucketStart / BUCKET_MILLIS, (long) SLOTS);
    if (start[idx] != bucketStart) {
      start[idx] = bucketStart;
      counts[idx] = new long[4];
    }
    counts[idx][kind] += n;
  }

  /** The non-empty buckets of the last two weeks, oldest first. */
  public synchronized List<DataPoint> points(long nowMillis) {
    List<DataPoint> out = new ArrayList<>();
    long oldest = nowMillis - SLOTS * BUCKET_MILLIS;
    for (int i = 0; i < SLOTS; i++) {
      if (start[i] > oldest && start[i] != 0) {
        long[] c = counts[i];
        out.add(new DataPoint(start[i], c[0], c[1], c[2], c[3]));
      }
    }
    out.sort(java.util.Comparator.comparingLong(DataPoint::startMillis));
    return out;
  }

  /** Forgets everything. */
  public synchronized void clear() {
    java.util.Arrays.fill(start, 0);
    for (int i = 0; i < SLOTS; i++) {
      counts[i] = new long[4];
    }
  }
}
