package dev.sluice.app.admin;

import dev.sluice.core.transport.AccountQuota;
import java.time.Instant;
import java.util.Objects;

/**
 * The 24-hour quota as this relay knows it: the account's figures as last read (SES is asked every
 * minute) plus what the relay has sent since that read, so the count of recipients used does not
 * lag behind the relay's own sending.
 *
 * @param account the account's limits and its {@code sentLast24Hours}, as read
 * @param readAt when they were read
 * @param sentSinceRead recipients this relay has sent since, counting toward the quota
 *     (mailbox-simulator recipients do not)
 */
public record QuotaReading(AccountQuota account, Instant readAt, long sentSinceRead) {
  /** Checks for nulls and a negative count. */
  public QuotaReading {
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(readAt, "readAt");
    if (sentSinceRead < 0) {
      throw new IllegalArgumentException("sentSinceRead must be >= 0, got " + sentSinceRead);
    }
  }

  /** Recipients used in the rolling 24 hours: as read, plus this relay's sends since. */
  public double used() {
    return account.sentLast24Hours() + sentSinceRead;
  }

  /** Recipients left of the 24-hour quota after {@link #used()}; -1 when it is unlimited. */
  public double remaining() {
    double max = account.max24HourSend();
    return max < 0 ? -1 : Math.max(0, max - used());
  }
}
