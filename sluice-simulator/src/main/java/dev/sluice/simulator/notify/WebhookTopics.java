package dev.sluice.simulator.notify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.simulator.mailbox.MessageIds;
import dev.sluice.simulator.sns.SnsTopics;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code --webhook} endpoint as the one subscriber of the account's feedback topic: each
 * message published to that topic is wrapped in an SNS-shaped envelope and POSTed by a {@link
 * WebhookPublisher}; other topics have no subscriber here.
 *
 * <p>The envelope is <b>unsigned</b>: {@code Signature} is the fixed placeholder {@link
 * #UNSIGNED_SIGNATURE} and {@code SigningCertURL} names a certificate that does not exist.
 *
 * <p>Thread-safe.
 */
public final class WebhookTopics implements SnsTopics {
  /** The placeholder in {@code Signature}: base64 of a note saying the message is unsigned. */
  public static final String UNSIGNED_SIGNATURE =
      Base64.getEncoder()
          .encodeToString(
              "sluice-simulator: this notification is not signed"
                  .getBytes(StandardCharsets.US_ASCII));

  private static final JsonFactory JSON = new JsonFactory();

  private final WebhookPublisher publisher;
  private final String topicArn;
  private final String region;
  private final String subscriptionId = MessageIds.requestId();

  /**
   * @param topicArn the feedback topic the webhook is subscribed to
   * @param region the region in the envelope's URLs
   */
  public WebhookTopics(WebhookPublisher publisher, String topicArn, String region) {
    this.publisher = publisher;
    this.topicArn = topicArn;
    this.region = region;
  }

  @Override
  public int publish(String topic, String subject, String message) {
    if (!topic.equals(topicArn)) {
      return 0;
    }
    return publisher.publish(envelope(topicArn, region, subscriptionId, message)) ? 1 : 0;
  }

  @Override
  public boolean hasSubscribers(String topic) {
    return topic.equals(topicArn);
  }

  /** The unsigned SNS-shaped envelope of one message. */
  static String envelope(String topicArn, String region, String subscriptionId, String message) {
    String sns = "https://sns." + region + ".amazonaws.com/";
    StringWriter out = new StringWriter(message.length() + 512);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("Type", "Notification");
      g.writeStringField("MessageId", MessageIds.requestId());
      g.writeStringField("TopicArn", topicArn);
      g.writeStringField("Message", message);
      g.writeStringField("Timestamp", FeedbackJson.iso(System.currentTimeMillis()));
      g.writeStringField("SignatureVersion", "1");
      g.writeStringField("Signature", UNSIGNED_SIGNATURE);
      g.writeStringField(
          "SigningCertURL", sns + "SimpleNotificationService-sluice-simulator-unsigned.pem");
      g.writeStringField(
          "UnsubscribeURL",
          sns + "?Action=Unsubscribe&SubscriptionArn=" + topicArn + ':' + subscriptionId);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to a string cannot fail", e);
    }
    return out.toString();
  }
}
