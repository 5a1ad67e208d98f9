package dev.sluice.feedback.store;

import dev.sluice.core.suppress.Suppression;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link FeedbackStore} keeps what it records.
 *
 * @param retention how long history (and the record of seen event ids) is kept after it was written
 * @param maxEntriesPerMessage the most history lines kept for one queue id; later ones are dropped
 *     (a message with thousands of recipients would otherwise grow without bound)
 * @param suppressOn which SES events put their recipients on the suppression list: {@code BOUNCE}
 *     (permanent bounces), {@code COMPLAINT}, {@code SES} (bounces because the address is on the
 *     SES account's own list)
 */
public record FeedbackSettings(
    Duration retention, int maxEntriesPerMessage, Set<Suppression.Reason> suppressOn) {

  /** Seven days of history, 1,000 lines per message, suppression on bounces and complaints. */
  public static final FeedbackSettings DEFAULTS =
      new FeedbackSettings(
          Duration.ofDays(7),
          1000,
          EnumSet.of(
              Suppression.Reason.BOUNCE, Suppression.Reason.COMPLAINT, Suppression.Reason.SES));

  /** Checks the values. */
  public FeedbackSettings {
    Objects.requireNonNull(retention, "retention");
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive: " + retention);
    }
    if (maxEntriesPerMessage < 1) {
      throw new IllegalArgumentException("maxEntriesPerMessage must be at least 1");
    }
    suppressOn = Set.copyOf(suppressOn);
  }
}
