package dev.sluice.simulator.sns;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * One message SNS POSTs to an HTTP(S) subscription, before it is signed: a {@code Notification}, a
 * {@code SubscriptionConfirmation} or an {@code UnsubscribeConfirmation}.
 *
 * <p>Its {@link #stringToSign()} is SNS's canonical form: the signed fields in byte order of their
 * names, each as its name, a newline, its value and a newline. A {@code Notification} signs
 * Message, MessageId, Subject (only when there is one), Timestamp, TopicArn and Type; the two
 * confirmations sign Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn and Type (SNS
 * developer guide, "Verifying the signatures of Amazon SNS messages").
 *
 * <p>Immutable and thread-safe.
 *
 * @param type what kind of message it is
 * @param messageId a UUID, the same on every retry
 * @param topicArn the topic it was published to
 * @param subject the notification's subject, or null (confirmations have none)
 * @param message the body: what was published, or the confirmation's text
 * @param timestamp when it was published, ISO-8601 in UTC with milliseconds
 * @param token the confirmation token, or null for a notification
 * @param subscribeUrl the URL that confirms the subscription, or null for a notification
 */
public record SnsMessage(
    Type type,
    String messageId,
    String topicArn,
    String subject,
    String message,
    String timestamp,
    String token,
    String subscribeUrl) {

  /** SNS's message types, with the names it writes in {@code Type}. */
  public enum Type {
    /** A published message. */
    NOTIFICATION("Notification"),
    /** Sent to a new subscription; visiting its SubscribeURL confirms it. */
    SUBSCRIPTION_CONFIRMATION("SubscriptionConfirmation"),
    /** Sent after an unsubscribe; visiting its SubscribeURL restores the subscription. */
    UNSUBSCRIBE_CONFIRMATION("UnsubscribeConfirmation");

    private final String wire;

    Type(String wire) {
      this.wire = wire;
    }

    /** The name in {@code Type} and {@code x-amz-sns-message-type}. */
    public String wire() {
      return wire;
    }
  }

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  /** Checks that each type carries the fields it signs. */
  public SnsMessage {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(topicArn, "topicArn");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(timestamp, "timestamp");
    if (type == Type.NOTIFICATION) {
      if (token != null || subscribeUrl != null) {
        throw new IllegalArgumentException("a notification has no token or SubscribeURL");
      }
    } else if (token == null || subscribeUrl == null || subject != null) {
      throw new IllegalArgumentException(
          type.wire() + " needs a token and a SubscribeURL, and has no subject");
    }
  }

  /** A published message. */
  public static SnsMessage notification(
      String messageId, String topicArn, String subject, String message, long epochMillis) {
    return new SnsMessage(
        Type.NOTIFICATION,
        messageId,
        topicArn,
        subject,
        message,
        timestamp(epochMillis),
        null,
        null);
  }

  /** The message a new subscription gets first, in SNS's words. */
  public static SnsMessage subscriptionConfirmation(
      String messageId, String topicArn, String token, String subscribeUrl, long epochMillis) {
    return new SnsMessage(
        Type.SUBSCRIPTION_CONFIRMATION,
        messageId,
        topicArn,
        null,
        "You have chosen to subscribe to the topic "
            + topicArn
            + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
        timestamp(epochMillis),
        token,
        subscribeUrl);
  }

  /** The message a subscription gets after it was unsubscribed, in SNS's words. */
  public static SnsMessage unsubscribeConfirmation(
      String messageId,
      String topicArn,
      String subscriptionArn,
      String token,
      String subscribeUrl,
      long epochMillis) {
    return new SnsMessage(
        Type.UNSUBSCRIBE_CONFIRMATION,
        messageId,
        topicArn,
        null,
        "You have chosen to deactivate subscription "
            + subscriptionArn
            + ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL"
            + " included in this message.",
        timestamp(epochMillis),
        token,
        subscribeUrl);
  }

  /** SNS's timestamp form: UTC with exactly three digits of milliseconds. */
  public static String timestamp(long epochMillis) {
    return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
  }

  /** The canonical string the signature covers. */
  public String stringToSign() {
    StringBuilder sb = new StringBuilder(message.length() + 512);
    field(sb, "Message", message);
    field(sb, "MessageId", messageId);
    if (type == Type.NOTIFICATION) {
      if (subject != null) {
        field(sb, "Subject", subject);
      }
    } else {
      field(sb, "SubscribeURL", subscribeUrl);
    }
    field(sb, "Timestamp", timestamp);
    if (type != Type.NOTIFICATION) {
      field(sb, "Token", token);
    }
    field(sb, "TopicArn", topicArn);
    field(sb, "Type", type.wire());
    return sb.toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(name).append('\n').append(value).append('\n');
  }

  /**
   * The JSON body as SNS writes it: its field order, two-space indent and {@code " : "}.
   *
   * @param signatureVersion 1 or 2
   * @param signature the base64 signature of {@link #stringToSign()}
   * @param signingCertUrl where the certificate that verifies it is served
   * @param unsubscribeUrl for a notification, the URL that unsubscribes its receiver; else ignored
   */
  public String toJson(
      int signatureVersion, String signature, String signingCertUrl, String unsubscribeUrl) {
    StringBuilder sb = new StringBuilder(message.length() + 1024).append('{');
    boolean[] first = {true};
    member(sb, first, "Type", type.wire());
    member(sb, first, "MessageId", messageId);
    if (type == Type.NOTIFICATION) {
      member(sb, first, "TopicArn", topicArn);
      if (subject != null) {
        member(sb, first, "Subject", subject);
      }
      member(sb, first, "Message", message);
      member(sb, first, "Timestamp", timestamp);
    } else {
      member(sb, first, "Token", token);
      member(sb, first, "TopicArn", topicArn);
      member(sb, first, "Message", message);
      member(sb, first, "SubscribeURL", subscribeUrl);
      member(sb, first, "Timestamp", timestamp);
    }
    member(sb, first, "SignatureVersion", Integer.toString(signatureVersion));
    member(sb, first, "Signature", signature);
    member(sb, first, "SigningCertURL", signingCertUrl);
    if (type == Type.NOTIFICATION) {
      member(sb, first, "UnsubscribeURL", unsubscribeUrl);
    }
    return sb.append("\n}").toString();
  }

  private static void member(StringBuilder sb, boolean[] first, String name, String value) {
    sb.append(first[0] ? "\n  \"" : ",\n  \"").append(name).append("\" : \"");
    JsonStringEncoder.getInstance().quoteAsString(value, sb);
    sb.append('"');
    first[0] = false;
  }
}
