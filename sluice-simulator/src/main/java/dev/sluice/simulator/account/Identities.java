package dev.sluice.simulator.account;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;

/**
 * The simulated account's identities: those given at start ({@code --verified-identities}) and
 * those created through the API, verified at once unless the simulator is told otherwise.
 *
 * <p>An address counts as verified when it, or its domain, is a verified identity, as SES checks
 * senders (and, in the sandbox, recipients).
 *
 * <p>Bounded: at most {@link #MAX_IDENTITIES} (SES's quota per region). Thread-safe.
 */
public final class Identities {
  /** The most identities the account may have. */
  public static final int MAX_IDENTITIES = 10_000;

  private final ConcurrentMap<String, Identity> byName = new ConcurrentHashMap<>();

  /** Adds an identity; false when it exists or the account is full. */
  public boolean create(Identity i) {
    if (byName.size() >= MAX_IDENTITIES) {
      return false;
    }
    return byName.putIfAbsent(key(i.name()), i) == null;
  }

  /** The identity of that name. */
  public Optional<Identity> get(String name) {
    return Optional.ofNullable(byName.get(key(name)));
  }

  /** Changes an identity; false when there is none of that name. */
  public boolean update(String name, UnaryOperator<Identity> change) {
    return byName.computeIfPresent(key(name), (k, v) -> change.apply(v)) != null;
  }

  /** Deletes an identity; false when there was none. */
  public boolean delete(String name) {
    return byName.remove(key(name)) != null;
  }

  /** Whether the account has any identity (then senders must be verified ones). */
  public boolean any() {
    return !byName.isEmpty();
  }

  /** Every identity, by name. */
  public List<Identity> all() {
    List<Identity> out = new ArrayList<>(byName.values());
    out.sort((a, b) -> key(a.name()).compareTo(key(b.name())));
    return out;
  }

  /**
   * The identity an address sends as: the address itself if it is one, else its domain; the one
   * whose settings (default configuration set) apply.
   */
  public Optional<Identity> forAddress(String address) {
    String a = key(address);
    Identity i = byName.get(a);
    if (i != null) {
      return Optional.of(i);
    }
    int at = a.lastIndexOf('@');
    return at < 0 ? Optional.empty() : Optional.ofNullable(byName.get(a.substring(at + 1)));
  }

  /** Whether an address, or its domain, is a verified identity. */
  public boolean verified(String address) {
    String a = key(address);
    Identity i = byName.get(a);
    if (i != null && i.verified()) {
      return true;
    }
    int at = a.lastIndexOf('@');
    if (at < 0) {
      return false;
    }
    Identity d = byName.get(a.substring(at + 1));
    return d != null && d.verified();
  }

  private static String key(String name) {
    return name.strip().toLowerCase(Locale.ROOT);
  }
}
