package dev.sluice.ingress;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may hand mail to the relay: clients in the relay networks, and users who logged in. Anyone
 * else may connect and log in, but not send. Never an open relay: with no networks and no users,
 * nobody may send.
 *
 * @param relayNetworks clients that may send without logging in (default: loopback)
 * @param users who may log in
 */
public record AccessPolicy(Networks relayNetworks, UserStore users) {
  /** Checks for nulls. */
  public AccessPolicy {
    Objects.requireNonNull(relayNetworks, "relayNetworks");
    Objects.requireNonNull(users, "users");
  }

  /** Loopback clients only, nobody can log in. */
  public static AccessPolicy loopbackOnly() {
    return new AccessPolicy(Networks.LOOPBACK, UserStore.EMPTY);
  }

  /** Whether a client at {@code address}, logged in as {@code user} if present, may send. */
  public boolean maySend(InetAddress address, Optional<String> user) {
    return user.isPresent() || relayNetworks.contains(address);
  }
}
