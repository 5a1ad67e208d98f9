package dev.sluice.simulator;

import dev.sluice.core.ses.MessageTag;
import java.util.List;

/**
 * One accepted message as kept for inspection.
 *
 * @param messageId the SES message id returned to the client
 * @param timestampMillis when it was accepted
 * @param via the interface it came through
 * @param operation the operation the client called
 * @param accessKeyId the caller's access key id
 * @param from the envelope sender
 * @param recipients the envelope recipients
 * @param subject the subject, if known
 * @param size the content size in bytes
 * @param content the content, or null when it was dropped to stay within the byte budget
 * @param configurationSet the configuration set the send used, or null
 * @param tags the message tags the send carried (not SES's automatic ones)
 * @param trail what happened to it after the answer: events, notifications, suppressions
 */
public record ReceivedMessage(
    String messageId,
    long timestampMillis,
    SesInterface via,
    String operation,
    String accessKeyId,
    String from,
    List<String> recipients,
    String subject,
    int size,
    byte[] content,
    String configurationSet,
    List<MessageTag> tags,
    MessageTrail trail) {
  /** Copies the lists and checks the trail. */
  public ReceivedMessage {
    recipients = List.copyOf(recipients);
    tags = List.copyOf(tags);
    java.util.Objects.requireNonNull(trail, "trail");
  }

  /** A copy without its content (the trail is shared: it still grows). */
  public ReceivedMessage withoutContent() {
    return new ReceivedMessage(
        messageId,
        timestampMillis,
        via,
        operation,
        accessKeyId,
        from,
        recipients,
        subject,
        size,
        null,
        configurationSet,
        tags,
        trail);
  }
}
