package dev.sluice.core.suppress;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One address on the relay's suppression list.
 *
 * @param address the address, {@link Suppressions#normalise normalised}
 * @param reason why it is there
 * @param time when it was put there
 * @param cause what put it there: the SES MessageId and event id of the bounce or complaint, or the
 *     operator's note; may be empty
 * @param source where the entry came from ({@code event}, {@code admin}, {@code import}, {@code
 *     ses-account})
 */
public record Suppression(
    String address, Reason reason, Instant time, String cause, String source) {

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  /** Why an address is suppressed. */
  public enum Reason {
    /** SES reported a permanent (hard) bounce. */
    BOUNCE("hard bounce"),
    /** The recipient complained (marked the message as spam). */
    COMPLAINT("complaint"),
    /** The operator put it there. */
    MANUAL("added by the operator"),
    /** It is on the SES account's own suppression list. */
    SES("on the SES account's suppression list");

    private final String words;

    Reason(String words) {
      this.words = words;
    }

    /** The reason in a few words, as the doors give it. */
    public String words() {
      return words;
    }
  }

  /** Checks the parts are present. */
  public Suppression {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(source, "source");
  }

  /**
   * The words a door refuses the recipient with, e.g. {@code <a@b.c>: on the relay's suppression
   * list since 2026-12-06 (hard bounce); not sent}; the address as the submitter wrote it.
   */
  public String refusal(String given) {
    return "<"
        + given
        + ">: on the relay's suppression list since "
        + DAY.format(time)
        + " ("
        + reason.words()
        + "); not sent";
  }
}
