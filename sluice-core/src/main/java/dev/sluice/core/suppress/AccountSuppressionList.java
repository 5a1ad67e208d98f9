package dev.sluice.core.suppress;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The upstream account's own suppression list (SES v2's account-level list), as a transport reaches
 * it: read page by page by date ({@code ListSuppressedDestinations}), added to ({@code
 * PutSuppressedDestination}).
 *
 * <p>Implementations are thread-safe; each call blocks for one round trip.
 */
public interface AccountSuppressionList {

  /**
   * One page of the addresses last updated in {@code [from, to)}, in the upstream's order.
   *
   * @param from the earliest update time wanted (inclusive), or null for no lower bound
   * @param to the latest (exclusive), or null for no upper bound
   * @param pageSize the most addresses on the page
   * @param nextToken the token the previous page gave, or null for the first
   * @throws AccountListException when the call fails
   */
  Listing list(Instant from, Instant to, int pageSize, String nextToken)
      throws AccountListException;

  /**
   * Puts an address on the account's list for a reason the upstream takes: {@link
   * Suppression.Reason#BOUNCE} or {@link Suppression.Reason#COMPLAINT}.
   *
   * @throws AccountListException when the call fails
   */
  void put(String address, Suppression.Reason reason) throws AccountListException;

  /**
   * One address on the account's list.
   *
   * @param address the address as the upstream gives it
   * @param reason {@link Suppression.Reason#BOUNCE} or {@link Suppression.Reason#COMPLAINT}
   * @param lastUpdate when the upstream last put it there
   */
  record Listed(String address, Suppression.Reason reason, Instant lastUpdate) {
    /** Checks the parts are present. */
    public Listed {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(lastUpdate, "lastUpdate");
    }
  }

  /**
   * One page of a listing.
   *
   * @param items the addresses on it
   * @param nextToken the token for the next page, or null when this is the last
   */
  record Listing(List<Listed> items, String nextToken) {
    /** Copies the items. */
    public Listing {
      items = List.copyOf(items);
    }
  }

  /** A call to the account's list failed. */
  final class AccountListException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean aboutTheAddress;

    /**
     * @param message what failed, for the operator's log
     * @param aboutTheAddress true when the upstream refused the address itself (retrying it will
     *     not help); false for throttling, server errors, network failures and refusals of the
     *     account (retried at the next run)
     */
    public AccountListException(String message, boolean aboutTheAddress) {
      super(message);
      this.aboutTheAddress = aboutTheAddress;
    }

    /** Whether the upstream refused the address itself, so a retry would be refused again. */
    public boolean aboutTheAddress() {
      return aboutTheAddress;
    }
  }
}
