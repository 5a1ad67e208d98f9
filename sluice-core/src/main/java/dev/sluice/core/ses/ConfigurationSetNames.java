package dev.sluice.core.ses;

/**
 * SES's rule for configuration set names: 1 to 64 ASCII letters, digits, {@code _} and {@code -}
 * (SES's API reference), shared by the simulator, which refuses to create other names, and the
 * relay, which refuses other names at its doors.
 *
 * <p>Thread-safe (no state).
 */
public final class ConfigurationSetNames {
  /** The longest configuration set name. */
  public static final int MAX_LENGTH = 64;

  private ConfigurationSetNames() {}

  /** Why SES refuses the name, or null when it passes. */
  public static String problem(String name) {
    return problem("Configuration set name", name);
  }

  /**
   * Why SES refuses a name under the same rule (event destinations share it), or null.
   *
   * @param what what is named, for the words, e.g. {@code Event destination name}
   */
  public static String problem(String what, String name) {
    if (name.isEmpty() || name.length() > MAX_LENGTH || !MessageTags.allowed(name)) {
      return what
          + " "
          + name
          + " is not valid: use up to "
          + MAX_LENGTH
          + " letters, digits, '_' and '-'.";
    }
    return null;
  }
}
