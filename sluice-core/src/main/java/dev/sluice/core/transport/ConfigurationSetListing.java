package dev.sluice.core.transport;

import java.util.Objects;
import java.util.Set;

/** The account's configuration sets as an upstream lists them, or why they could not be read. */
public sealed interface ConfigurationSetListing {
  /**
   * The sets the account has.
   *
   * @param names every set's name
   */
  record Listed(Set<String> names) implements ConfigurationSetListing {
    /** Copies the names. */
    public Listed {
      names = Set.copyOf(names);
    }
  }

  /**
   * The sets could not be read: no such call on this transport, permission denied, an error.
   *
   * @param why the reason, for the operator's log
   */
  record Unreadable(String why) implements ConfigurationSetListing {
    /** Checks the reason is present. */
    public Unreadable {
      Objects.requireNonNull(why, "why");
    }
  }
}
