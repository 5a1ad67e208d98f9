package dev.sluice.app;

import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.ConfigSchema;
import dev.sluice.core.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns a configuration schema into command-line flags and back: every key {@code PREFIX.NAME}
 * becomes {@code --NAME} (dots become dashes), so flags and keys can never drift apart.
 *
 * <p>A list-valued key may also be given as a repeatable flag of its own name (e.g. {@code
 * --sns-subscription A --sns-subscription B} for {@code sns-subscriptions = A,B}): its values are
 * joined with commas, and the key's own flag is its second name.
 *
 * @param schema the keys
 * @param prefix the keys' common prefix with its dot, e.g. {@code relay.}
 * @param envPrefix environment variables starting with this must name a key
 * @param repeatable key name to the repeatable flag that gives its values one at a time
 */
record SchemaOptions(
    ConfigSchema schema, String prefix, String envPrefix, Map<String, String> repeatable) {
  /** Options without repeatable flags. */
  SchemaOptions(ConfigSchema schema, String prefix, String envPrefix) {
    this(schema, prefix, envPrefix, Map.of());
  }

  /** Copies the map. */
  SchemaOptions {
    repeatable = Map.copyOf(repeatable);
  }

  /** The flag of a key. */
  String flag(ConfigKey<?> k) {
    return "--" + k.name().substring(prefix.length()).replace('.', '-');
  }

  /** Adds one option per key to a command line. */
  void addTo(CommandLine cl) {
    for (ConfigKey<?> k : schema.keys()) {
      boolean bool = k.defaultText().equals("true") || k.defaultText().equals("false");
      String single = repeatable.get(k.name());
      OptionSpec.Builder b =
          (single == null
                  ? OptionSpec.builder(flag(k)).type(String.class)
                  : OptionSpec.builder(single, flag(k))
                      .type(List.class)
                      .auxiliaryTypes(String.class))
              .paramLabel(label(k))
              // picocli formats descriptions (String.format): a literal % is written %%.
              .description(
                  (k.doc()
                          + " Default: "
                          + (k.defaultText().isEmpty() ? "(none)" : k.defaultText())
                          + ".")
                      .replace("%", "%%"));
      if (bool) {
        b.arity("0..1").fallbackValue("true");
      }
      cl.getCommandSpec().addOption(b.build());
    }
  }

  /**
   * Resolves the settings: defaults, then the file, then the environment, then {@code --set} pairs
   * and flags.
   */
  Settings resolve(
      CommandLine.ParseResult parse,
      Path configFile,
      Map<String, String> sets,
      Map<String, String> env) {
    Map<String, String> flags = new LinkedHashMap<>();
    sets.forEach((k, v) -> flags.put(k.startsWith(prefix) ? k : prefix + k, v));
    for (ConfigKey<?> k : schema.keys()) {
      var matched = parse.matchedOption(flag(k));
      if (matched != null) {
        Object value = matched.getValue();
        flags.put(
            k.name(),
            value instanceof List<?> values
                ? String.join(",", values.stream().map(String::valueOf).toList())
                : (String) value);
      }
    }
    Map<String, String> file = configFile == null ? Map.of() : ConfigLoader.readFile(configFile);
    return ConfigLoader.resolve(schema, file, String.valueOf(configFile), env, envPrefix, flags);
  }

  private static String label(ConfigKey<?> k) {
    String n = k.name();
    if (n.endsWith("subscriptions")) {
      return "TOPIC_ARN=URL";
    }
    if (n.endsWith("port")) {
      return "PORT";
    }
    if (n.endsWith("latency")) {
      return "LATENCY";
    }
    if (n.endsWith("rate") && !n.endsWith("send-rate")) {
      return "P";
    }
    if (n.endsWith("dir") || n.endsWith("file")) {
      return "PATH";
    }
    return "VALUE";
  }
}
