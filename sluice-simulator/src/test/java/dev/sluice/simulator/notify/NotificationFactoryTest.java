package dev.sluice.simulator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.simulator.mailbox.MessageIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Checks the payloads against ses-wire.md §8.2, §8.3 and TV7. */
class NotificationFactoryTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final long SENT_AT = Instant.parse("2024-01-15T12:00:00.123Z").toEpochMilli();
  static final long NOW = Instant.parse("2024-01-15T12:00:02Z").toEpochMilli();
  static final String ISO_MILLIS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

  static SentMail mail(String... destination) {
    return new SentMail(
        "0100018d0cfe2a7b-5f0e3c1a-9b2d-4e6f-8a1c-3d5e7f9a0b2c-000000",
        "sender@example.com",
        List.of(destination),
        SENT_AT,
        "123456789012",
        "relay-user",
        "us-east-1");
  }

  /** Parses the envelope and checks its fixed fields; returns the parsed inner SES message. */
  static JsonNode unwrap(String envelopeJson, String topicArn) throws Exception {
    JsonNode env = MAPPER.readTree(envelopeJson);
    assertThat(env.path("Type").asText()).isEqualTo("Notification");
    assertThat(UUID.fromString(env.path("MessageId").asText()).version()).isEqualTo(4);
    assertThat(env.path("TopicArn").asText()).isEqualTo(topicArn);
    assertThat(env.path("Timestamp").asText()).matches(ISO_MILLIS);
    assertThat(env.path("SignatureVersion").asText()).isEqualTo("1");
    assertThat(env.path("Signature").asText()).isEqualTo(NotificationFactory.UNSIGNED_SIGNATURE);
    assertThat(env.path("SigningCertURL").asText())
        .startsWith("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-")
        .endsWith(".pem");
    assertThat(env.path("UnsubscribeURL").asText())
        .startsWith(
            "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
                + topicArn
                + ":");
    assertThat(env.has("Subject")).as("identity notifications have no Subject").isFalse();
    assertThat(env.path("Message").isTextual()).as("Message is a JSON string").isTrue();
    return MAPPER.readTree(env.path("Message").asText());
  }

  static void assertMail(JsonNode mail, String... destination) {
    assertThat(mail.path("timestamp").asText()).isEqualTo("2024-01-15T12:00:00.123Z");
    assertThat(mail.path("source").asText()).isEqualTo("sender@example.com");
    assertThat(mail.path("sourceArn").asText())
        .isEqualTo("arn:aws:ses:us-east-1:123456789012:identity/example.com");
    assertThat(mail.path("sourceIp").asText()).isNotEmpty();
    assertThat(mail.path("callerIdentity").asText()).isEqualTo("relay-user");
    assertThat(mail.path("sendingAccountId").asText()).isEqualTo("123456789012");
    assertThat(mail.path("messageId").asText())
        .isEqualTo("0100018d0cfe2a7b-5f0e3c1a-9b2d-4e6f-8a1c-3d5e7f9a0b2c-000000");
    List<String> dest = new ArrayList<>();
    mail.path("destination").forEach(n -> dest.add(n.asText()));
    assertThat(dest).containsExactly(destination);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void bounce_simulatorRecipient_matchesTv7() throws Exception {
    String json =
        new NotificationFactory("ses-bounces")
            .bounce(mail("bounce@simulator.amazonses.com"), "bounce@simulator.amazonses.com", NOW);

    JsonNode msg = unwrap(json, "arn:aws:sns:us-east-1:123456789012:ses-bounces");
    assertThat(fieldNames(msg)).containsExactly("notificationType", "bounce", "mail");
    assertThat(msg.path("notificationType").asText()).isEqualTo("Bounce");
    JsonNode bounce = msg.path("bounce");
    assertThat(fieldNames(bounce))
        .containsExactly(
            "feedbackId",
            "bounceType",
            "bounceSubType",
            "bouncedRecipients",
            "timestamp",
            "remoteMtaIp",
            "reportingMTA");
    assertThat(bounce.path("feedbackId").asText()).matches(MessageIds.MESSAGE_ID);
    assertThat(MessageIds.epochMillis(bounce.path("feedbackId").asText())).isEqualTo(NOW);
    assertThat(bounce.path("bounceType").asText()).isEqualTo("Permanent");
    assertThat(bounce.path("bounceSubType").asText()).isEqualTo("General");
    assertThat(bounce.path("timestamp").asText()).isEqualTo("2024-01-15T12:00:02.000Z");
    assertThat(bounce.path("remoteMtaIp").asText()).isEqualTo("192.0.2.10");
    assertThat(bounce.path("reportingMTA").asText()).isEqualTo("dns; a8-70.smtp-out.amazonses.com");
    JsonNode recipient = bounce.path("bouncedRecipients").get(0);
    assertThat(bounce.path("bouncedRecipients")).hasSize(1);
    assertThat(recipient.path("emailAddress").asText()).isEqualTo("bounce@simulator.amazonses.com");
    assertThat(recipient.path("action").asText()).isEqualTo("failed");
    assertThat(recipient.path("status").asText()).isEqualTo("5.1.1");
    assertThat(recipient.path("diagnosticCode").asText()).isEqualTo("smtp; 550 5.1.1 user unknown");
    assertMail(msg.path("mail"), "bounce@simulator.amazonses.com");
  }

  @Test
  void bounce_defaultTopic_topicArnFromMailAccountAndRegion() throws Exception {
    NotificationFactory factory = new NotificationFactory();
    SentMail mail = mail("bounce@simulator.amazonses.com");

    assertThat(factory.topicArn(mail))
        .isEqualTo("arn:aws:sns:us-east-1:123456789012:sluice-simulator-feedback");
    unwrap(factory.bounce(mail, "bounce@simulator.amazonses.com", NOW), factory.topicArn(mail));
  }

  @Test
  void bounce_wrappedRecipient_reportedBare() throws Exception {
    String json =
        new NotificationFactory()
            .bounce(
                mail("bounce+1@simulator.amazonses.com"),
                "Test <bounce+1@simulator.amazonses.com>",
                NOW);

    JsonNode msg = MAPPER.readTree(MAPPER.readTree(json).path("Message").asText());
    assertThat(msg.at("/bounce/bouncedRecipients/0/emailAddress").asText())
        .isEqualTo("bounce+1@simulator.amazonses.com");
  }

  @Test
  void suppressed_simulatorRecipient_permanentSuppressed() throws Exception {
    NotificationFactory factory = new NotificationFactory();
    SentMail mail = mail("suppressionlist@simulator.amazonses.com");

    JsonNode msg =
        unwrap(
            factory.suppressed(mail, "suppressionlist@simulator.amazonses.com", NOW),
            factory.topicArn(mail));

    JsonNode bounce = msg.path("bounce");
    assertThat(msg.path("notificationType").asText()).isEqualTo("Bounce");
    assertThat(bounce.path("bounceType").asText()).isEqualTo("Permanent");
    assertThat(bounce.path("bounceSubType").asText()).isEqualTo("Suppressed");
    assertThat(bounce.at("/bouncedRecipients/0/status").asText()).isEqualTo("5.1.1");
    assertThat(bounce.at("/bouncedRecipients/0/action").asText()).isEqualTo("failed");
    assertThat(bounce.at("/bouncedRecipients/0/diagnosticCode").asText())
        .startsWith(
            "Amazon SES has suppressed sending to this address because it has a recent history"
                + " of bouncing as an invalid address.");
    assertMail(msg.path("mail"), "suppressionlist@simulator.amazonses.com");
  }

  @Test
  void complaint_simulatorRecipient_abuseFromMailboxSimulator() throws Exception {
    NotificationFactory factory = new NotificationFactory();
    SentMail mail = mail("complaint@simulator.amazonses.com", "other@example.com");

    JsonNode msg =
        unwrap(
            factory.complaint(mail, "complaint@simulator.amazonses.com", NOW),
            factory.topicArn(mail));

    assertThat(fieldNames(msg)).containsExactly("notificationType", "complaint", "mail");
    assertThat(msg.path("notificationType").asText()).isEqualTo("Complaint");
    JsonNode complaint = msg.path("complaint");
    assertThat(complaint.path("feedbackId").asText()).matches(MessageIds.MESSAGE_ID);
    assertThat(complaint.has("complaintSubType")).isTrue();
    assertThat(complaint.path("complaintSubType").isNull()).isTrue();
    assertThat(complaint.path("complainedRecipients")).hasSize(1);
    assertThat(complaint.at("/complainedRecipients/0/emailAddress").asText())
        .isEqualTo("complaint@simulator.amazonses.com");
    assertThat(complaint.path("timestamp").asText()).isEqualTo("2024-01-15T12:00:02.000Z");
    assertThat(complaint.path("userAgent").asText()).isEqualTo("Amazon SES Mailbox Simulator");
    assertThat(complaint.path("complaintFeedbackType").asText()).isEqualTo("abuse");
    assertThat(complaint.path("arrivalDate").asText()).isEqualTo("2024-01-15T12:00:00.123Z");
    assertMail(msg.path("mail"), "complaint@simulator.amazonses.com", "other@example.com");
  }

  @Test
  void delivery_recipients_smtpResponseAndProcessingTime() throws Exception {
    NotificationFactory factory = new NotificationFactory();
    SentMail mail = mail("success@simulator.amazonses.com", "success+2@simulator.amazonses.com");

    JsonNode msg = unwrap(factory.delivery(mail, mail.destination(), NOW), factory.topicArn(mail));

    assertThat(msg.path("notificationType").asText()).isEqualTo("Delivery");
    JsonNode delivery = msg.path("delivery");
    assertThat(delivery.path("timestamp").asText()).isEqualTo("2024-01-15T12:00:02.000Z");
    assertThat(delivery.path("processingTimeMillis").asLong()).isEqualTo(NOW - SENT_AT);
    assertThat(delivery.path("recipients")).hasSize(2);
    assertThat(delivery.at("/recipients/1").asText())
        .isEqualTo("success+2@simulator.amazonses.com");
    assertThat(delivery.path("smtpResponse").asText()).isEqualTo("250 2.6.0 Message received");
    assertThat(delivery.path("reportingMTA").asText()).isEqualTo("a8-70.smtp-out.amazonses.com");
    assertThat(delivery.path("remoteMtaIp").asText()).isEqualTo("192.0.2.10");
    assertMail(
        msg.path("mail"), "success@simulator.amazonses.com", "success+2@simulator.amazonses.com");
  }

  @Test
  void ooto_simulatorRecipient_transientGeneralWithAddressOnly() throws Exception {
    NotificationFactory factory = new NotificationFactory();
    SentMail mail = mail("ooto@simulator.amazonses.com");

    JsonNode msg =
        unwrap(factory.ooto(mail, "ooto@simulator.amazonses.com", NOW), factory.topicArn(mail));

    JsonNode bounce = msg.path("bounce");
    assertThat(bounce.path("bounceType").asText()).isEqualTo("Transient");
    assertThat(bounce.path("bounceSubType").asText()).isEqualTo("General");
    assertThat(fieldNames(bounce.path("bouncedRecipients").get(0))).containsExactly("emailAddress");
  }

  @Test
  void constructor_blankTopic_rejected() {
    assertThatThrownBy(() -> new NotificationFactory(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
