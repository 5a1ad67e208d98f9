package dev.sluice.core.config;

/** A configuration that cannot be used; the message names the key and what was expected. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message fit to show a user as it is. */
  public ConfigException(String message) {
    super(message);
  }
}
