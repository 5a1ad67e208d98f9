package dev.sluice.core.spool;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which entries an operator asks for: states, a recipient domain, an age.
 *
 * @param states the states to include; all when empty
 * @param recipientDomain include only entries with a recipient in this domain (case-insensitive,
 *     subdomains not included); any when empty
 * @param receivedBefore include only entries received before this instant; any when {@code null}
 */
public record SpoolFilter(Set<SpoolState> states, String recipientDomain, Instant receivedBefore) {
  /** Every entry. */
  public static final SpoolFilter ALL = new SpoolFilter(Set.of(), "", null);

  /** Copies the set and lower-cases the domain. */
  public SpoolFilter {
    states = states.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(states));
    recipientDomain =
        Objects.requireNonNull(recipientDomain, "recipientDomain").toLowerCase(Locale.ROOT);
  }

  /** Entries in one of these states. */
  public static SpoolFilter states(SpoolState... states) {
    return new SpoolFilter(Set.of(states), "", null);
  }

  /** Whether an entry passes. */
  public boolean matches(SpoolEntry e) {
    if (!states.isEmpty() && !states.contains(e.state())) {
      return false;
    }
    if (receivedBefore != null && !e.received().isBefore(receivedBefore)) {
      return false;
    }
    if (recipientDomain.isEmpty()) {
      return true;
    }
    for (String r : e.envelope().recipients()) {
      int at = r.lastIndexOf('@');
      if (at >= 0 && r.substring(at + 1).equalsIgnoreCase(recipientDomain)) {
        return true;
      }
    }
    return false;
  }
}
