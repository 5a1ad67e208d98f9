package dev.sluice.core.spool;

import dev.sluice.core.Envelope;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the spool knows about one message besides its content.
 *
 * @param id the queue id
 * @param envelope the envelope sender and recipients
 * @param size the content's length in octets
 * @param received when it was accepted
 * @param origin where it came from (see {@link Submission#origin()})
 * @param state where it stands
 * @param due when it is next due (for {@link SpoolState#FAILED}: when it failed)
 * @param attempts delivery attempts that ended in a deferral or failure
 * @param lastError the reason of the last deferral or the failure, or empty
 */
public record SpoolEntry(
    QueueId id,
    Envelope envelope,
    long size,
    Instant received,
    String origin,
    SpoolState state,
    Instant due,
    int attempts,
    String lastError) {
  /** Checks for nulls. */
  public SpoolEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(received, "received");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(lastError, "lastError");
  }

  /** The entry of a message just accepted: QUEUED, due when it was received, never attempted. */
  public static SpoolEntry queued(QueueId id, Submission message) {
    return new SpoolEntry(
        id,
        message.envelope(),
        message.content().length,
        message.received(),
        message.origin(),
        SpoolState.QUEUED,
        message.received(),
        0,
        "");
  }

  /**
   * A copy of the recipients a narrowed envelope keeps (see {@link Spool#reschedule(QueueId,
   * Instant, int, String, List)}); whether they belong to the message is for the spool to check.
   *
   * @throws IllegalArgumentException when {@code remaining} is empty
   */
  public static List<String> narrowing(List<String> remaining) {
    List<String> copy = List.copyOf(remaining);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a narrowed envelope needs at least one recipient");
    }
    return copy;
  }

  /** This entry with the same sender and other recipients. */
  public SpoolEntry withRecipients(List<String> recipients) {
    return new SpoolEntry(
        id,
        new Envelope(envelope.from(), recipients),
        size,
        received,
        origin,
        state,
        due,
        attempts,
        lastError);
  }

  /** This entry in another state, due at another time. */
  public SpoolEntry with(SpoolState newState, Instant newDue, int newAttempts, String error) {
    return new SpoolEntry(
        id, envelope, size, received, origin, newState, newDue, newAttempts, error);
  }
}
