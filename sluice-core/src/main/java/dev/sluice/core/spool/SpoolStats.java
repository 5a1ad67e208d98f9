package dev.sluice.core.spool;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The spool's size at one moment: messages by state, their octets, the oldest, and the free space
 * left where it stores them.
 *
 * @param counts messages per state (every state present, zero when none)
 * @param bytes the content octets of every message held
 * @param oldestReceived when the oldest message held was received, if any
 * @param freeBytes usable space left on the spool's storage, or -1 when unknown
 */
public record SpoolStats(
    Map<SpoolState, Long> counts, long bytes, Optional<Instant> oldestReceived, long freeBytes) {
  /** Copies the counts, filling absent states with zero. */
  public SpoolStats {
    Map<SpoolState, Long> all = new EnumMap<>(SpoolState.class);
    for (SpoolState s : SpoolState.values()) {
      all.put(s, counts.getOrDefault(s, 0L));
    }
    counts = Collections.unmodifiableMap(all);
  }

  /** Messages held in any state. */
  public long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Messages held in one state. */
  public long count(SpoolState state) {
    return counts.get(state);
  }
}
