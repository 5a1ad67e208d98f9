package dev.sluice.simulator.sns;

/**
 * The SNS topics the simulated SES publishes to (identity notifications and configuration-set event
 * destinations). An implementation delivers each message to the topic's subscriptions as SNS would:
 * signed, with SNS's HTTP headers, retried by SNS's delivery policy.
 *
 * <p>Implementations are thread-safe and never block the caller: delivery is queued.
 */
public interface SnsTopics {
  /** Topics without subscribers: everything published goes nowhere. */
  SnsTopics NONE =
      new SnsTopics() {
        @Override
        public int publish(String topicArn, String subject, String message) {
          return 0;
        }

        @Override
        public boolean hasSubscribers(String topicArn) {
          return false;
        }
      };

  /**
   * Publishes one message to every subscription of a topic.
   *
   * @param topicArn the topic, e.g. {@code arn:aws:sns:us-east-1:123456789012:ses-events}
   * @param subject the SNS subject, or null for none
   * @param message the message body (for SES, its JSON notification or event)
   * @return how many subscriptions it was queued for; 0 when the topic has none
   */
  int publish(String topicArn, String subject, String message);

  /**
   * Whether anything would receive a message published to the topic now, so that a publisher can
   * skip writing messages nobody receives. The default answers yes.
   */
  default boolean hasSubscribers(String topicArn) {
    return true;
  }
}
