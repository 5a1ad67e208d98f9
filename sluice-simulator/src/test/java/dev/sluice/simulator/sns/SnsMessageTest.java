package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The canonical strings and JSON bodies, checked against the example messages in SNS's developer
 * guide ("HTTP/HTTPS notification JSON format", "HTTP/HTTPS subscription confirmation JSON format")
 * and the signing-string layouts of "Verifying the signatures of Amazon SNS messages".
 */
class SnsMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String TOPIC = "arn:aws:sns:us-west-2:123456789012:MyTopic";
  static final String DOC_TOKEN =
      "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854"
          + "e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7"
          + "849e05798d2d2785c03b0879594eeac82c01f235d0e717736";

  /** The guide's Notification example. */
  static SnsMessage docNotification() {
    return new SnsMessage(
        SnsMessage.Type.NOTIFICATION,
        "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        TOPIC,
        "My First Message",
        "Hello world!",
        "2012-05-02T00:54:06.655Z",
        null,
        null);
  }

  /** The guide's SubscriptionConfirmation example. */
  static SnsMessage docSubscriptionConfirmation() {
    return new SnsMessage(
        SnsMessage.Type.SUBSCRIPTION_CONFIRMATION,
        "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
        TOPIC,
        null,
        "You have chosen to subscribe to the topic "
            + TOPIC
            + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
        "2012-04-26T20:45:04.751Z",
        DOC_TOKEN,
        "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn="
            + TOPIC
            + "&Token="
            + DOC_TOKEN);
  }

  @Test
  void stringToSign_documentedNotification_isNameValueLinesInByteOrder() {
    assertThat(docNotification().stringToSign())
        .isEqualTo(
            "Message\nHello world!\n"
                + "MessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\n"
                + "Subject\nMy First Message\n"
                + "Timestamp\n2012-05-02T00:54:06.655Z\n"
                + "TopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
                + "Type\nNotification\n");
  }

  @Test
  void stringToSign_notificationWithoutSubject_leavesSubjectOut() {
    SnsMessage m = SnsMessage.notification("id-1", TOPIC, null, "{\"eventType\":\"Send\"}", 1_000L);
    assertThat(m.stringToSign())
        .isEqualTo(
            "Message\n{\"eventType\":\"Send\"}\nMessageId\nid-1\n"
                + "Timestamp\n1970-01-01T00:00:01.000Z\nTopicArn\n"
                + TOPIC
                + "\nType\nNotification\n");
  }

  @Test
  void stringToSign_documentedSubscriptionConfirmation_signsSubscribeUrlAndToken() {
    SnsMessage m = docSubscriptionConfirmation();
    assertThat(m.stringToSign())
        .isEqualTo(
            "Message\n"
                + m.message()
                + "\nMessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n"
                + "SubscribeURL\n"
                + m.subscribeUrl()
                + "\nTimestamp\n2012-04-26T20:45:04.751Z\n"
                + "Token\n"
                + DOC_TOKEN
                + "\nTopicArn\n"
                + TOPIC
                + "\nType\nSubscriptionConfirmation\n");
  }

  @Test
  void subscriptionConfirmation_message_isSnsText() {
    SnsMessage m =
        SnsMessage.subscriptionConfirmation(
            "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            TOPIC,
            DOC_TOKEN,
            docSubscriptionConfirmation().subscribeUrl(),
            1_335_473_104_751L);
    assertThat(m).isEqualTo(docSubscriptionConfirmation());
  }

  @Test
  void unsubscribeConfirmation_signsTheSameKeysAsASubscriptionConfirmation() {
    String sub = TOPIC + ":2bcfbf39-05c3-41de-beaa-fcfcc21c8f55";
    SnsMessage m =
        SnsMessage.unsubscribeConfirmation(
            "47138184-6831-46b8-8f7c-afc488602d7d", TOPIC, sub, "tok", "https://x/?a", 0L);
    assertThat(m.message())
        .isEqualTo(
            "You have chosen to deactivate subscription "
                + sub
                + ".\nTo cancel this operation and restore the subscription, visit the"
                + " SubscribeURL included in this message.");
    assertThat(m.stringToSign())
        .isEqualTo(
            "Message\n"
                + m.message()
                + "\nMessageId\n47138184-6831-46b8-8f7c-afc488602d7d\n"
                + "SubscribeURL\nhttps://x/?a\n"
                + "Timestamp\n1970-01-01T00:00:00.000Z\n"
                + "Token\ntok\n"
                + "TopicArn\n"
                + TOPIC
                + "\nType\nUnsubscribeConfirmation\n");
  }

  @Test
  void toJson_notification_hasSnsFieldsInSnsOrder() throws Exception {
    String json = docNotification().toJson(1, "c2ln", "https://h/cert.pem", "https://h/?unsub");
    assertThat(json).startsWith("{\n  \"Type\" : \"Notification\",\n  \"MessageId\" : ");
    JsonNode n = JSON.readTree(json);
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "Type",
            "MessageId",
            "TopicArn",
            "Subject",
            "Message",
            "Timestamp",
            "SignatureVersion",
            "Signature",
            "SigningCertURL",
            "UnsubscribeURL");
    assertThat(n.get("SignatureVersion").asText()).isEqualTo("1");
    assertThat(n.get("Message").asText()).isEqualTo("Hello world!");
  }

  @Test
  void toJson_confirmation_hasTokenAndSubscribeUrlAndNoUnsubscribeUrl() throws Exception {
    JsonNode n =
        JSON.readTree(docSubscriptionConfirmation().toJson(2, "c2ln", "https://h/c.pem", "x"));
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "Type",
            "MessageId",
            "Token",
            "TopicArn",
            "Message",
            "SubscribeURL",
            "Timestamp",
            "SignatureVersion",
            "Signature",
            "SigningCertURL");
    assertThat(n.get("Message").asText()).contains(".\nTo confirm");
  }

  @Test
  void toJson_messageWithQuotesAndControls_roundTripsExactly() throws Exception {
    String body = "{\"a\":\"b\\\\c\"}\n\t\u0001 é \u2028 😀";
    SnsMessage m = SnsMessage.notification("id", TOPIC, "s \"q\"", body, 5L);
    JsonNode n = JSON.readTree(m.toJson(1, "x", "y", "z"));
    assertThat(n.get("Message").asText()).isEqualTo(body);
    assertThat(n.get("Subject").asText()).isEqualTo("s \"q\"");
  }

  @Test
  void timestamp_wholeSecond_keepsThreeDigitsOfMilliseconds() {
    assertThat(SnsMessage.timestamp(1_700_000_000_000L)).isEqualTo("2023-11-14T22:13:20.000Z");
    assertThat(SnsMessage.timestamp(1_700_000_000_007L)).isEqualTo("2023-11-14T22:13:20.007Z");
  }

  @Test
  void constructor_fieldsOfTheWrongType_refused() {
    assertThatThrownBy(
            () ->
                new SnsMessage(
                    SnsMessage.Type.NOTIFICATION, "i", TOPIC, null, "m", "t", "tok", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new SnsMessage(
                    SnsMessage.Type.SUBSCRIPTION_CONFIRMATION,
                    "i",
                    TOPIC,
                    null,
                    "m",
                    "t",
                    null,
                    "u"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
