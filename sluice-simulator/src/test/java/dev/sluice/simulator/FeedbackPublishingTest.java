package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Clock;
import dev.sluice.simulator.account.ConfigurationSet;
import dev.sluice.simulator.account.EventDestination;
import dev.sluice.simulator.account.EventType;
import dev.sluice.simulator.account.SuppressedDestination;
import dev.sluice.simulator.notify.Fate;
import dev.sluice.simulator.notify.FeedbackPublisher;
import dev.sluice.simulator.sns.SnsTopics;
import dev.sluice.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What SES publishes for each mailbox-simulator address and each way a message can end, as the
 * simulator's core publishes it to SNS topics: the configuration set's events ({@code eventType})
 * filtered by each destination's types, and the identity notifications ({@code notificationType}).
 */
class FeedbackPublishingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL = "arn:aws:sns:us-east-1:123456789012:all-events";
  private static final String BOUNCES = "arn:aws:sns:us-east-1:123456789012:bounces-only";
  private static final String OFF = "arn:aws:sns:us-east-1:123456789012:disabled";

  /** Topics that keep what is published to them. */
  private record Published(String topic, JsonNode message) {}

  private final List<Published> published = new CopyOnWriteArrayList<>();

  /** Whether the topics have subscriptions, and whether those have room; both true unless said. */
  private volatile boolean subscribed = true;

  private volatile int room = Integer.MAX_VALUE;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SnsTopics topics =
      new SnsTopics() {
        @Override
        public int publish(String topic, String subject, String message) {
          try {
            published.add(new Published(topic, JSON.readTree(message)));
          } catch (java.io.IOException e) {
            throw new AssertionError("published JSON must parse", e);
          }
          return 1;
        }

        @Override
        public boolean hasSubscribers(String topic) {
          return subscribed;
        }

        @Override
        public int room(String topic) {
          return subscribed ? room : 0;
        }
      };
  private SimulatorCore core;

  @AfterEach
  void close() {
    if (core != null) {
      core.close();
    }
  }

  private SimulatorCore core(String... settings) {
    List<String> all =
        new ArrayList<>(List.of("max-send-rate=unlimited", "notification-delay=0ms"));
    all.addAll(List.of(settings));
    core =
        new SimulatorCore(
            SimulatorConfig.onFreePorts(all.toArray(String[]::new)),
            Clock.system(),
            registry,
            topics);
    core.configurationSets().create(ConfigurationSet.empty("tx", 0));
    core.configurationSets()
        .update(
            "tx",
            s ->
                s.withDestination(
                        new EventDestination(
                            "all", true, EnumSet.allOf(EventType.class), ALL, null))
                    .withDestination(
                        new EventDestination(
                            "bounces", true, Set.of(EventType.BOUNCE), BOUNCES, null))
                    .withDestination(
                        new EventDestination(
                            "off", false, EnumSet.allOf(EventType.class), OFF, null)));
    return core;
  }

  private static SendRequest sendWith(String set, String content, String... to) {
    return new SendRequest(
            SesInterface.V2,
            "AKID",
            "us-east-1",
            "sender@example.com",
            List.of(to),
            "Hi",
            content.getBytes(StandardCharsets.UTF_8),
            "SendEmail")
        .withConfigurationSet(set)
        .withTags(List.of(new dev.sluice.core.ses.MessageTag("campaign", "jan")));
  }

  private static SendRequest send(String... to) {
    return sendWith("tx", "From: sender@example.com\r\nSubject: Hi\r\n\r\nhello\r\n", to);
  }

  /** The event types published to a topic for one message, in order. */
  private List<String> events(String topic, String messageId) {
    return published.stream()
        .filter(p -> p.topic().equals(topic))
        .filter(p -> p.message().at("/mail/messageId").asText().equals(messageId))
        .map(
            p ->
                p.message().has("eventType")
                    ? p.message().path("eventType").asText()
                    : "notification " + p.message().path("notificationType").asText())
        .toList();
  }

  private JsonNode event(String topic, String messageId, String type) {
    return published.stream()
        .filter(p -> p.topic().equals(topic))
        .map(Published::message)
        .filter(m -> m.at("/mail/messageId").asText().equals(messageId))
        .filter(m -> m.path("eventType").asText().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " event for " + messageId));
  }

  private String accept(SendRequest r) {
    SendOutcome o = core.send(r);
    assertThat(o).isInstanceOf(SendOutcome.Accepted.class);
    return ((SendOutcome.Accepted) o).messageId();
  }

  @Test
  void everyMailboxSimulatorAddress_publishesTheEventsSesPublishesForIt() throws Exception {
    core();
    Map<String, List<String>> expected =
        Map.of(
            "success@simulator.amazonses.com", List.of("Send", "Delivery"),
            "bounce@simulator.amazonses.com", List.of("Send", "Bounce"),
            "complaint@simulator.amazonses.com", List.of("Send", "Delivery", "Complaint"),
            "ooto@simulator.amazonses.com", List.of("Send", "Delivery", "Bounce"),
            "suppressionlist@simulator.amazonses.com", List.of("Send", "Bounce"),
            "deliverydelay@simulator.amazonses.com", List.of("Send", "DeliveryDelay", "Delivery"));
    for (var e : expected.entrySet()) {
      String id = accept(send(e.getKey()));
      int n = e.getValue().size();
      Await.until(n + " events published for id", WAIT, () -> events(ALL, id).size() == n);
      assertThat(events(ALL, id)).as(e.getKey()).containsExactlyElementsOf(e.getValue());
      assertThat(events(BOUNCES, id))
          .as("the bounces-only destination of " + e.getKey())
          .containsExactlyElementsOf(e.getValue().stream().filter("Bounce"::equals).toList());
      assertThat(events(OFF, id)).as("a disabled destination").isEmpty();
      // The message's trail says where each event went.
      assertThat(core.inbox().find(id).trail().entries())
          .filteredOn(t -> t.detail().startsWith("event to " + ALL))
          .hasSize(n);
    }
    String bounce = accept(send("bounce+x@simulator.amazonses.com"));
    Await.until("2 events published for bounce", WAIT, () -> events(ALL, bounce).size() == 2);
    JsonNode b = event(ALL, bounce, "Bounce");
    assertThat(b.at("/bounce/bounceType").asText()).isEqualTo("Permanent");
    assertThat(b.at("/bounce/bounceSubType").asText()).isEqualTo("General");
    assertThat(b.at("/mail/tags/campaign/0").asText()).isEqualTo("jan");
    assertThat(b.at("/mail/tags/ses:configuration-set/0").asText()).isEqualTo("tx");
    String ooto = accept(send("ooto@simulator.amazonses.com"));
    Await.until("3 events published for ooto", WAIT, () -> events(ALL, ooto).size() == 3);
    assertThat(event(ALL, ooto, "Bounce").at("/bounce/bounceType").asText()).isEqualTo("Transient");
    String listed = accept(send("suppressionlist@simulator.amazonses.com"));
    Await.until("2 events published for listed", WAIT, () -> events(ALL, listed).size() == 2);
    assertThat(event(ALL, listed, "Bounce").at("/bounce/bounceSubType").asText())
        .isEqualTo("Suppressed");
  }

  @Test
  void identityNotifications_goToTheFeedbackTopicWithoutTags() throws Exception {
    core();
    String topic = core.feedbackTopic();
    String id =
        accept(
            sendWith(
                null,
                "From: sender@example.com\r\n\r\nhi\r\n",
                "success@simulator.amazonses.com",
                "bounce@simulator.amazonses.com",
                "complaint@simulator.amazonses.com"));
    Await.until(
        "3 events published for id to the topic", WAIT, () -> events(topic, id).size() == 3);
    assertThat(events(topic, id))
        .containsExactly("notification Delivery", "notification Bounce", "notification Complaint");
    assertThat(published)
        .filteredOn(p -> p.topic().equals(topic))
        .allSatisfy(p -> assertThat(p.message().at("/mail/tags").isMissingNode()).isTrue());
    // No configuration set: no events.
    assertThat(events(ALL, id)).isEmpty();
  }

  @Test
  void suppressedRecipient_isChargedNotSent_andBouncesOnTheAccountList() throws Exception {
    core();
    core.suppression().put(new SuppressedDestination("gone@example.net", "BOUNCE", 0, null, null));
    long before = core.ledger().sentLast24Hours();
    String id = accept(send("gone@example.net", "kept@example.net"));
    Await.until("3 events published for id", WAIT, () -> events(ALL, id).size() == 3);
    assertThat(events(ALL, id)).containsExactly("Send", "Delivery", "Bounce");
    assertThat(event(ALL, id, "Delivery").at("/delivery/recipients"))
        .extracting(JsonNode::asText)
        .containsExactly("kept@example.net");
    JsonNode bounce = event(ALL, id, "Bounce");
    assertThat(bounce.at("/bounce/bounceSubType").asText()).isEqualTo("OnAccountSuppressionList");
    assertThat(bounce.at("/bounce/bouncedRecipients/0/emailAddress").asText())
        .isEqualTo("gone@example.net");
    assertThat(core.ledger().sentLast24Hours()).as("counted as sent").isEqualTo(before + 2);
    assertThat(core.inbox().find(id).trail().entries())
        .anySatisfy(
            e -> {
              assertThat(e.kind()).isEqualTo("suppressed");
              assertThat(e.recipient()).isEqualTo("gone@example.net");
            });
    // A set that turns the list off for its sends.
    core.configurationSets().update("tx", s -> s.withSuppressedReasons(List.of()));
    String off = accept(send("gone@example.net"));
    Await.until("2 events published for off", WAIT, () -> events(ALL, off).size() == 2);
    assertThat(events(ALL, off)).containsExactly("Send", "Delivery");
  }

  @Test
  void hardBouncesAndComplaints_addToTheAccountList_whenTheSimulatorIsTold() throws Exception {
    core("suppress-simulator-feedback=true");
    String bounced = accept(send("bounce@simulator.amazonses.com"));
    String complained = accept(send("complaint@simulator.amazonses.com"));
    Await.until("2 addresses on the suppression list", WAIT, () -> core.suppression().size() == 2);
    SuppressedDestination b =
        core.suppression().get("bounce@simulator.amazonses.com").orElseThrow();
    assertThat(b.reason()).isEqualTo("BOUNCE");
    assertThat(b.messageId()).isEqualTo(bounced);
    assertThat(b.feedbackId())
        .isEqualTo(event(ALL, bounced, "Bounce").at("/bounce/feedbackId").asText());
    assertThat(
            core.suppression().get("complaint@simulator.amazonses.com").orElseThrow().messageId())
        .isEqualTo(complained);
    // The next message to the bounced address is not sent to it.
    String again = accept(send("bounce@simulator.amazonses.com"));
    Await.until("2 events published for again", WAIT, () -> events(ALL, again).size() == 2);
    assertThat(event(ALL, again, "Bounce").at("/bounce/bounceSubType").asText())
        .isEqualTo("OnAccountSuppressionList");
  }

  @Test
  void subscriptionsWithoutRoom_feedbackIsNotBuilt_andCountedAsNoRoom() throws Exception {
    core();
    room = 0;
    for (int i = 0; i < 5; i++) {
      accept(send("success@simulator.amazonses.com"));
    }
    assertThat(registry.get("simulator.feedback").tag("outcome", "no-room").counter().count())
        .isEqualTo(5.0);
    assertThat(registry.get("simulator.feedback").tag("outcome", "queued").counter().count())
        .isZero();
    assertThat(published).isEmpty();
    // Room again: the next message's events are published as before.
    room = Integer.MAX_VALUE;
    String id = accept(send("success@simulator.amazonses.com"));
    Await.until("2 events published for id", WAIT, () -> events(ALL, id).size() == 2);
    assertThat(events(ALL, id)).containsExactly("Send", "Delivery");
  }

  @Test
  void feedbackWaitingToBePublished_takesTheRoomFirst() throws Exception {
    // Feedback waits an hour here, so the first message's takes the one place there is.
    core("notification-delay=1h");
    room = 1;
    accept(send("success@simulator.amazonses.com"));
    accept(send("success@simulator.amazonses.com"));
    accept(send("success@simulator.amazonses.com"));
    assertThat(registry.get("simulator.feedback").tag("outcome", "queued").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("simulator.feedback").tag("outcome", "no-room").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void feedbackWaitingToBePublished_takesTheRoomOfEveryEventItWillPublish() throws Exception {
    // Each success makes a Send and a Delivery: with room for 4, the first two fit, the third
    // would publish its events only to have them dropped, so it is not built.
    core("notification-delay=1h");
    room = 4;
    for (int i = 0; i < 3; i++) {
      accept(send("success@simulator.amazonses.com"));
    }
    assertThat(registry.get("simulator.feedback").tag("outcome", "queued").counter().count())
        .isEqualTo(2.0);
    assertThat(registry.get("simulator.feedback").tag("outcome", "no-room").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void roomSmallerThanOneMessagesEvents_stillTakesTheFirst() throws Exception {
    core("notification-delay=1h");
    room = 1;
    accept(send("bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"));
    assertThat(registry.get("simulator.feedback").tag("outcome", "queued").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void eventsCounted_areTheEventsPublishedToOneTopic_overRandomRecipientMixes() throws Exception {
    core();
    Map<String, Fate> fateOf =
        Map.of(
            "success@simulator.amazonses.com", Fate.DELIVERED,
            "bounce@simulator.amazonses.com", Fate.BOUNCED,
            "complaint@simulator.amazonses.com", Fate.COMPLAINED,
            "ooto@simulator.amazonses.com", Fate.AUTO_REPLIED,
            "suppressionlist@simulator.amazonses.com", Fate.GLOBALLY_SUPPRESSED,
            "deliverydelay@simulator.amazonses.com", Fate.DELAYED);
    List<String> addresses = fateOf.keySet().stream().sorted().toList();
    Random random = new Random(1313);
    Map<String, Integer> expected = new java.util.HashMap<>();
    for (int i = 0; i < 150; i++) {
      List<String> to = new ArrayList<>();
      int n = 1 + random.nextInt(6);
      for (int j = 0; j < n; j++) {
        to.add(addresses.get(random.nextInt(addresses.size())));
      }
      String id = accept(send(to.toArray(String[]::new)));
      expected.put(id, FeedbackPublisher.events(to.stream().map(fateOf::get).toList()));
    }
    Await.until(
        "every message's events published",
        WAIT,
        () ->
            expected.entrySet().stream()
                .allMatch(e -> events(ALL, e.getKey()).size() >= e.getValue()));
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      assertThat(events(ALL, e.getKey())).as(e.getKey()).hasSize(e.getValue());
    }
  }

  @Test
  void hardBounce_withNoSubscriberAnywhere_stillSuppresses_whenTheSimulatorIsTold()
      throws Exception {
    core("suppress-simulator-feedback=true");
    subscribed = false;
    accept(send("bounce@simulator.amazonses.com"));
    Await.until("1 address on the suppression list", WAIT, () -> core.suppression().size() == 1);
    assertThat(registry.get("simulator.feedback").tag("outcome", "no-room").counter().count())
        .isZero();
  }

  @Test
  void mailboxSimulatorFeedback_doesNotSuppress_bySesDefault() throws Exception {
    core();
    String id = accept(send("bounce@simulator.amazonses.com"));
    Await.until("2 events published for id", WAIT, () -> events(ALL, id).size() == 2);
    assertThat(core.suppression().size()).isZero();
  }

  @Test
  void virusAndRenderingFailure_areAcceptedThenRejectedOrNotRendered() throws Exception {
    core();
    String virus =
        accept(
            sendWith(
                "tx",
                "From: sender@example.com\r\n\r\n" + VirusScan.EICAR + "\r\n",
                "success@simulator.amazonses.com"));
    Await.until("1 events published for virus", WAIT, () -> events(ALL, virus).size() == 1);
    assertThat(events(ALL, virus)).containsExactly("Reject");
    assertThat(event(ALL, virus, "Reject").at("/reject/reason").asText()).isEqualTo("Bad content");
    String base64 =
        java.util.Base64.getMimeEncoder()
            .encodeToString(VirusScan.EICAR.getBytes(StandardCharsets.US_ASCII));
    String attached =
        accept(
            sendWith(
                "tx",
                "From: sender@example.com\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n"
                    + base64
                    + "\r\n",
                "success@simulator.amazonses.com"));
    Await.until("1 events published for attached", WAIT, () -> events(ALL, attached).size() == 1);
    assertThat(events(ALL, attached)).containsExactly("Reject");

    String notRendered =
        accept(
            send("success@simulator.amazonses.com")
                .withTemplate("welcome", "Attribute 'name' is not present in the rendering data."));
    Await.until(
        "1 events published for notRendered", WAIT, () -> events(ALL, notRendered).size() == 1);
    assertThat(events(ALL, notRendered)).containsExactly("Rendering Failure");
    assertThat(event(ALL, notRendered, "Rendering Failure").at("/failure/templateName").asText())
        .isEqualTo("welcome");
  }
}
