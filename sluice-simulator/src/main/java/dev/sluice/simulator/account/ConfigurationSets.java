package dev.sluice.simulator.account;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * <p>Where a set's events go (the SNS topics of its enabled destinations, per event type) is asked
 * on every send that names it, so it is worked out once per version of the set and kept beside it:
 * {@link #eventTopics} is two map reads, no allocation. The entry remembers the set it was made
 * from and is made again when the set has been replaced; an entry that outlives its set (a delete
 * racing a read) is never used, as the set is looked up first, and is dropped by the next delete or
 * {@link #clear}.
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
  private final ConcurrentMap<String, EventTopics> topics = new ConcurrentHashMap<>();

  /** Where one version of a set publishes its events. */
  private record EventTopics(
      ConfigurationSet set, Map<EventType, List<String>> byType, List<String> all) {
    static EventTopics of(ConfigurationSet set) {
      Map<EventType, List<String>> byType = new EnumMap<>(EventType.class);
      Set<String> all = new LinkedHashSet<>();
      for (EventType type : EventType.values()) {
        Set<String> arns = new LinkedHashSet<>();
        for (EventDestination d : set.destinations().values()) {
          if (d.wants(type) && d.snsTopicArn() != null) {
            arns.add(d.snsTopicArn());
          }
        }
        byType.put(type, List.copyOf(arns));
        all.addAll(arns);
      }
      return new EventTopics(set, byType, List.copyOf(all));
    }
  }

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
    boolean had = sets.remove(name) != null;
    topics.remove(name);
    return had;
  }

  /**
   * The SNS topics of the set's enabled destinations that take events of {@code type}, each once,
   * in the order the destinations were created; empty when there is no such set.
   */
  public List<String> eventTopics(String name, EventType type) {
    EventTopics t = eventTopics(name);
    return t == null ? List.of() : t.byType().get(type);
  }

  /** The SNS topics of the set's enabled destinations, whatever the event type, each once. */
  public List<String> allEventTopics(String name) {
    EventTopics t = eventTopics(name);
    return t == null ? List.of() : t.all();
  }

  private EventTopics eventTopics(String name) {
    ConfigurationSet set = sets.get(name);
    if (set == null) {
      return null;
    }
    EventTopics t = topics.get(name);
    if (t == null || t.set() != set) {
      t = EventTopics.of(set);
      topics.put(name, t);
    }
    return t;
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
    topics.clear();
  }
}
