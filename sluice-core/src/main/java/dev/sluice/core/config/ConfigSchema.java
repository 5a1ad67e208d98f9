package dev.sluice.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closed set of keys a component understands, in documentation order. Anything outside it is
 * rejected when configuration is loaded.
 *
 * <p>Immutable once built; thread-safe.
 */
public final class ConfigSchema {
  private final Map<String, ConfigKey<?>> keys;

  private ConfigSchema(Map<String, ConfigKey<?>> keys) {
    this.keys = Collections.unmodifiableMap(keys);
  }

  /** Builds a schema from keys in the order they should be documented. */
  public static ConfigSchema of(List<ConfigKey<?>> keys) {
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    for (ConfigKey<?> k : keys) {
      if (byName.put(k.name(), k) != null) {
        throw new IllegalArgumentException("duplicate key " + k.name());
      }
    }
    return new ConfigSchema(byName);
  }

  /** The keys in documentation order. */
  public List<ConfigKey<?>> keys() {
    return new ArrayList<>(keys.values());
  }

  /** Returns the key of that name, or null. */
  public ConfigKey<?> key(String name) {
    return keys.get(name);
  }
}
