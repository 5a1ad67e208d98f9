package dev.sluice.simulator.account;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One configuration set of the simulated account: its event destinations, whether it may send, and
 * whether it overrides the account's suppression list settings.
 *
 * @param name the set's name
 * @param createdAtMillis when it was created
 * @param sendingEnabled whether sends using it are accepted ({@code
 *     PutConfigurationSetSendingOptions})
 * @param suppressedReasons the set's own reasons for the account-level suppression list ({@code
 *     SuppressionOptions}); null when the set follows the account
 * @param destinations its event destinations by name, in the order they were created
 * @param tags the set's resource tags as given
 */
public record ConfigurationSet(
    String name,
    long createdAtMillis,
    boolean sendingEnabled,
    List<String> suppressedReasons,
    Map<String, EventDestination> destinations,
    Map<String, String> tags) {
  /** Copies the collections and checks for nulls. */
  public ConfigurationSet {
    Objects.requireNonNull(name, "name");
    suppressedReasons = suppressedReasons == null ? null : List.copyOf(suppressedReasons);
    destinations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(destinations));
    tags = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
  }

  /** A set with nothing configured. */
  public static ConfigurationSet empty(String name, long nowMillis) {
    return new ConfigurationSet(name, nowMillis, true, null, Map.of(), Map.of());
  }

  /** A copy with a destination added or replaced. */
  public ConfigurationSet withDestination(EventDestination d) {
    Map<String, EventDestination> m = new LinkedHashMap<>(destinations);
    m.put(d.name(), d);
    return new ConfigurationSet(name, createdAtMillis, sendingEnabled, suppressedReasons, m, tags);
  }

  /** A copy without the named destination. */
  public ConfigurationSet withoutDestination(String destination) {
    Map<String, EventDestination> m = new LinkedHashMap<>(destinations);
    m.remove(destination);
    return new ConfigurationSet(name, createdAtMillis, sendingEnabled, suppressedReasons, m, tags);
  }

  /** A copy with its own suppression reasons (null: follow the account). */
  public ConfigurationSet withSuppressedReasons(List<String> reasons) {
    return new ConfigurationSet(name, createdAtMillis, sendingEnabled, reasons, destinations, tags);
  }

  /** A copy that may or may not send. */
  public ConfigurationSet withSendingEnabled(boolean enabled) {
    return new ConfigurationSet(
        name, createdAtMillis, enabled, suppressedReasons, destinations, tags);
  }
}
