package dev.sluice.feedback.store;

import java.util.OptionalDouble;

/**
 * Sending reputation over a window, as SES reviews it: recipients SES accepted, and how many of
 * them hard-bounced or complained.
 *
 * <p>The rates are hard bounces (or complaints) divided by sends in the same window. SES computes
 * its rates over a representative volume of mail, not over a fixed window, so a rate over few sends
 * says little: it is always shown with the counts it comes from.
 *
 * @param sends recipients SES accepted in the window
 * @param hardBounces permanent bounces in the window (not those for addresses on the SES account's
 *     suppression list, which SES does not count either)
 * @param complaints complaints in the window
 */
public record Reputation(long sends, long hardBounces, long complaints) {

  /** SES reviews an account whose bounce rate reaches this (5%; SES Developer Guide). */
  public static final double BOUNCE_REVIEW = 0.05;

  /** SES may pause sending for an account whose bounce rate reaches this (10%; SES docs). */
  public static final double BOUNCE_PAUSE = 0.10;

  /** SES reviews an account whose complaint rate reaches this (0.1%; SES Developer Guide). */
  public static final double COMPLAINT_REVIEW = 0.001;

  /** SES may pause sending for an account whose complaint rate reaches this (0.5%; SES docs). */
  public static final double COMPLAINT_PAUSE = 0.005;

  /** Where a rate stands against SES's thresholds. */
  public enum Level {
    /** Below the review threshold, or no sends to judge by. */
    OK,
    /** At or above the review threshold. */
    REVIEW,
    /** At or above the threshold at which SES may pause sending. */
    PAUSE
  }

  /** Hard bounces per send; empty when nothing was sent. */
  public OptionalDouble bounceRate() {
    return sends == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) hardBounces / sends);
  }

  /** Complaints per send; empty when nothing was sent. */
  public OptionalDouble complaintRate() {
    return sends == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) complaints / sends);
  }

  /** The bounce rate against 5% and 10%, compared exactly (5 bounces in 100 sends is review). */
  public Level bounceLevel() {
    return level(hardBounces, 10, 20);
  }

  /** The complaint rate against 0.1% and 0.5%, compared exactly. */
  public Level complaintLevel() {
    return level(complaints, 200, 1000);
  }

  /** {@code count/sends >= 1/pauseDivisor} is PAUSE, {@code >= 1/reviewDivisor} is REVIEW. */
  private Level level(long count, long pauseDivisor, long reviewDivisor) {
    if (sends == 0) {
      return Level.OK;
    }
    if (count * pauseDivisor >= sends) {
      return Level.PAUSE;
    }
    return count * reviewDivisor >= sends ? Level.REVIEW : Level.OK;
  }
}
