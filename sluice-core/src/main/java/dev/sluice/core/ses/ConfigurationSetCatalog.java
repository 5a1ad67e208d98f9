package dev.sluice.core.ses;

/**
 * What the relay knows of the account's configuration sets, asked at the doors so that a message
 * naming a set SES does not have is refused there rather than failed at delivery.
 *
 * <p>Implementations are thread-safe.
 */
public interface ConfigurationSetCatalog {
  /** A catalog that refuses no set: the relay does not know the account's sets. */
  ConfigurationSetCatalog ANY = name -> false;

  /**
   * Whether the account is known not to have this set. False when it has it, and also when the
   * account's sets cannot be read: the door then leaves the answer to SES.
   *
   * <p>May block to read the account's sets again.
   */
  boolean knownMissing(String name);
}
