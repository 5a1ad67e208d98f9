package dev.sluice.simulator.account;

import java.util.Objects;

/**
 * An address on the account-level suppression list.
 *
 * @param emailAddress the address as it was added
 * @param reason {@code BOUNCE} or {@code COMPLAINT}
 * @param lastUpdateMillis when it was added or last changed
 * @param messageId the message whose bounce or complaint added it, or null when added by hand
 * @param feedbackId the feedback id of that bounce or complaint, or null
 */
public record SuppressedDestination(
    String emailAddress,
    String reason,
    long lastUpdateMillis,
    String messageId,
    String feedbackId) {
  /** Checks for nulls. */
  public SuppressedDestination {
    Objects.requireNonNull(emailAddress, "emailAddress");
    Objects.requireNonNull(reason, "reason");
  }
}
