package dev.sluice.feedback.store;

/**
 * Sending reputation over a window, as SES reviews it: recipients SES accepted, and how many of
 * them hard-bounced or complained.
 *
 * @param sends recipients SES accepted in the window
 * @param hardBounces permanent bounces in the window (not those for addresses on the SES account's
 *     suppression list, which SES does not count either)
 * @param complaints complaints in the window
 */
public record Reputation(long sends, long hardBounces, long complaints) {

  /** SES reviews an account whose bounce rate reaches this (5%). */
  public static final double BOUNCE_REVIEW = 0.05;

  /** SES reviews an account whose complaint rate reaches this (0.1%). */
  public static final double COMPLAINT_REVIEW = 0.001;

  /** Hard bounces per send; 0 when nothing was sent. */
  public double bounceRate() {
    return sends == 0 ? 0 : (double) hardBounces / sends;
  }

  /** Complaints per send; 0 when nothing was sent. */
  public double complaintRate() {
    return sends == 0 ? 0 : (double) complaints / sends;
  }
}
