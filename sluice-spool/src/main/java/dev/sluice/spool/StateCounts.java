package dev.sluice.spool;

import dev.sluice.core.spool.SpoolState;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Messages held per state and their content octets: a fixed handful of counters however large the
 * backlog, rebuilt by one scan when the spool opens and then changed by the writer as each write
 * lands.
 *
 * <p>Thread-safe; a {@link #counts()} taken while the writer works may be a write apart between
 * states.
 */
final class StateCounts {
  private final AtomicLongArray byState = new AtomicLongArray(SpoolState.values().length);
  private final AtomicLong bytes = new AtomicLong();

  void add(SpoolState state, long messages) {
    byState.addAndGet(state.ordinal(), messages);
  }

  void addBytes(long n) {
    bytes.addAndGet(n);
  }

  /** Applies deltas indexed by state ordinal. */
  void add(long[] deltas, long byteDelta) {
    for (int i = 0; i < deltas.length; i++) {
      if (deltas[i] != 0) {
        byState.addAndGet(i, deltas[i]);
      }
    }
    bytes.addAndGet(byteDelta);
  }

  Map<SpoolState, Long> counts() {
    Map<SpoolState, Long> out = new EnumMap<>(SpoolState.class);
    for (SpoolState s : SpoolState.values()) {
      out.put(s, byState.get(s.ordinal()));
    }
    return out;
  }

  long bytes() {
    return bytes.get();
  }
}
