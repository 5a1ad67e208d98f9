package dev.sluice.simulator.account;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The account-level suppression list (SES v2): addresses SES does not send to, and the reasons for
 * which it adds them by itself.
 *
 * <p>Design: a concurrent map keyed by the address in lower case (SES compares addresses without
 * regard to case), read on every send without a lock. Listing sorts a snapshot by time and address,
 * which gives stable pages for {@code NextToken} (an offset into that order).
 *
 * <p>Bounded: at most {@code capacity} addresses; adding beyond it is refused.
 *
 * <p>Thread-safe.
 */
public final class SuppressionList {
  /** The reasons SES knows. */
  public static final Set<String> REASONS = Set.of("BOUNCE", "COMPLAINT");

  private final ConcurrentMap<String, SuppressedDestination> entries = new ConcurrentHashMap<>();
  private final int capacity;
  private volatile List<String> accountReasons;

  /**
   * @param capacity the most addresses kept
   * @param accountReasons the account's reasons for adding addresses by itself
   */
  public SuppressionList(int capacity, List<String> accountReasons) {
    this.capacity = capacity;
    this.accountReasons = List.copyOf(accountReasons);
  }

  /** The account's reasons for adding addresses by itself ({@code SuppressionAttributes}). */
  public List<String> accountReasons() {
    return accountReasons;
  }

  /** Changes the account's reasons ({@code PutAccountSuppressionAttributes}). */
  public void accountReasons(List<String> reasons) {
    this.accountReasons = List.copyOf(reasons);
  }

  /**
   * Adds or replaces an address.
   *
   * @return false when the list is full and the address is not on it already
   */
  public boolean put(SuppressedDestination d) {
    String key = key(d.emailAddress());
    if (entries.size() >= capacity && !entries.containsKey(key)) {
      return false;
    }
    entries.put(key, d);
    return true;
  }

  /** The entry for an address. */
  public Optional<SuppressedDestination> get(String address) {
    return Optional.ofNullable(entries.get(key(address)));
  }

  /** Removes an address; false when it was not listed. */
  public boolean remove(String address) {
    return entries.remove(key(address)) != null;
  }

  /** How many addresses are listed. */
  public int size() {
    return entries.size();
  }

  /**
   * The entries with one of {@code reasons} (all when empty) updated in {@code [from, to)}, newest
   * first, then by address.
   */
  public List<SuppressedDestination> list(Set<String> reasons, long fromMillis, long toMillis) {
    List<SuppressedDestination> out = new ArrayList<>();
    for (SuppressedDestination d : entries.values()) {
      if ((reasons.isEmpty() || reasons.contains(d.reason()))
          && d.lastUpdateMillis() >= fromMillis
          && d.lastUpdateMillis() < toMillis) {
        out.add(d);
      }
    }
    out.sort(
        Comparator.comparingLong(SuppressedDestination::lastUpdateMillis)
            .reversed()
            .thenComparing(d -> key(d.emailAddress())));
    return out;
  }

  /** Forgets every address. */
  public void clear() {
    entries.clear();
  }

  private static String key(String address) {
    return address.strip().toLowerCase(Locale.ROOT);
  }
}
