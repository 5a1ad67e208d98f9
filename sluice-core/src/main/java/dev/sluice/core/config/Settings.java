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
  private final Map<String, String> sectioned;

  Settings(Map<String, Entry> entries, Map<String, String> sectioned) {
    this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    this.sectioned = Collections.unmodifiableMap(new LinkedHashMap<>(sectioned));
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

  /**
   * The keys given under an open section of the schema ({@link ConfigSchema#withSections}) that
   * start with {@code prefix}, with their text, in the order given; empty when none.
   */
  public Map<String, String> section(String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    sectioned.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k, v);
          }
        });
    return out;
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
    sectioned.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
    return sb.toString();
  }
}
