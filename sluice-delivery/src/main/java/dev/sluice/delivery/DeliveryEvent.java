package dev.sluice.delivery;

import dev.sluice.core.spool.QueueId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What became of one delivery attempt, once the spool has recorded it: the structured delivery log
 * and the webhooks are made of these.
 *
 * @param type what happened
 * @param queueId the message's queue id
 * @param time when the outcome was recorded
 * @param from the envelope sender
 * @param recipients who this event is about: for {@link Type#DELIVERED} the recipients delivered
 *     to; for {@link Type#DEFERRED} those still waiting; for {@link Type#FAILED} and {@link
 *     Type#EXPIRED} those given up on
 * @param attempts the message's counted attempts so far, this one included when it counts
 *     (deferrals of the account's rate or quota do not)
 * @param upstreamIds for {@link Type#DELIVERED}: the upstream's message ids (SES MessageIds), one
 *     per call; empty otherwise
 * @param reason the upstream's words for a deferral or failure; empty for a delivery
 * @param nextDue for {@link Type#DEFERRED}: when the message is tried again; null otherwise
 * @param delivered for a deferral or failure of a message whose recipients were split across calls:
 *     the recipients that did get it in this attempt (they are not sent it again); usually empty
 */
public record DeliveryEvent(
    Type type,
    QueueId queueId,
    Instant time,
    String from,
    List<String> recipients,
    int attempts,
    List<String> upstreamIds,
    String reason,
    Instant nextDue,
    List<String> delivered)
    implements JsonEvent {

  /** The kinds of event. */
  public enum Type {
    /** Accepted upstream; the message has left the spool. */
    DELIVERED,
    /** Not delivered yet; due again at {@code nextDue}. */
    DEFERRED,
    /** Refused for good; kept in the spool as failed. */
    FAILED,
    /** Deferred once too often: older than the retry policy's expiry; kept as failed. */
    EXPIRED
  }

  /** Copies the lists and checks for nulls. */
  public DeliveryEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(queueId, "queueId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(from, "from");
    recipients = List.copyOf(recipients);
    upstreamIds = List.copyOf(upstreamIds);
    Objects.requireNonNull(reason, "reason");
    delivered = List.copyOf(delivered);
  }

  /** Appends the event as {@link EventJson} writes it. */
  @Override
  public void writeJson(StringBuilder b) {
    EventJson.write(this, b);
  }
}
