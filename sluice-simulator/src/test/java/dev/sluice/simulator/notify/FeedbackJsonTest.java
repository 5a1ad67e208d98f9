package dev.sluice.simulator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.simulator.mailbox.MessageIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks the payloads against ses-wire.md §8.2, §8.3 and TV7, and SES's event-publishing form. */
class FeedbackJsonTest {
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

  /** Parses an identity notification (the Message of what SNS delivers). */
  static JsonNode unwrap(String json, String topicArn) throws Exception {
    return MAPPER.readTree(json);
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
        new TestEnvelopes("ses-bounces")
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
    TestEnvelopes factory = new TestEnvelopes("sluice-simulator-feedback");
    SentMail mail = mail("bounce@simulator.amazonses.com");

    assertThat(factory.topicArn(mail))
        .isEqualTo("arn:aws:sns:us-east-1:123456789012:sluice-simulator-feedback");
    unwrap(factory.bounce(mail, "bounce@simulator.amazonses.com", NOW), factory.topicArn(mail));
  }

  @Test
  void bounce_wrappedRecipient_reportedBare() throws Exception {
    String json =
        new TestEnvelopes("sluice-simulator-feedback")
            .bounce(
                mail("bounce+1@simulator.amazonses.com"),
                "Test <bounce+1@simulator.amazonses.com>",
                NOW);

    JsonNode msg = MAPPER.readTree(json);
    assertThat(msg.at("/bounce/bouncedRecipients/0/emailAddress").asText())
        .isEqualTo("bounce+1@simulator.amazonses.com");
  }

  @Test
  void suppressed_simulatorRecipient_permanentSuppressed() throws Exception {
    TestEnvelopes factory = new TestEnvelopes("sluice-simulator-feedback");
    SentMail mail = mail("suppressionlist@simulator.amazonses.com");

    JsonNode msg =
        MAPPER.readTree(
            TestEnvelopes.bounceMessage(
                mail, "suppressionlist@simulator.amazonses.com", Fate.GLOBALLY_SUPPRESSED, NOW));

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
    TestEnvelopes factory = new TestEnvelopes("sluice-simulator-feedback");
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
    TestEnvelopes factory = new TestEnvelopes("sluice-simulator-feedback");
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
    TestEnvelopes factory = new TestEnvelopes("sluice-simulator-feedback");
    SentMail mail = mail("ooto@simulator.amazonses.com");

    JsonNode msg =
        MAPPER.readTree(
            TestEnvelopes.bounceMessage(
                mail, "ooto@simulator.amazonses.com", Fate.AUTO_REPLIED, NOW));

    JsonNode bounce = msg.path("bounce");
    assertThat(bounce.path("bounceType").asText()).isEqualTo("Transient");
    assertThat(bounce.path("bounceSubType").asText()).isEqualTo("General");
    assertThat(fieldNames(bounce.path("bouncedRecipients").get(0))).containsExactly("emailAddress");
  }

  private static Feedback eventFeedback(List<Fate> fates, String... destination) {
    return new Feedback(
        mail(destination),
        "my-set",
        List.of(new dev.sluice.core.ses.MessageTag("campaign", "jan")),
        List.of(
            new dev.sluice.simulator.MimeHeaders.Field("From", "Sender <sender@example.com>"),
            new dev.sluice.simulator.MimeHeaders.Field("To", "rcpt@example.net"),
            new dev.sluice.simulator.MimeHeaders.Field("Message-ID", "<m1@example.com>"),
            new dev.sluice.simulator.MimeHeaders.Field("Subject", "Hi")),
        false,
        "Hi",
        fates,
        null,
        null,
        new dev.sluice.simulator.MessageTrail());
  }

  @Test
  void send_eventForm_hasHeadersCommonHeadersAndTags() throws Exception {
    JsonNode e =
        MAPPER.readTree(
            FeedbackJson.send(eventFeedback(List.of(Fate.DELIVERED), "rcpt@example.net")));
    assertThat(fieldNames(e)).containsExactly("eventType", "mail", "send");
    assertThat(e.path("eventType").asText()).isEqualTo("Send");
    assertThat(e.path("send").isObject()).isTrue();
    assertThat(e.path("send").size()).isZero();
    JsonNode mail = e.path("mail");
    assertThat(mail.has("sourceIp")).as("events carry the source IP as a tag").isFalse();
    assertThat(mail.path("headersTruncated").asBoolean()).isFalse();
    assertThat(mail.path("headers")).hasSize(4);
    assertThat(mail.at("/headers/0/name").asText()).isEqualTo("From");
    assertThat(mail.at("/commonHeaders/from/0").asText()).isEqualTo("Sender <sender@example.com>");
    assertThat(mail.at("/commonHeaders/to/0").asText()).isEqualTo("rcpt@example.net");
    assertThat(mail.at("/commonHeaders/messageId").asText()).isEqualTo("<m1@example.com>");
    assertThat(mail.at("/commonHeaders/subject").asText()).isEqualTo("Hi");
    JsonNode tags = mail.path("tags");
    assertThat(tags.at("/ses:configuration-set/0").asText()).isEqualTo("my-set");
    assertThat(tags.at("/ses:from-domain/0").asText()).isEqualTo("example.com");
    assertThat(tags.at("/ses:caller-identity/0").asText()).isEqualTo("relay-user");
    assertThat(tags.at("/campaign/0").asText()).isEqualTo("jan");
    assertThat(tags.has("ses:outgoing-ip")).as("not sent yet").isFalse();
  }

  @Test
  void bounce_eventFormAccountSuppressed_onAccountSuppressionListWithoutMta() throws Exception {
    Feedback f = eventFeedback(List.of(Fate.ACCOUNT_SUPPRESSED), "gone@example.net");
    JsonNode e =
        MAPPER.readTree(
            FeedbackJson.bounce(
                FeedbackJson.Form.EVENT,
                f,
                "gone@example.net",
                Fate.ACCOUNT_SUPPRESSED,
                "fb-1",
                NOW));
    assertThat(e.path("eventType").asText()).isEqualTo("Bounce");
    assertThat(e.at("/bounce/bounceType").asText()).isEqualTo("Permanent");
    assertThat(e.at("/bounce/bounceSubType").asText()).isEqualTo("OnAccountSuppressionList");
    assertThat(e.at("/bounce/feedbackId").asText()).isEqualTo("fb-1");
    assertThat(e.at("/bounce/bouncedRecipients/0/diagnosticCode").asText())
        .startsWith(
            "Amazon SES did not send the message to this address because it is on the"
                + " suppression list for your account.");
    assertThat(e.path("bounce").has("remoteMtaIp")).isFalse();
    assertThat(e.at("/mail/tags/ses:outgoing-ip").isMissingNode()).isTrue();
  }

  @Test
  void deliveryDelay_eventForm_listsDelayedRecipients() throws Exception {
    Feedback f = eventFeedback(List.of(Fate.DELAYED), "late@example.net");
    JsonNode e = MAPPER.readTree(FeedbackJson.deliveryDelay(f, List.of("late@example.net"), NOW));
    assertThat(e.path("eventType").asText()).isEqualTo("DeliveryDelay");
    JsonNode d = e.path("deliveryDelay");
    assertThat(d.path("delayType").asText()).isEqualTo("TransientCommunicationFailure");
    assertThat(d.path("expirationTime").asText()).matches(ISO_MILLIS);
    assertThat(d.at("/delayedRecipients/0/emailAddress").asText()).isEqualTo("late@example.net");
    assertThat(d.at("/delayedRecipients/0/status").asText()).isEqualTo("4.4.1");
  }

  @Test
  void rejectAndRenderingFailure_eventForm() throws Exception {
    Feedback base = eventFeedback(List.of(), "rcpt@example.net");
    Feedback rejected =
        new Feedback(
            base.mail(),
            base.configurationSet(),
            base.tags(),
            base.headers(),
            false,
            base.subject(),
            List.of(),
            "Bad content",
            null,
            base.trail());
    JsonNode r = MAPPER.readTree(FeedbackJson.reject(rejected));
    assertThat(r.path("eventType").asText()).isEqualTo("Reject");
    assertThat(r.at("/reject/reason").asText()).isEqualTo("Bad content");
    Feedback notRendered =
        new Feedback(
            base.mail(),
            base.configurationSet(),
            base.tags(),
            base.headers(),
            false,
            base.subject(),
            List.of(),
            null,
            new Feedback.RenderingFailure("welcome", "Attribute 'name' is not present."),
            base.trail());
    JsonNode f = MAPPER.readTree(FeedbackJson.renderingFailure(notRendered));
    assertThat(f.path("eventType").asText()).isEqualTo("Rendering Failure");
    assertThat(f.at("/failure/templateName").asText()).isEqualTo("welcome");
    assertThat(f.at("/failure/errorMessage").asText())
        .isEqualTo("Attribute 'name' is not present.");
  }
}
