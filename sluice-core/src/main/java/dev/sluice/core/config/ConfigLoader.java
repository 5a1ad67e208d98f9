package dev.sluice.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads configuration in layers: built-in defaults, then a file, then environment variables, then
 * command-line flags; each later layer wins.
 *
 * <p>The file format is one {@code key = value} per line; {@code #} starts a comment line; blank
 * lines are ignored. Unknown keys in the file or in flags stop loading with an error naming the key
 * and where it was found, and so do environment variables under the schema's prefix that name no
 * key. A value that does not parse stops loading with the key, the origin and what was expected.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /** Reads a configuration file into key/value pairs, keeping line numbers for errors. */
  public static Map<String, String> readFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    return parseLines(lines, file.toString());
  }

  /** Parses configuration text; {@code where} names its source in error messages. */
  public static Map<String, String> parseLines(List<String> lines, String where) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            where + ":" + (i + 1) + ": expected 'key = value', got '" + line + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (out.put(key, value) != null) {
        throw new ConfigException(where + ":" + (i + 1) + ": key '" + key + "' is set twice");
      }
    }
    return out;
  }

  /**
   * Resolves every key of the schema.
   *
   * @param schema the keys understood
   * @param file values from a file (may be empty), already read with {@link #readFile}
   * @param fileName the file's name for error messages
   * @param environment the process environment
   * @param envPrefix environment variables starting with this (e.g. {@code SLUICE_SIMULATOR_}) must
   *     name a key
   * @param flags values from the command line
   */
  public static Settings resolve(
      ConfigSchema schema,
      Map<String, String> file,
      String fileName,
      Map<String, String> environment,
      String envPrefix,
      Map<String, String> flags) {
    Map<String, Settings.Entry> out = new LinkedHashMap<>();
    Map<String, String> sectioned = new LinkedHashMap<>();
    Map<String, ConfigKey<?>> byEnv = new LinkedHashMap<>();
    for (ConfigKey<?> k : schema.keys()) {
      byEnv.put(k.environmentVariable(), k);
      out.put(k.name(), entry(k, k.defaultText(), Settings.Origin.DEFAULT, "built-in default"));
    }
    apply(schema, out, sectioned, file, Settings.Origin.FILE, "configuration file " + fileName);
    for (Map.Entry<String, String> e : environment.entrySet()) {
      ConfigKey<?> k = byEnv.get(e.getKey());
      if (k != null) {
        out.put(
            k.name(),
            entry(
                k,
                e.getValue(),
                Settings.Origin.ENVIRONMENT,
                "environment variable " + e.getKey()));
      } else if (envPrefix != null && e.getKey().startsWith(envPrefix)) {
        throw new ConfigException(
            "unknown environment variable "
                + e.getKey()
                + ": it names no configuration key"
                + (schema.sections().isEmpty()
                    ? ""
                    : " (keys under "
                        + String.join(", ", schema.sections())
                        + " are set in the"
                        + " configuration file or with --set)"));
      }
    }
    apply(schema, out, sectioned, flags, Settings.Origin.FLAG, "command line");
    return new Settings(out, sectioned);
  }

  private static void apply(
      ConfigSchema schema,
      Map<String, Settings.Entry> out,
      Map<String, String> sectioned,
      Map<String, String> values,
      Settings.Origin origin,
      String where) {
    for (Map.Entry<String, String> e : values.entrySet()) {
      ConfigKey<?> k = schema.key(e.getKey());
      if (k == null && schema.inSection(e.getKey())) {
        sectioned.put(e.getKey(), e.getValue().strip());
        continue;
      }
      if (k == null) {
        throw new ConfigException("unknown configuration key '" + e.getKey() + "' in " + where);
      }
      out.put(k.name(), entry(k, e.getValue(), origin, where));
    }
  }

  private static Settings.Entry entry(
      ConfigKey<?> k, String text, Settings.Origin origin, String where) {
    try {
      return new Settings.Entry(k, text, k.parser().apply(text.strip()), origin);
    } catch (RuntimeException e) {
      throw new ConfigException(
          "configuration key '" + k.name() + "' (" + where + "): " + e.getMessage());
    }
  }
}
