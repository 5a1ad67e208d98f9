package dev.sluice.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closed set of keys a component understands, in documentation order. Anything outside it is
 * rejected when configuration is loaded, except keys under one of its open {@linkplain #sections()
 * sections} (e.g. {@code relay.route.}), whose names the component itself checks.
 *
 * <p>Immutable once built; thread-safe.
 */
public final class ConfigSchema {
  private final Map<String, ConfigKey<?>> keys;
  private final Map<String, String> sections;

  private ConfigSchema(Map<String, ConfigKey<?>> keys, Map<String, String> sections) {
    this.keys = Collections.unmodifiableMap(keys);
    this.sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
  }

  /** Builds a schema from keys in the order they should be documented. */
  public static ConfigSchema of(List<ConfigKey<?>> keys) {
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    for (ConfigKey<?> k : keys) {
      if (byName.put(k.name(), k) != null) {
        throw new IllegalArgumentException("duplicate key " + k.name());
      }
    }
    return new ConfigSchema(byName, Map.of());
  }

  /**
   * This schema with an open section: keys starting with {@code prefix} (e.g. {@code relay.route.})
   * are taken as text from the file and {@code --set} pairs, and read with {@link
   * Settings#section}; the component checks their names and values. {@code doc} (lines, written as
   * comments) documents the section at the end of the example file.
   */
  public ConfigSchema withSection(String prefix, String doc) {
    Map<String, String> all = new LinkedHashMap<>(sections);
    all.put(prefix, doc);
    return new ConfigSchema(new LinkedHashMap<>(keys), all);
  }

  /** The prefixes of the open sections. */
  public List<String> sections() {
    return new ArrayList<>(sections.keySet());
  }

  /** Whether {@code name} falls under an open section (and is no key of the schema). */
  public boolean inSection(String name) {
    if (keys.containsKey(name)) {
      return false;
    }
    for (String p : sections.keySet()) {
      if (name.startsWith(p) && name.length() > p.length()) {
        return true;
      }
    }
    return false;
  }

  /** The keys in documentation order. */
  public List<ConfigKey<?>> keys() {
    return new ArrayList<>(keys.values());
  }

  /**
   * A configuration file setting every key to its default, each under its documentation: the
   * example a command ships as {@code config/COMMAND.conf}.
   *
   * @param command the subcommand, e.g. {@code relay}
   */
  public String exampleFile(String command) {
    String env = "SLUICE_" + command.toUpperCase(java.util.Locale.ROOT) + "_NAME";
    StringBuilder sb = new StringBuilder();
    sb.append("# sluice ")
        .append(command)
        .append(": every configuration key with its built-in default.\n")
        .append("# Use with: ./sluice ")
        .append(command)
        .append(" --config config/")
        .append(command)
        .append(".conf\n")
        .append("# Each key is also a flag (--NAME) and an environment variable (")
        .append(env)
        .append(").\n");
    for (ConfigKey<?> k : keys.values()) {
      sb.append("\n# ")
          .append(k.doc())
          .append('\n')
          .append(k.name())
          .append(" = ")
          .append(k.secret() ? "" : k.defaultText())
          .append('\n');
    }
    for (String doc : sections.values()) {
      sb.append('\n');
      doc.lines().forEach(l -> sb.append(l.isEmpty() ? "#" : "# " + l).append('\n'));
    }
    return sb.toString();
  }

  /** Returns the key of that name, or null. */
  public ConfigKey<?> key(String name) {
    return keys.get(name);
  }
}
