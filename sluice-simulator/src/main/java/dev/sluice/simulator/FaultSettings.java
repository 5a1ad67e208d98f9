package dev.sluice.simulator;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The latency and fault probabilities of each interface, as configured at start-up and as changed
 * while the simulator runs ({@code PUT /_sluice/faults}), read by the fault injectors on every
 * request.
 *
 * <p>Design: the settings of all interfaces are one immutable snapshot behind a volatile reference.
 * A request reads it once (no lock on the I/O path) and so never sees half of a change; a change
 * builds a whole new snapshot and swaps it in, so it takes effect from the next request on every
 * connection, SMTP sessions included. Writers are serialized so that two concurrent partial changes
 * both land.
 *
 * <p>Thread-safe.
 */
public final class FaultSettings {
  /**
   * The settings of one interface.
   *
   * @param latency the response latency distribution
   * @param faults the fault probabilities
   */
  public record Conditions(LatencySpec latency, FaultSpec faults) {
    /** Checks for nulls. */
    public Conditions {
      Objects.requireNonNull(latency, "latency");
      Objects.requireNonNull(faults, "faults");
    }

    /** No latency and no faults. */
    public static final Conditions NONE = new Conditions(LatencySpec.ZERO, FaultSpec.NONE);
  }

  private final Map<SesInterface, Conditions> startup;
  private volatile Map<SesInterface, Conditions> current;

  /** Creates the settings from the start-up values; a missing interface has none. */
  public FaultSettings(
      Map<SesInterface, LatencySpec> latency, Map<SesInterface, FaultSpec> faults) {
    Map<SesInterface, Conditions> m = new EnumMap<>(SesInterface.class);
    for (SesInterface i : SesInterface.values()) {
      m.put(
          i,
          new Conditions(
              latency.getOrDefault(i, LatencySpec.ZERO), faults.getOrDefault(i, FaultSpec.NONE)));
    }
    this.startup = Map.copyOf(m);
    this.current = startup;
  }

  /** The settings of one interface now. */
  public Conditions of(SesInterface via) {
    return current.get(via);
  }

  /** The settings of every interface now, as one consistent snapshot. */
  public Map<SesInterface, Conditions> snapshot() {
    return current;
  }

  /**
   * Changes the settings: {@code change} gets the current snapshot and returns the settings of the
   * interfaces it changes; the others keep theirs. If it throws, nothing changes. Changes are
   * serialized, so one never undoes another it did not see.
   */
  public synchronized void change(UnaryOperator<Map<SesInterface, Conditions>> change) {
    Map<SesInterface, Conditions> next = new EnumMap<>(current);
    next.putAll(change.apply(current));
    current = Map.copyOf(next);
  }

  /** Goes back to the start-up settings. */
  public synchronized void restore() {
    current = startup;
  }
}
