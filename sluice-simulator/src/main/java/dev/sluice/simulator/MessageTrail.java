package dev.sluice.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What happened to one accepted message after SES's answer: each event published for it (Send,
 * Delivery, Bounce, …, with where it went), each notification, a suppressed recipient. Shown by the
 * inspection API and the inbox page, so a person can see what SES would have told them.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} entries are kept; later ones are counted, not kept.
 *
 * <p>Thread-safe: events are added from the publishing threads while readers look.
 */
public final class MessageTrail {
  /** The most entries one message keeps. */
  public static final int MAX_ENTRIES = 200;

  /**
   * One thing that happened.
   *
   * @param atMillis when, on the simulator's clock
   * @param kind what: an event type as SES names it ({@code Send}, {@code Delivery}, {@code
   *     Bounce}, …) or a note such as {@code suppressed}
   * @param recipient the recipient it is about, or null for the whole message
   * @param detail where it went (a topic ARN, a destination name) or why, in words; may be empty
   */
  public record Entry(long atMillis, String kind, String recipient, String detail) {
    /** Checks for nulls. */
    public Entry {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(detail, "detail");
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private long dropped;

  /** Adds an entry, or counts it when the trail is full. */
  public synchronized void add(Entry e) {
    if (entries.size() < MAX_ENTRIES) {
      entries.add(e);
    } else {
      dropped++;
    }
  }

  /** The entries so far, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /** Entries that did not fit. */
  public synchronized long dropped() {
    return dropped;
  }
}
