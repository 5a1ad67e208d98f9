package dev.sluice.app;

import dev.sluice.core.config.ConfigKey;
import dev.sluice.core.config.ConfigLoader;
import dev.sluice.core.config.ConfigSchema;
import dev.sluice.core.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns a configuration schema into command-line flags and back: every key {@code PREFIX.NAME}
 * becomes {@code --NAME} (dots become dashes), so flags and keys can never drift apart.
 *
 * @param schema the keys
 * @param prefix the keys' common prefix with its dot, e.g. {@code relay.}
 * @param envPrefix environment variables starting with this must name a key
 */
record SchemaOptions(ConfigSchema schema, String prefix, String envPrefix) {
  /** The flag of a key. */
  String flag(ConfigKey<?> k) {
    return "--" + k.name().substring(prefix.length()).replace('.', '-');
  }

  /** Adds one option per key to a command line. */
  void addTo(CommandLine cl) {
    for (ConfigKey<?> k : schema.keys()) {
      boolean bool = k.defaultText().equals("true") || k.defaultText().equals("false");
      OptionSpec.Builder b =
          OptionSpec.builder(flag(k))
              .paramLabel(label(k))
              .type(String.class)
              .description(
                  k.doc()
                      + " Default: "
                      + (k.defaultText().isEmpty() ? "(none)" : k.defaultText())
                      + ".");
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
        flags.put(k.name(), matched.getValue());
      }
    }
    Map<String, String> file = configFile == null ? Map.of() : ConfigLoader.readFile(configFile);
    return ConfigLoader.resolve(schema, file, String.valueOf(configFile), env, envPrefix, flags);
  }

  private static String label(ConfigKey<?> k) {
    String n = k.name();
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
