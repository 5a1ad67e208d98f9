package dev.sluice.spool;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolRefusal;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link SpoolWriter}'s record of a storage outage: a write failed, so the spool refuses writes
 * until one succeeds again. It says so in the log once when the outage begins and once when it ends
 * (how long it lasted, how many messages were refused), never once per refused write; it spaces the
 * writer's retries when nothing else is written; and it is what {@link RocksSpool#refusal()}
 * reports.
 *
 * <p>Retries back off from {@value #FIRST_RETRY_MILLIS} ms to {@value #MAX_RETRY_MILLIS} ms. A
 * retry while RocksDB holds its background error costs nothing (the write is refused before any
 * I/O), and RocksDB clears that error by itself once the disk has room (see {@link SpoolStore}), so
 * the spool writes again at most a second after RocksDB does.
 *
 * <p>{@link #failed}, {@link #succeeded}, {@link #active}, {@link #retryDue} and {@link
 * #nanosUntilRetry} are for the writer's thread only; {@link #refusal} may be called from any.
 */
final class StorageOutage {
  static final long FIRST_RETRY_MILLIS = 50;
  static final long MAX_RETRY_MILLIS = 1000;
  private static final Logger log = LoggerFactory.getLogger(RocksSpool.class);

  private final Clock clock;
  private final AtomicLong refused = new AtomicLong();
  private volatile Episode current;
  private long retryInterval = FIRST_RETRY_MILLIS;
  private long nextRetryNanos;

  /** One outage: what failed first and when. */
  private record Episode(SpoolRefusal.Cause cause, String detail, Instant since, long sinceNanos) {}

  StorageOutage(Clock clock) {
    this.clock = clock;
  }

  /**
   * Notes a write the storage refused, carrying {@code messages} new messages (0 for a change of
   * state or a take), and says what to fail its callers with. The first failure begins an outage
   * and is logged; later ones only count and push the next retry back.
   */
  SpoolException failed(RocksDBException e, int messages) {
    Episode ep = current;
    if (ep == null) {
      refused.set(0);
      ep =
          new Episode(cause(e), detail(e), Instant.ofEpochMilli(clock.millis()), System.nanoTime());
      current = ep;
      retryInterval = FIRST_RETRY_MILLIS;
      if (ep.cause() == SpoolRefusal.Cause.DISK_FULL) {
        log.warn(
            "spool refusing writes: disk full ({}); it writes again by itself once the disk has"
                + " room",
            ep.detail());
      } else {
        log.error("spool refusing writes: storage error; it keeps trying", e);
      }
    } else {
      retryInterval = Math.min(MAX_RETRY_MILLIS, retryInterval * 2);
    }
    refused.addAndGet(messages);
    nextRetryNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryInterval);
    return new SpoolException(
        "the spool could not write: " + ep.cause().words() + " (" + ep.detail() + ")", e);
  }

  /**
   * Notes a write the storage took; ends an outage, if one is under way, with a log line.
   *
   * @param waited changes of state that waited for the storage and were written now
   */
  void succeeded(int waited) {
    Episode ep = current;
    if (ep == null) {
      return;
    }
    current = null;
    double seconds = (System.nanoTime() - ep.sinceNanos()) / 1e9;
    log.info(
        "spool writing again after {} s ({}): {} messages refused meanwhile{}",
        String.format(Locale.ROOT, "%.1f", seconds),
        ep.cause().words(),
        refused.get(),
        waited == 0 ? "" : "; " + waited + " changes of state that waited are written");
  }

  /** Whether an outage is under way. */
  boolean active() {
    return current != null;
  }

  /** Whether an outage is under way because the disk is full. */
  boolean diskFull() {
    Episode ep = current;
    return ep != null && ep.cause() == SpoolRefusal.Cause.DISK_FULL;
  }

  /** Whether an outage is under way and its next retry is due. */
  boolean retryDue() {
    return current != null && System.nanoTime() - nextRetryNanos >= 0;
  }

  /** How long the writer may wait for work before its next retry; forever without an outage. */
  long nanosUntilRetry() {
    return current == null ? Long.MAX_VALUE : Math.max(0, nextRetryNanos - System.nanoTime());
  }

  /** The outage under way, with the messages refused so far, or empty. */
  Optional<SpoolRefusal> refusal() {
    Episode ep = current;
    return ep == null
        ? Optional.empty()
        : Optional.of(new SpoolRefusal(ep.cause(), ep.detail(), ep.since(), refused.get()));
  }

  /** Disk full when RocksDB says no space (ENOSPC), whatever the operation was. */
  static SpoolRefusal.Cause cause(RocksDBException e) {
    Status s = e.getStatus();
    boolean noSpace =
        (s != null && s.getSubCode() == Status.SubCode.NoSpace)
            || String.valueOf(e.getMessage()).contains("No space left on device");
    return noSpace ? SpoolRefusal.Cause.DISK_FULL : SpoolRefusal.Cause.STORAGE_ERROR;
  }

  private static String detail(RocksDBException e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
