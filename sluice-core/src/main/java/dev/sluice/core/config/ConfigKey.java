package dev.sluice.core.config;

import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration key: its dotted name, its default as text, one line of documentation and the
 * parser that turns text into the typed value.
 *
 * @param name dotted lower-case name such as {@code simulator.max-send-rate}
 * @param defaultText the built-in default, in the same text form a user would write
 * @param doc what the key controls, one sentence
 * @param parser turns text into a value; throws {@link IllegalArgumentException} saying what was
 *     expected
 * @param secret whether the value must never be printed or logged
 * @param <T> the value type
 */
public record ConfigKey<T>(
    String name, String defaultText, String doc, Function<String, T> parser, boolean secret) {
  /** A key whose value may be printed. */
  public ConfigKey(String name, String defaultText, String doc, Function<String, T> parser) {
    this(name, defaultText, doc, parser, false);
  }

  /** Validates the parts. */
  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(defaultText, "defaultText");
    Objects.requireNonNull(doc, "doc");
    Objects.requireNonNull(parser, "parser");
    if (!name.matches("[a-z0-9]+(?:[.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException("bad key name " + name);
    }
  }

  /** The environment variable that sets this key: {@code SLUICE_} plus the name in upper case. */
  public String environmentVariable() {
    return "SLUICE_" + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }
}
