package dev.sluice.simulator;

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
    byte[] content) {}
