package dev.sluice.core.transport;

/**
 * The account's sending limits as the upstream reports them (SES GetAccount / GetSendQuota).
 *
 * @param maxSendRate recipients per second; negative when unlimited
 * @param max24HourSend recipients per rolling 24 hours; negative when unlimited
 * @param sentLast24Hours recipients sent in the last 24 hours
 * @param sendingEnabled whether the account may send (SES v2 GetAccount's {@code SendingEnabled});
 *     true where the upstream does not say
 */
public record AccountQuota(
    double maxSendRate, double max24HourSend, double sentLast24Hours, boolean sendingEnabled) {
  /** Limits of an account whose sending is enabled (or whose upstream does not say). */
  public AccountQuota(double maxSendRate, double max24HourSend, double sentLast24Hours) {
    this(maxSendRate, max24HourSend, sentLast24Hours, true);
  }

  /** Whether the daily quota is spent. */
  public boolean dailySpent() {
    return max24HourSend >= 0 && sentLast24Hours >= max24HourSend;
  }
}
