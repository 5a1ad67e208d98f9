package dev.sluice.app;

import dev.sluice.core.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The configuration flags every long-running command shares ({@code --config}, {@code --set},
 * {@code --print-config}), as a picocli mixin.
 */
final class ConfigFlags {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Configuration file of 'key = value' lines.")
  Path configFile;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Sets any configuration key; repeatable.")
  Map<String, String> sets = new LinkedHashMap<>();

  @Option(names = "--print-config", description = "Prints the effective configuration and exits.")
  boolean printConfig;

  /** Resolves the schema's settings from these flags, the file, the environment and the flags. */
  Settings resolve(SchemaOptions options, CommandLine.ParseResult parse, Map<String, String> env) {
    return options.resolve(parse, configFile, sets, env);
  }
}
