package dev.sluice.feedback.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ses.MessageTag;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.SesEvent.Recipient;
import dev.sluice.feedback.SesEvent.Type;
import dev.sluice.simulator.MessageTrail;
import dev.sluice.simulator.MimeHeaders;
import dev.sluice.simulator.notify.Fate;
import dev.sluice.simulator.notify.Feedback;
import dev.sluice.simulator.notify.FeedbackJson;
import dev.sluice.simulator.notify.FeedbackJson.Form;
import dev.sluice.simulator.notify.SentMail;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SesEventParserTest {
  private static final String ID = "0100018d0cfe2a7b-5f0e3c1a-9b2d-4e6f-8a1c-3d5e7f9a0b2c-000000";
  private static final long SENT = Instant.parse("2024-01-15T12:00:00.123Z").toEpochMilli();
  private static final long LATER = SENT + 2_000;

  /** ses-wire.md TV7: the identity-notification bounce, as SNS's Message carries it. */
  static final String TV7 =
      "{\"notificationType\":\"Bounce\",\"bounce\":{\"feedbackId\":\"0100018d0cfe3a10-9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d-000000\",\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\",\"bouncedRecipients\":[{\"emailAddress\":\"bounce@simulator.amazonses.com\",\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],\"timestamp\":\"2024-01-15T12:00:02.000Z\",\"remoteMtaIp\":\"192.0.2.10\",\"reportingMTA\":\"dns; a8-70.smtp-out.amazonses.com\"},\"mail\":{\"timestamp\":\"2024-01-15T12:00:00.123Z\",\"source\":\"sender@example.com\",\"sourceArn\":\"arn:aws:ses:us-east-1:123456789012:identity/example.com\",\"sourceIp\":\"198.51.100.7\",\"callerIdentity\":\"relay-user\",\"sendingAccountId\":\"123456789012\",\"messageId\":\"0100018d0cfe2a7b-5f0e3c1a-9b2d-4e6f-8a1c-3d5e7f9a0b2c-000000\",\"destination\":[\"bounce@simulator.amazonses.com\"]}}";

  private static Feedback feedback(List<String> to, List<Fate> fates) {
    return new Feedback(
        new SentMail(
            ID, "Sender <sender@example.com>", to, SENT, "123456789012", "relay", "us-east-1"),
        "tx",
        List.of(new MessageTag("campaign", "jan")),
        List.of(new MimeHeaders.Field("From", "sender@example.com")),
        false,
        "Hi",
        fates,
        null,
        null,
        new MessageTrail());
  }

  private static SesEvent parse(String json) throws SesEventFormatException {
    return SesEventParser.parse("sns-1", json).orElseThrow();
  }

  @Test
  void parse_documentedIdentityBounce_readsEveryField() throws Exception {
    SesEvent e = parse(TV7);
    assertThat(e.id()).isEqualTo("sns-1");
    assertThat(e.type()).isEqualTo(Type.BOUNCE);
    assertThat(e.sesMessageId()).isEqualTo(ID);
    assertThat(e.time()).isEqualTo(Instant.parse("2024-01-15T12:00:02Z"));
    assertThat(e.recipients())
        .containsExactly(
            new Recipient(
                "bounce@simulator.amazonses.com", "5.1.1", "smtp; 550 5.1.1 user unknown"));
    assertThat(e.bounceType()).isEqualTo("Permanent");
    assertThat(e.bounceSubType()).isEqualTo("General");
    assertThat(e.feedbackId())
        .isEqualTo("0100018d0cfe3a10-9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d-000000");
    assertThat(e.configurationSet()).isEmpty();
    assertThat(e.tags()).isEmpty();
    assertThat(e.json()).isEqualTo(TV7);
    assertThat(e.suppresses()).isTrue();
  }

  @Test
  void parse_simulatorBothForms_sameFactsAndTagsOnlyInEventForm() throws Exception {
    Feedback f =
        feedback(
            List.of("bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"),
            List.of(Fate.BOUNCED, Fate.COMPLAINED));
    for (Form form : Form.values()) {
      SesEvent bounce =
          parse(
              FeedbackJson.bounce(
                  form, f, "bounce@simulator.amazonses.com", Fate.BOUNCED, "fb-1", LATER));
      assertThat(bounce.type()).as(form.name()).isEqualTo(Type.BOUNCE);
      assertThat(bounce.time()).isEqualTo(Instant.ofEpochMilli(LATER));
      assertThat(bounce.recipients())
          .containsExactly(
              new Recipient(
                  "bounce@simulator.amazonses.com", "5.1.1", FeedbackJson.BOUNCE_DIAGNOSTIC));
      assertThat(bounce.feedbackId()).isEqualTo("fb-1");
      assertThat(bounce.suppresses()).isTrue();

      SesEvent complaint =
          parse(
              FeedbackJson.complaint(form, f, "complaint@simulator.amazonses.com", "fb-2", LATER));
      assertThat(complaint.type()).isEqualTo(Type.COMPLAINT);
      assertThat(complaint.recipients())
          .extracting(Recipient::address)
          .containsExactly("complaint@simulator.amazonses.com");
      assertThat(complaint.complaintFeedbackType()).isEqualTo("abuse");
      assertThat(complaint.feedbackId()).isEqualTo("fb-2");

      SesEvent delivery =
          parse(FeedbackJson.delivery(form, f, List.of("a@example.com", "b@example.com"), LATER));
      assertThat(delivery.type()).isEqualTo(Type.DELIVERY);
      assertThat(delivery.recipients())
          .containsExactly(
              new Recipient("a@example.com", "", FeedbackJson.DELIVERY_SMTP_RESPONSE),
              new Recipient("b@example.com", "", FeedbackJson.DELIVERY_SMTP_RESPONSE));
      if (form == Form.EVENT) {
        assertThat(delivery.configurationSet()).isEqualTo("tx");
        assertThat(delivery.tags()).containsEntry("campaign", List.of("jan"));
      } else {
        assertThat(delivery.configurationSet()).isEmpty();
        assertThat(delivery.tags()).isEmpty();
      }
    }
  }

  @Test
  void parse_simulatorEventOnlyTypes_mapped() throws Exception {
    Feedback f = feedback(List.of("ooto@simulator.amazonses.com"), List.of(Fate.AUTO_REPLIED));
    SesEvent send = parse(FeedbackJson.send(f));
    assertThat(send.type()).isEqualTo(Type.SEND);
    assertThat(send.time()).isEqualTo(Instant.ofEpochMilli(SENT));
    assertThat(send.recipients())
        .extracting(Recipient::address)
        .containsExactly("ooto@simulator.amazonses.com");
    SesEvent delay = parse(FeedbackJson.deliveryDelay(f, List.of("slow@example.com"), LATER));
    assertThat(delay.type()).isEqualTo(Type.DELIVERY_DELAY);
    assertThat(delay.recipients())
        .containsExactly(new Recipient("slow@example.com", "4.4.1", FeedbackJson.DELAY_DIAGNOSTIC));
    SesEvent ooto =
        parse(
            FeedbackJson.bounce(
                Form.EVENT, f, "ooto@simulator.amazonses.com", Fate.AUTO_REPLIED, "fb", LATER));
    assertThat(ooto.bounceType()).isEqualTo("Transient");
    assertThat(ooto.suppresses()).isFalse();
    Feedback rejected =
        new Feedback(
            f.mail(),
            "tx",
            List.of(),
            List.of(),
            false,
            "Hi",
            List.of(),
            "Bad content",
            null,
            new MessageTrail());
    SesEvent reject = parse(FeedbackJson.reject(rejected));
    assertThat(reject.type()).isEqualTo(Type.REJECT);
    assertThat(reject.recipients().get(0).diagnostic()).isEqualTo("Bad content");
    Feedback unrendered =
        new Feedback(
            f.mail(),
            "tx",
            List.of(),
            List.of(),
            false,
            "Hi",
            List.of(),
            null,
            new Feedback.RenderingFailure("welcome", "Attribute 'name' is not present"),
            new MessageTrail());
    SesEvent failure = parse(FeedbackJson.renderingFailure(unrendered));
    assertThat(failure.type()).isEqualTo(Type.RENDERING_FAILURE);
    assertThat(failure.recipients().get(0).diagnostic())
        .isEqualTo("Attribute 'name' is not present");
  }

  /** The documented Open, Click and Subscription events (SES developer guide's examples' shape). */
  @Test
  void parse_documentedOpenClickSubscription_timeFromTheirOwnObject() throws Exception {
    String mail =
        "\"mail\":{\"timestamp\":\"2017-08-09T21:59:49.927Z\",\"source\":\"sender@example.com\","
            + "\"messageId\":\""
            + ID
            + "\",\"destination\":[\"recipient@example.com\"],"
            + "\"tags\":{\"ses:configuration-set\":[\"ConfigSet\"]}}";
    SesEvent open =
        parse(
            "{\"eventType\":\"Open\","
                + mail
                + ",\"open\":{\"ipAddress\":\"192.0.2.1\","
                + "\"timestamp\":\"2017-08-09T22:00:19.652Z\",\"userAgent\":\"Mozilla/5.0\"}}");
    assertThat(open.type()).isEqualTo(Type.OPEN);
    assertThat(open.time()).isEqualTo(Instant.parse("2017-08-09T22:00:19.652Z"));
    assertThat(open.configurationSet()).isEqualTo("ConfigSet");
    SesEvent click =
        parse(
            "{\"eventType\":\"Click\",\"click\":{\"ipAddress\":\"192.0.2.1\",\"link\":"
                + "\"http://docs.aws.amazon.com\",\"linkTags\":{\"samplekey0\":[\"samplevalue0\"]},"
                + "\"timestamp\":\"2017-08-09T23:51:25.570Z\"},"
                + mail
                + "}");
    assertThat(click.type()).isEqualTo(Type.CLICK);
    assertThat(click.time()).isEqualTo(Instant.parse("2017-08-09T23:51:25.570Z"));
    SesEvent sub =
        parse(
            "{\"eventType\":\"Subscription\","
                + mail
                + ",\"subscription\":{\"contactList\":"
                + "\"ContactListName\",\"timestamp\":\"2022-01-12T01:00:17.910Z\","
                + "\"source\":\"UnsubscribeHeader\",\"newTopicPreferences\":{\"unsubscribeAll\":true}}}");
    assertThat(sub.type()).isEqualTo(Type.SUBSCRIPTION);
    assertThat(sub.recipients())
        .extracting(Recipient::address)
        .containsExactly("recipient@example.com");
  }

  @Test
  void parse_unknownTypeAndFields_keptAsUnknown() throws Exception {
    String json =
        "{\"eventType\":\"Teleport\",\"future\":{\"x\":[1,2]},\"mail\":{\"timestamp\":"
            + "\"2024-01-15T12:00:00.123Z\",\"messageId\":\"m-1\",\"novel\":true,"
            + "\"destination\":[\"a@example.com\"],\"tags\":{\"one\":\"lone\",\"n\":[1,null]}}}";
    SesEvent e = parse(json);
    assertThat(e.type()).isEqualTo(Type.UNKNOWN);
    assertThat(e.sesMessageId()).isEqualTo("m-1");
    assertThat(e.tags()).isEqualTo(Map.of("one", List.of("lone"), "n", List.of("1")));
    assertThat(e.json()).isEqualTo(json);
    SesEvent bounce = parse(TV7.replace("\"bounce\":{", "\"bounce\":{\"brandNew\":{\"a\":1},"));
    assertThat(bounce.recipients()).hasSize(1);
  }

  @Test
  void parse_setupNotice_emptyNotAnError() throws Exception {
    assertThat(
            SesEventParser.parse(
                "sns-1",
                "{\"notificationType\":\"AmazonSnsSubscriptionSucceeded\",\"message\":\"You have"
                    + " successfully subscribed your Amazon SNS topic\"}"))
        .isEmpty();
  }

  @Test
  void parse_missingEssentials_refusedWithTheReason() {
    assertThatThrownBy(() -> parse("not json"))
        .isInstanceOf(SesEventFormatException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> parse("{\"mail\":{\"messageId\":\"m\"}}"))
        .hasMessageContaining("neither eventType nor notificationType");
    assertThatThrownBy(() -> parse(TV7.replace("\"messageId\"", "\"mid\"")))
        .hasMessageContaining("without mail.messageId");
    assertThatThrownBy(() -> parse(TV7.replace("bouncedRecipients", "others")))
        .hasMessageContaining("Bounce without recipients");
    assertThatThrownBy(() -> parse(TV7.replace("timestamp", "ts")))
        .hasMessageContaining("without a readable timestamp");
    assertThatThrownBy(() -> SesEventParser.parse("", TV7)).hasMessageContaining("no event id");
  }

  /**
   * Random mutations of real events: each is read or refused with a format exception, nothing else.
   */
  @Test
  void parse_randomlyMutatedEvents_readOrRefusedNeverThrowOtherwise() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    Feedback f = feedback(List.of("a@example.com"), List.of(Fate.DELIVERED));
    List<String> seeds =
        List.of(
            TV7,
            FeedbackJson.send(f),
            FeedbackJson.delivery(Form.EVENT, f, List.of("a@example.com"), LATER));
    String alphabet = "{}[]\":,\\ 0aZ\u00e9\u0000-.eE";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder s = new StringBuilder(seeds.get(r.nextInt(seeds.size())));
      int edits = 1 + r.nextInt(4);
      for (int k = 0; k < edits && s.length() > 0; k++) {
        int at = r.nextInt(s.length());
        switch (r.nextInt(3)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> s.setLength(at);
        }
      }
      String input = s.toString();
      try {
        SesEventParser.parse("id", input);
      } catch (SesEventFormatException expected) {
        assertThat(expected.getMessage()).as("seed %d input %s", seed, input).isNotBlank();
      } catch (RuntimeException e) {
        throw new AssertionError("seed " + seed + " input " + input, e);
      }
    }
  }
}
