package dev.sluice.simulator.account;

import java.util.Objects;

/**
 * A sending identity of the simulated account: an email address or a domain.
 *
 * @param name the address or domain, as created
 * @param domain whether it is a domain ({@code DOMAIN}) rather than an address ({@code
 *     EMAIL_ADDRESS})
 * @param verified whether it may be used to send
 * @param createdAtMillis when it was created
 * @param defaultConfigurationSet the configuration set sends from it use when they name none, or
 *     null
 */
public record Identity(
    String name,
    boolean domain,
    boolean verified,
    long createdAtMillis,
    String defaultConfigurationSet) {
  /** Checks for nulls. */
  public Identity {
    Objects.requireNonNull(name, "name");
  }

  /** The v2 API's {@code IdentityType}. */
  public String type() {
    return domain ? "DOMAIN" : "EMAIL_ADDRESS";
  }

  /** A copy with another default configuration set (null for none). */
  public Identity withDefaultConfigurationSet(String set) {
    return new Identity(name, domain, verified, createdAtMillis, set);
  }

  /** A copy verified or not. */
  public Identity withVerified(boolean v) {
    return new Identity(name, domain, v, createdAtMillis, defaultConfigurationSet);
  }
}
