package dev.sluice.ingress;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the relay's doors take new mail now and, when they do not, why: what {@code /health}, the
 * status page and {@code sluice status} show. Made by {@link Admission#intake()}.
 *
 * @param state {@code accepting}, or {@code refusing: } and the reason in a few words: {@code disk
 *     full}, {@code storage error}, {@code queue full}, {@code free disk below the floor}
 * @param detail the numbers or the storage's own words behind a refusal; empty while accepting
 * @param since when the refusal began; empty while accepting
 * @param refused messages refused since then, at the doors or by the spool
 */
public record Intake(String state, String detail, Optional<Instant> since, long refused) {
  /** The state while mail is taken. */
  public static final String ACCEPTING = "accepting";

  /** Taking mail. */
  public static final Intake OPEN = new Intake(ACCEPTING, "", Optional.empty(), 0);

  /** Checks for nulls. */
  public Intake {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(since, "since");
  }

  /** Whether new mail is taken. */
  public boolean accepting() {
    return state.equals(ACCEPTING);
  }
}
