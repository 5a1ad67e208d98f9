package dev.sluice.feedback.store;

import java.time.Instant;

/**
 * A message a recipient was on, as found by {@link FeedbackStore#messagesTo}.
 *
 * @param time when the relay took the message, or when SES's event about it was recorded
 * @param queueId its queue id, or {@code ses:} and the SES MessageId for a message this store did
 *     not see sent
 */
public record RecipientHit(Instant time, String queueId) {}
