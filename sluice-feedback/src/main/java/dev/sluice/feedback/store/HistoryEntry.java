package dev.sluice.feedback.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a message's history: something the relay did with it, or something SES said of it.
 *
 * @param time when it happened (for SES events, SES's own time)
 * @param kind what kind of thing happened
 * @param recipient the recipient it is about; empty when it is about the whole message
 * @param sesMessageId the SES MessageId it concerns (a delivered chunk, an SES event); empty when
 *     none
 * @param detail what else there is to say, for people: the door, client and size for ACCEPTED,
 *     SES's answer for ATTEMPT, the event type and SES's words for EVENT
 */
public record HistoryEntry(
    Instant time, Kind kind, String recipient, String sesMessageId, String detail) {

  /** What kind of thing a history line records. */
  public enum Kind {
    /** A door took the message. */
    ACCEPTED,
    /** The relay tried to hand it to SES; {@code detail} has the answer. */
    ATTEMPT,
    /** SES accepted a chunk; {@code sesMessageId} is the MessageId it gave. */
    DELIVERED,
    /** The relay will try again later. */
    DEFERRED,
    /** The relay gave up on the message. */
    FAILED,
    /** A recipient was dropped because it is on the suppression list. */
    SUPPRESSED,
    /** SES published an event about it; {@code detail} starts with the event type. */
    EVENT
  }

  /** Checks the parts are present. */
  public HistoryEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(recipient, "recipient");
    Objects.requireNonNull(sesMessageId, "sesMessageId");
    Objects.requireNonNull(detail, "detail");
  }
}
