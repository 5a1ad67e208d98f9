package dev.sluice.feedback.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One message as SNS POSTs it to an HTTP(S) subscription or writes it to an SQS queue without raw
 * delivery: a {@code Notification}, {@code SubscriptionConfirmation} or {@code
 * UnsubscribeConfirmation} with its signature (ses-wire.md §8.2).
 *
 * <p>{@link #stringToSign()} is SNS's canonical form (SNS developer guide, "Verifying the
 * signatures of Amazon SNS messages"): the signed fields in byte order of their names, each as its
 * name, a newline, its value and a newline. A notification signs Message, MessageId, Subject (only
 * when it has one), Timestamp, TopicArn and Type; the confirmations sign Message, MessageId,
 * SubscribeURL, Timestamp, Token, TopicArn and Type.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type {@code Notification}, {@code SubscriptionConfirmation} or {@code
 *     UnsubscribeConfirmation}
 * @param subject the notification's subject, or null when it has none
 * @param token a confirmation's token, or null for a notification
 * @param subscribeUrl a confirmation's SubscribeURL, or null for a notification
 */
public record SnsEnvelope(
    String type,
    String messageId,
    String topicArn,
    String subject,
    String message,
    String timestamp,
    String signatureVersion,
    String signature,
    String signingCertUrl,
    String token,
    String subscribeUrl) {
  /** SNS's type of a published message. */
  public static final String NOTIFICATION = "Notification";

  /** SNS's type of the first message a new subscription gets. */
  public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";

  /** SNS's type of the message an unsubscribed endpoint gets. */
  public static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads an SNS message's JSON; unknown fields are ignored.
   *
   * @throws SnsRefusal MALFORMED when it is not an SNS message with every field its type signs
   */
  public static SnsEnvelope parse(String json) throws SnsRefusal {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SnsRefusal(SnsRefusal.Reason.MALFORMED, "not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new SnsRefusal(SnsRefusal.Reason.MALFORMED, "not a JSON object");
    }
    String type = required(root, "Type");
    boolean notification = type.equals(NOTIFICATION);
    if (!notification
        && !type.equals(SUBSCRIPTION_CONFIRMATION)
        && !type.equals(UNSUBSCRIBE_CONFIRMATION)) {
      throw new SnsRefusal(SnsRefusal.Reason.MALFORMED, "unknown Type");
    }
    return new SnsEnvelope(
        type,
        required(root, "MessageId"),
        required(root, "TopicArn"),
        notification ? optional(root, "Subject") : null,
        required(root, "Message"),
        required(root, "Timestamp"),
        required(root, "SignatureVersion"),
        required(root, "Signature"),
        required(root, "SigningCertURL"),
        notification ? null : required(root, "Token"),
        notification ? null : required(root, "SubscribeURL"));
  }

  /** Whether this is a published message rather than a confirmation. */
  public boolean isNotification() {
    return type.equals(NOTIFICATION);
  }

  /** The canonical string the signature covers. */
  public String stringToSign() {
    StringBuilder sb = new StringBuilder(message.length() + 512);
    field(sb, "Message", message);
    field(sb, "MessageId", messageId);
    if (isNotification()) {
      if (subject != null) {
        field(sb, "Subject", subject);
      }
    } else {
      field(sb, "SubscribeURL", subscribeUrl);
    }
    field(sb, "Timestamp", timestamp);
    if (!isNotification()) {
      field(sb, "Token", token);
    }
    field(sb, "TopicArn", topicArn);
    field(sb, "Type", type);
    return sb.toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(name).append('\n').append(value).append('\n');
  }

  private static String required(JsonNode root, String field) throws SnsRefusal {
    JsonNode v = root.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new SnsRefusal(SnsRefusal.Reason.MALFORMED, "no " + field);
    }
    return v.asText();
  }

  private static String optional(JsonNode root, String field) throws SnsRefusal {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new SnsRefusal(SnsRefusal.Reason.MALFORMED, field + " is not a string");
    }
    return v.asText();
  }
}
