package dev.sluice.simulator.sns;

/**
 * What inspection shows of one subscription. Counts are of notifications; the confirmation message
 * has its own field.
 *
 * @param subscriptionArn the subscription's ARN
 * @param topicArn its topic
 * @param endpoint the URL messages are POSTed to, with any password masked
 * @param state {@code pending} (waiting for confirmation) or {@code confirmed}
 * @param signatureVersion the topic's SignatureVersion
 * @param confirmation what became of the SubscriptionConfirmation: {@code queued}, {@code
 *     delivered}, {@code failed}, {@code dropped} or {@code not sent} (auto-confirmed)
 * @param queued notifications accepted for it
 * @param delivered notifications the endpoint answered 2xx
 * @param retried retries made
 * @param failed notifications given up on after the last retry
 * @param dropped notifications refused because its queue was full, or discarded on unsubscribe or
 *     stop
 * @param skippedPending notifications not sent because it was still pending confirmation
 * @param waiting notifications and confirmations waiting or being sent now
 * @param lastError the last failed attempt's cause, or null
 */
public record SnsSubscriptionInfo(
    String subscriptionArn,
    String topicArn,
    String endpoint,
    String state,
    int signatureVersion,
    String confirmation,
    long queued,
    long delivered,
    long retried,
    long failed,
    long dropped,
    long skippedPending,
    int waiting,
    String lastError) {}
