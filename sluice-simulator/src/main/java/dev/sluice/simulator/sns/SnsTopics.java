package dev.sluice.simulator.sns;

import java.util.function.Supplier;

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
   * Publishes one message that is written only if some subscription takes it: a publisher whose
   * messages cost something to write (SES's events) pays nothing for those dropped at once. The
   * default writes it first.
   *
   * @param message writes the message body; called at most once, possibly later and on another
   *     thread (when a delivery first sends it), so it must read only what does not change
   * @return how many subscriptions it was queued for
   */
  default int publish(String topicArn, String subject, Supplier<String> message) {
    return publish(topicArn, subject, message.get());
  }

  /**
   * Whether anything would receive a message published to the topic now, so that a publisher can
   * skip writing messages nobody receives. The default answers yes.
   */
  default boolean hasSubscribers(String topicArn) {
    return true;
  }

  /**
   * How many messages published to the topic now would be queued for at least one subscription: the
   * most room any subscription has ({@link Integer#MAX_VALUE} when one is pending, as it records
   * the message as not sent). The default answers {@link Integer#MAX_VALUE} when {@link
   * #hasSubscribers}, else 0.
   */
  default int room(String topicArn) {
    return hasSubscribers(topicArn) ? Integer.MAX_VALUE : 0;
  }
}
