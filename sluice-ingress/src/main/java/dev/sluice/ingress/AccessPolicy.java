package dev.sluice.ingress;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may hand mail to the relay: clients in the relay networks, and users who logged in. Anyone
 * else may connect and log in, but not send. Never an open relay: with no networks and no users,
 * nobody may send.
 *
 * <p>A reload replaces the networks and the users together ({@link #replace}); every check after it
 * sees the new pair, a session already logged in keeps its login. Thread-safe.
 */
public final class AccessPolicy {
  /** The networks and the users, replaced as one. */
  private record Rules(Networks relayNetworks, UserStore users) {
    Rules {
      Objects.requireNonNull(relayNetworks, "relayNetworks");
      Objects.requireNonNull(users, "users");
    }
  }

  private volatile Rules rules;

  /**
   * A policy.
   *
   * @param relayNetworks clients that may send without logging in (default: loopback)
   * @param users who may log in
   */
  public AccessPolicy(Networks relayNetworks, UserStore users) {
    this.rules = new Rules(relayNetworks, users);
  }

  /** Loopback clients only, nobody can log in. */
  public static AccessPolicy loopbackOnly() {
    return new AccessPolicy(Networks.LOOPBACK, UserStore.EMPTY);
  }

  /** Clients that may send without logging in. */
  public Networks relayNetworks() {
    return rules.relayNetworks();
  }

  /** Who may log in. */
  public UserStore users() {
    return rules.users();
  }

  /** Replaces the networks and the users at once (a reload). */
  public void replace(Networks relayNetworks, UserStore users) {
    this.rules = new Rules(relayNetworks, users);
  }

  /** Whether a client at {@code address}, logged in as {@code user} if present, may send. */
  public boolean maySend(InetAddress address, Optional<String> user) {
    return user.isPresent() || rules.relayNetworks().contains(address);
  }
}
