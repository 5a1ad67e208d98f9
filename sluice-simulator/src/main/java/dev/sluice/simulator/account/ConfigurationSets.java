package dev.sluice.simulator.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * The simulated account's configuration sets.
 *
 * <p>Design: sets are immutable values in a concurrent map, replaced whole on each change, so a
 * send reads one consistent set without a lock while the API changes another. With {@code lenient}
 * (the simulator's {@code --configuration-sets *}), a send may name a set that was never created
 * and is treated as an empty one, as convenient for tests that do not manage sets; otherwise naming
 * an unknown set is SES's error.
 *
 * <p>Bounded: at most {@link #MAX_SETS} sets (SES's quota is 10,000 per region).
 *
 * <p>Thread-safe.
 */
public final class ConfigurationSets {
  /** The most configuration sets the account may have. */
  public static final int MAX_SETS = 10_000;

  /** The most event destinations one set may have (SES allows 10). */
  public static final int MAX_DESTINATIONS = 10;

  private final ConcurrentMap<String, ConfigurationSet> sets = new ConcurrentHashMap<>();
  private final boolean lenient;

  /**
   * @param lenient whether a send may name a set that does not exist
   */
  public ConfigurationSets(boolean lenient) {
    this.lenient = lenient;
  }

  /** Whether sends may name sets that do not exist. */
  public boolean lenient() {
    return lenient;
  }

  /**
   * Creates a set.
   *
   * @return false when one of that name exists (or the account is at its limit: see {@link #full})
   */
  public boolean create(ConfigurationSet set) {
    if (full()) {
      return false;
    }
    return sets.putIfAbsent(set.name(), set) == null;
  }

  /** Whether the account has as many sets as it may. */
  public boolean full() {
    return sets.size() >= MAX_SETS;
  }

  /** The set of that name. */
  public Optional<ConfigurationSet> get(String name) {
    return Optional.ofNullable(sets.get(name));
  }

  /**
   * The set a send naming {@code name} uses: the created one, an empty one when lenient, or none
   * (SES's error).
   */
  public Optional<ConfigurationSet> forSend(String name, long nowMillis) {
    ConfigurationSet s = sets.get(name);
    if (s != null) {
      return Optional.of(s);
    }
    return lenient ? Optional.of(ConfigurationSet.empty(name, nowMillis)) : Optional.empty();
  }

  /** Changes a set; false when there is none of that name. */
  public boolean update(String name, UnaryOperator<ConfigurationSet> change) {
    return sets.computeIfPresent(name, (k, v) -> change.apply(v)) != null;
  }

  /** Deletes a set; false when there was none. */
  public boolean delete(String name) {
    return sets.remove(name) != null;
  }

  /** Every set's name, sorted. */
  public List<String> names() {
    List<String> out = new ArrayList<>(sets.keySet());
    out.sort(null);
    return out;
  }

  /** Forgets every set. */
  public void clear() {
    sets.clear();
  }
}
