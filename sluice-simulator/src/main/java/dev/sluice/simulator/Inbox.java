package dev.sluice.simulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The most recent accepted messages and per-address counters, for inspection by tests and people.
 *
 * <p>Bounded three ways, so a long benchmark cannot exhaust memory: at most {@code capacity}
 * messages, at most {@code byteBudget} bytes of content (oldest dropped first; a message bigger
 * than the whole budget is kept without its content), and at most {@link #MAX_ADDRESSES} distinct
 * addresses counted by name (the rest are counted under {@code (other)}).
 *
 * <p>Thread-safe: the ring is guarded by its own lock; counters are lock-free.
 */
public final class Inbox {
  /** The most distinct addresses counted individually. */
  public static final int MAX_ADDRESSES = 10_000;

  private static final String OTHER = "(other)";

  private final int capacity;
  private final long byteBudget;
  private final ArrayDeque<ReceivedMessage> ring = new ArrayDeque<>();
  private long bytes;
  private final Map<String, LongAdder> perAddress = new ConcurrentHashMap<>();
  private final LongAdder total = new LongAdder();

  /** Creates an inbox with the given bounds. */
  public Inbox(int capacity, long byteBudget) {
    this.capacity = capacity;
    this.byteBudget = byteBudget;
  }

  /** Records an accepted message. */
  public void add(ReceivedMessage m) {
    ReceivedMessage kept =
        m.content() != null && m.content().length > byteBudget ? m.withoutContent() : m;
    long size = kept.content() == null ? 0 : kept.content().length;
    synchronized (ring) {
      ring.addLast(kept);
      bytes += size;
      while (ring.size() > capacity || bytes > byteBudget) {
        ReceivedMessage old = ring.removeFirst();
        bytes -= old.content() == null ? 0 : old.content().length;
      }
    }
    total.increment();
    for (String r : m.recipients()) {
      count(r.toLowerCase(Locale.ROOT));
    }
  }

  private void count(String address) {
    LongAdder a = perAddress.get(address);
    if (a == null) {
      a =
          perAddress.size() < MAX_ADDRESSES
              ? perAddress.computeIfAbsent(address, k -> new LongAdder())
              : perAddress.computeIfAbsent(OTHER, k -> new LongAdder());
    }
    a.increment();
  }

  /** The newest messages first, at most {@code limit}, that match the filter. */
  public List<ReceivedMessage> recent(int limit, Predicate<ReceivedMessage> filter) {
    List<ReceivedMessage> out = new ArrayList<>();
    synchronized (ring) {
      Iterator<ReceivedMessage> it = ring.descendingIterator();
      while (it.hasNext() && out.size() < limit) {
        ReceivedMessage m = it.next();
        if (filter.test(m)) {
          out.add(m);
        }
      }
    }
    return out;
  }

  /** Finds a kept message by id, or null. */
  public ReceivedMessage find(String messageId) {
    synchronized (ring) {
      for (ReceivedMessage m : ring) {
        if (m.messageId().equals(messageId)) {
          return m;
        }
      }
    }
    return null;
  }

  /** Recipients counted per address, sorted by address. */
  public Map<String, Long> counters() {
    Map<String, Long> out = new TreeMap<>();
    perAddress.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Messages accepted since start or the last reset. */
  public long total() {
    return total.sum();
  }

  /** How many messages are kept now. */
  public int size() {
    synchronized (ring) {
      return ring.size();
    }
  }

  /** Content bytes kept now. */
  public long bytes() {
    synchronized (ring) {
      return bytes;
    }
  }

  /** Forgets all messages and counters. */
  public void clear() {
    synchronized (ring) {
      ring.clear();
      bytes = 0;
    }
    perAddress.clear();
    total.reset();
  }
}
