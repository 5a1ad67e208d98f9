package dev.sluice.core.ses;

import dev.sluice.core.Clock;
import dev.sluice.core.transport.ConfigurationSetListing;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's configuration sets as last read from the upstream, for the doors to refuse a set
 * the account does not have.
 *
 * <h2>Design note</h2>
 *
 * <p>The list is read once at start ({@link #refresh()}; a look-up before that read has ended waits
 * for it), again in the background when a look-up finds it older than the refresh interval, and at
 * once when a look-up misses, at most once per miss interval: a set created a moment ago is found
 * on its first message, and a client sending a stream of unknown names costs at most one upstream
 * call per interval. Background refreshes run on the given executor so that a door never waits for
 * one; a refresh on a miss is made by the door's own thread (a virtual thread), the others waiting
 * for it rather than calling too.
 *
 * <p>When the list cannot be read (the transport has no such call, permission is denied, the call
 * fails), no set is refused on that ground: SES decides at delivery. Why is logged once, and again
 * only when the reason changes; that the list is readable again is logged once too.
 *
 * <p>Rejected: refreshing on a timer of its own, which would call the upstream while no mail
 * arrives, and need a thread and a stop.
 *
 * <p>Thread-safe.
 */
public final class ListedConfigurationSets implements ConfigurationSetCatalog {
  private static final Logger log = LoggerFactory.getLogger(ListedConfigurationSets.class);

  private final Supplier<ConfigurationSetListing> source;
  private final Clock clock;
  private final long refreshNanos;
  private final long missNanos;
  private final Executor background;
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private final Object lock = new Object();

  /** The last listing and when it was read; replaced whole. */
  private volatile Snapshot snapshot;

  /** The reason last logged for an unreadable list, or null when it was readable. */
  private String logged;

  private record Snapshot(ConfigurationSetListing listing, long readAt) {}

  /**
   * @param source reads the account's sets (a transport's {@link
   *     dev.sluice.core.transport.Transport#configurationSets()})
   * @param refresh how old the list may grow before a look-up refreshes it in the background
   * @param miss how often at most a look-up that misses reads the list again
   * @param background runs background refreshes
   */
  public ListedConfigurationSets(
      Supplier<ConfigurationSetListing> source,
      Clock clock,
      Duration refresh,
      Duration miss,
      Executor background) {
    this.source = Objects.requireNonNull(source, "source");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refreshNanos = refresh.toNanos();
    this.missNanos = miss.toNanos();
    this.background = Objects.requireNonNull(background, "background");
  }

  /** Reads the list now, blocking; the relay calls it at start, off the doors' threads. */
  public void refresh() {
    synchronized (lock) {
      read();
    }
  }

  @Override
  public boolean knownMissing(String name) {
    Snapshot s = snapshot;
    if (s == null) {
      synchronized (lock) {
        if (snapshot == null) {
          read(); // the first look-up before the first read, or while it runs: wait for it
        }
        s = snapshot;
      }
    }
    long now = clock.nanos();
    if (now - s.readAt() >= refreshNanos && refreshing.compareAndSet(false, true)) {
      background.execute(
          () -> {
            try {
              refresh();
            } finally {
              refreshing.set(false);
            }
          });
    }
    if (!(s.listing() instanceof ConfigurationSetListing.Listed listed)) {
      return false;
    }
    if (listed.names().contains(name)) {
      return false;
    }
    synchronized (lock) {
      Snapshot current = snapshot;
      if (current == s && clock.nanos() - s.readAt() >= missNanos) {
        read();
      }
      return snapshot.listing() instanceof ConfigurationSetListing.Listed l
          && !l.names().contains(name);
    }
  }

  /** Reads the list; the caller holds the lock. */
  private void read() {
    ConfigurationSetListing listing;
    try {
      listing = source.get();
    } catch (RuntimeException e) {
      listing = new ConfigurationSetListing.Unreadable(String.valueOf(e));
    }
    snapshot = new Snapshot(listing, clock.nanos());
    if (listing instanceof ConfigurationSetListing.Unreadable u) {
      if (!u.why().equals(logged)) {
        log.warn(
            "cannot read the account's configuration sets ({}); messages naming a set are not"
                + " checked against them at the doors, SES decides at delivery",
            u.why());
        logged = u.why();
      }
    } else if (logged != null) {
      log.info("the account's configuration sets can be read again; the doors check them");
      logged = null;
    }
  }
}
