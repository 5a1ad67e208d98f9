package dev.sluice.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resolved configuration: every key of a schema with its parsed value and where that value came
 * from.
 *
 * <p>Immutable; thread-safe.
 */
public final class Settings {
  /** Where a value came from, lowest precedence first. */
  public enum Origin {
    DEFAULT,
    FILE,
    ENVIRONMENT,
    FLAG
  }

  /** One resolved value. */
  public record Entry(ConfigKey<?> key, String text, Object value, Origin origin) {}

  private final Map<String, Entry> entries;

  Settings(Map<String, Entry> entries) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }

  /** The typed value of a key of this schema. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Entry e = entries.get(key.name());
    if (e == null) {
      throw new IllegalArgumentException("key not in schema: " + key.name());
    }
    return (T) e.value();
  }

  /** All entries in documentation order. */
  public Map<String, Entry> entries() {
    return entries;
  }

  /** The effective configuration as a file in the loader's format, with each value's origin. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    for (Entry e : entries.values()) {
      String shown = e.key().secret() && !e.text().isEmpty() ? "********" : e.text();
      sb.append(e.key().name()).append(" = ").append(shown);
      if (e.origin() != Origin.DEFAULT) {
        sb.append("   # from ").append(e.origin().name().toLowerCase(java.util.Locale.ROOT));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
