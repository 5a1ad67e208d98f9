package dev.sluice.core.spool;

import java.time.Instant;
import java.util.Objects;

/**
 * Why a spool refuses writes now: its storage failed and has not come back yet. A spool that
 * refuses fails every append at once (nothing is stored, so nothing may be acknowledged) until the
 * storage works again, and then takes writes again by itself.
 *
 * @param cause what failed, in kind
 * @param detail the storage's own words for the failure that began the refusal
 * @param since when the refusal began
 * @param refused messages whose append was refused since then
 */
public record SpoolRefusal(Cause cause, String detail, Instant since, long refused) {
  /** What kind of failure a refusal comes from. */
  public enum Cause {
    /** The disk under the spool is full; the spool writes again once space is freed. */
    DISK_FULL("disk full"),
    /** Any other storage failure (an I/O error, a damaged file). */
    STORAGE_ERROR("storage error");

    private final String words;

    Cause(String words) {
      this.words = words;
    }

    /** The cause in a few words for people: "disk full" or "storage error". */
    public String words() {
      return words;
    }
  }

  /** Checks for nulls and a negative count. */
  public SpoolRefusal {
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(since, "since");
    if (refused < 0) {
      throw new IllegalArgumentException("refused must be >= 0, got " + refused);
    }
  }

  /** The refusal in a few words for people: "disk full" or "storage error". */
  public String words() {
    return cause.words();
  }
}
