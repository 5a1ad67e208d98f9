package dev.sluice.ingress;

import dev.sluice.core.ByteSize;
import dev.sluice.core.Clock;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolRefusal;
import dev.sluice.core.spool.SpoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-pressure at the door: new mail is refused with a temporary error while the spool holds more
 * messages than its high-water mark, the disk under it has less free space than its floor, or the
 * spool itself refuses writes because its disk is full, so the relay never accepts what it might
 * not be able to keep. Clients retry later; nothing is dropped.
 *
 * <p>By default each check reads the spool's live counters ({@link Spool#intakeStats()}: for the
 * embedded spool, counters in memory and the free space, no read of its storage). A spool whose
 * counters are expensive to read (Kafka: group lag, a scan of the failed topic) is read at most
 * once per {@code statsMaxAge} instead, in the background: checks use the last reading and never
 * wait for a new one; until the first reading arrives, mail is taken. The spool's own refusal
 * ({@link Spool#refusal()}) is always read live.
 *
 * <h2>The intake state</h2>
 *
 * <p>What the doors do with new mail is one state, {@link #intake()}: accepting, or refusing for
 * one reason since a moment, with a count of the messages refused since then. Every check updates
 * it, and each change of state is logged once, with how long the last one lasted and how many
 * messages it refused; a refusal never logs per message. A message refused only because its own
 * size would take the disk below the floor does not change the state: the next, smaller one may
 * fit. When the spool refuses writes for another reason than a full disk (a storage error), mail is
 * still let through to it, so that each append tries the storage again; the spool fails it and the
 * client hears {@code 451}.
 *
 * <p>Thread-safe: the state changes under a lock taken only when it changes.
 */
public final class Admission {
  private static final Logger log = LoggerFactory.getLogger(Admission.class);
  private static final String NO_ROOM = "Insufficient disk space for the queue, try again later";

  private final Spool spool;
  private volatile long highWater;
  private volatile ByteSize minFree;
  private final long maxAgeNanos;
  private final Clock clock;
  private final AtomicBoolean reading = new AtomicBoolean();
  private final AtomicLong refused = new AtomicLong();
  private final Object lock = new Object();
  private volatile SpoolStats last;
  private volatile long lastAt;
  private volatile State state = new State(Kind.ACCEPTING, "", null, 0);

  /** Why the doors refuse, or that they do not. */
  private enum Kind {
    ACCEPTING("accepting"),
    DISK_FULL("disk full"),
    STORAGE_ERROR("storage error"),
    QUEUE_FULL("queue full"),
    BELOW_FLOOR("free disk below the floor");

    final String words;

    Kind(String words) {
      this.words = words;
    }
  }

  /** The current state and when it began (null and 0 while accepting since the start). */
  private record State(Kind kind, String detail, Instant since, long sinceNanos) {}

  /**
   * @param highWater the most messages the spool may hold before new mail waits
   * @param minFree the least free space to keep on the spool's disk
   */
  public Admission(Spool spool, long highWater, ByteSize minFree) {
    this(spool, highWater, minFree, Duration.ZERO, Clock.system());
  }

  /**
   * @param highWater the most messages the spool may hold before new mail waits
   * @param minFree the least free space to keep on the spool's disk
   * @param statsMaxAge how old a reading of the spool's counters may be; zero reads them live on
   *     every check
   */
  public Admission(Spool spool, long highWater, ByteSize minFree, Duration statsMaxAge) {
    this(spool, highWater, minFree, statsMaxAge, Clock.system());
  }

  /**
   * @param highWater the most messages the spool may hold before new mail waits
   * @param minFree the least free space to keep on the spool's disk
   * @param statsMaxAge how old a reading of the spool's counters may be; zero reads them live on
   *     every check
   * @param clock dates the changes of the intake state
   */
  public Admission(
      Spool spool, long highWater, ByteSize minFree, Duration statsMaxAge, Clock clock) {
    this.spool = Objects.requireNonNull(spool, "spool");
    if (statsMaxAge.isNegative()) {
      throw new IllegalArgumentException("statsMaxAge must not be negative, got " + statsMaxAge);
    }
    this.maxAgeNanos = statsMaxAge.toNanos();
    if (highWater < 1) {
      throw new IllegalArgumentException("highWater must be >= 1, got " + highWater);
    }
    this.highWater = highWater;
    this.minFree = Objects.requireNonNull(minFree, "minFree");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Why new mail of about {@code incomingBytes} octets must wait now, or {@code null} to take it.
   */
  public String refusal(long incomingBytes) {
    Optional<SpoolRefusal> r = spool.refusal();
    SpoolStats s = r.isPresent() ? null : maxAgeNanos == 0 ? spool.intakeStats() : recent();
    Kind kind = enter(r, s);
    switch (kind) {
      case DISK_FULL, BELOW_FLOOR -> {
        refused.incrementAndGet();
        return NO_ROOM;
      }
      case QUEUE_FULL -> {
        refused.incrementAndGet();
        return "Queue full (" + s.total() + " messages), try again later";
      }
      case STORAGE_ERROR -> {
        return null; // the spool refuses it itself, and each append tries the storage again
      }
      case ACCEPTING -> {
        if (s != null
            && s.freeBytes() >= 0
            && s.freeBytes() - Math.max(0, incomingBytes) < minFree.bytes()) {
          return NO_ROOM; // this message alone would take the disk below the floor
        }
        return null;
      }
    }
    throw new AssertionError(kind);
  }

  /**
   * Whether new mail is taken now and, if not, why, since when and how many messages were refused
   * since then; reads the spool as a check does.
   */
  public Intake intake() {
    Optional<SpoolRefusal> r = spool.refusal();
    SpoolStats s = r.isPresent() ? null : maxAgeNanos == 0 ? spool.intakeStats() : recent();
    Kind kind = enter(r, s);
    State st = state;
    if (kind == Kind.ACCEPTING || st.kind() != kind) {
      return Intake.OPEN;
    }
    long n = refused.get() + r.map(SpoolRefusal::refused).orElse(0L);
    return new Intake("refusing: " + kind.words, st.detail(), Optional.of(st.since()), n);
  }

  /**
   * Sets new limits (a reload); the next check uses them.
   *
   * @param highWater the most messages the spool may hold before new mail waits
   * @param minFree the free space kept on the spool's disk
   */
  public void setLimits(long highWater, ByteSize minFree) {
    if (highWater < 1) {
      throw new IllegalArgumentException("highWater must be >= 1, got " + highWater);
    }
    this.minFree = Objects.requireNonNull(minFree, "minFree");
    this.highWater = highWater;
  }

  /** The high-water mark in messages. */
  public long highWater() {
    return highWater;
  }

  /** The free-space floor. */
  public ByteSize minFree() {
    return minFree;
  }

  /** What the spool's refusal and counters say, made the current state. */
  private Kind enter(Optional<SpoolRefusal> r, SpoolStats s) {
    Kind kind;
    String detail;
    if (r.isPresent()) {
      SpoolRefusal sr = r.get();
      kind = sr.cause() == SpoolRefusal.Cause.DISK_FULL ? Kind.DISK_FULL : Kind.STORAGE_ERROR;
      detail = sr.detail();
    } else if (s == null) {
      kind = Kind.ACCEPTING;
      detail = "";
    } else if (s.freeBytes() == 0) {
      kind = Kind.DISK_FULL;
      detail = "no space left on the spool's disk";
    } else if (s.total() >= highWater) {
      kind = Kind.QUEUE_FULL;
      detail =
          String.format(Locale.ROOT, "%,d messages held, high water %,d", s.total(), highWater);
    } else if (s.freeBytes() >= 0 && s.freeBytes() < minFree.bytes()) {
      kind = Kind.BELOW_FLOOR;
      detail = megabytes(s.freeBytes()) + " free, floor " + megabytes(minFree.bytes());
    } else {
      kind = Kind.ACCEPTING;
      detail = "";
    }
    if (state.kind() != kind) {
      change(kind, detail);
    }
    return kind;
  }

  private void change(Kind kind, String detail) {
    synchronized (lock) {
      State was = state;
      if (was.kind() == kind) {
        return;
      }
      long n = refused.getAndSet(0);
      state =
          kind == Kind.ACCEPTING
              ? new State(kind, "", null, 0)
              : new State(kind, detail, Instant.ofEpochMilli(clock.millis()), System.nanoTime());
      String lasted =
          was.kind() == Kind.ACCEPTING
              ? ""
              : String.format(
                  Locale.ROOT,
                  " after %.1f s of %s; %,d messages refused at the doors meanwhile",
                  (System.nanoTime() - was.sinceNanos()) / 1e9,
                  was.kind().words,
                  n);
      if (kind == Kind.ACCEPTING) {
        log.info("accepting new mail again{}", lasted);
      } else {
        log.warn("refusing new mail: {} ({}){}", kind.words, detail, lasted);
      }
    }
  }

  private static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
  }

  /** The last reading, starting a new one in the background when it is too old. */
  private SpoolStats recent() {
    SpoolStats s = last;
    if ((s == null || System.nanoTime() - lastAt >= maxAgeNanos)
        && reading.compareAndSet(false, true)) {
      Thread.ofVirtual()
          .name("admission-stats")
          .start(
              () -> {
                try {
                  last = spool.stats();
                  lastAt = System.nanoTime();
                } catch (RuntimeException e) {
                  // keep the last reading; the next check tries again
                } finally {
                  reading.set(false);
                }
              });
    }
    return s;
  }
}
