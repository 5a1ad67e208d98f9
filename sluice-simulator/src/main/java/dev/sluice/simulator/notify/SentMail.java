package dev.sluice.simulator.notify;

import java.util.List;

/**
 * What the simulator accepted and later reports feedback about: the {@code mail} object of an SES
 * notification (ses-wire.md §8.3).
 *
 * <p>Immutable and thread-safe.
 *
 * @param messageId the SES MessageId returned to the sender
 * @param source the envelope sender (v1 {@code Source}, v2 {@code FromEmailAddress}, SMTP MAIL
 *     FROM)
 * @param destination every envelope recipient of the message
 * @param timestampMillis when the simulator accepted the message, epoch milliseconds
 * @param sendingAccountId the 12-digit AWS account the message was sent from
 * @param callerIdentity the IAM user or SMTP user name that sent it
 * @param region the region the message was sent in, e.g. {@code us-east-1}
 */
public record SentMail(
    String messageId,
    String source,
    List<String> destination,
    long timestampMillis,
    String sendingAccountId,
    String callerIdentity,
    String region) {

  /** Copies the destination list so the record stays immutable. */
  public SentMail {
    destination = List.copyOf(destination);
  }
}
