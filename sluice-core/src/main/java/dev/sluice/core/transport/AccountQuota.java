package dev.sluice.core.transport;

/**
 * The account's sending limits as the upstream reports them (SES GetAccount / GetSendQuota).
 *
 * @param maxSendRate recipients per second; negative when unlimited
 * @param max24HourSend recipients per rolling 24 hours; negative when unlimited
 * @param sentLast24Hours recipients sent in the last 24 hours
 */
public record AccountQuota(double maxSendRate, double max24HourSend, double sentLast24Hours) {
  /** Whether the daily quota is spent. */
  public boolean dailySpent() {
    return max24HourSend >= 0 && sentLast24Hours >= max24HourSend;
  }
}
