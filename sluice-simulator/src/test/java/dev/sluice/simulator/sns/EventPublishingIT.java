package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.messagemanager.sns.internal.SignatureValidator;
import software.amazon.awssdk.messagemanager.sns.internal.SnsMessageUnmarshaller;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.EventType;
import software.amazon.awssdk.services.sesv2.model.MessageTag;

/**
 * The whole feedback path as an application sees it: a configuration set and an SNS event
 * destination made with the AWS SDK, a subscriber that confirms its subscription by visiting the
 * SubscribeURL, sends through the SDK, and signed SNS notifications whose Message is SES's event,
 * verified with the AWS SDK's own SNS signature check against the simulator's certificate.
 */
class EventPublishingIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static JsonNode of(List<JsonNode> events, String type) {
    return events.stream()
        .filter(e -> e.get("eventType").asText().equals(type))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void configurationSetEvents_reachAConfirmedSubscriber_signedAsSnsSignsThem() throws Exception {
    try (SnsReceiver rx = SnsReceiver.ok();
        Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited", "notification-delay=0ms", "https-port=off"));
        HttpClient http = HttpClient.newHttpClient();
        SesV2Client v2 =
            SesV2Client.builder()
                .endpointOverride(sim.httpEndpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                .build()) {
      PublicKey key = sim.sns().signer().certificate().certificate().getPublicKey();
      sim.sns().subscribe(TOPIC, rx.url());
      JsonNode confirmation = rx.take(WAIT).json();
      assertThat(confirmation.get("Type").asText()).isEqualTo("SubscriptionConfirmation");
      HttpResponse<String> confirmed =
          http.send(
              HttpRequest.newBuilder(URI.create(confirmation.get("SubscribeURL").asText())).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(confirmed.statusCode()).isEqualTo(200);

      v2.createConfigurationSet(b -> b.configurationSetName("tx"));
      v2.createConfigurationSetEventDestination(
          b ->
              b.configurationSetName("tx")
                  .eventDestinationName("events")
                  .eventDestination(
                      d ->
                          d.enabled(true)
                              .matchingEventTypes(
                                  EventType.SEND,
                                  EventType.DELIVERY,
                                  EventType.BOUNCE,
                                  EventType.COMPLAINT)
                              .snsDestination(s -> s.topicArn(TOPIC))));
      String id =
          v2.sendEmail(
                  b ->
                      b.fromEmailAddress("sender@example.com")
                          .destination(
                              d ->
                                  d.toAddresses(
                                      "success@simulator.amazonses.com",
                                      "bounce@simulator.amazonses.com",
                                      "complaint@simulator.amazonses.com"))
                          .content(
                              c ->
                                  c.simple(
                                      s ->
                                          s.subject(x -> x.data("Hi"))
                                              .body(x -> x.text(t -> t.data("hello")))))
                          .configurationSetName("tx")
                          .emailTags(MessageTag.builder().name("campaign").value("jan").build()))
              .messageId();

      // Send, Delivery (success@ and complaint@), Bounce, Complaint.
      List<JsonNode> events =
          List.of(rx.take(WAIT), rx.take(WAIT), rx.take(WAIT), rx.take(WAIT)).stream()
              .map(
                  r -> {
                    assertThat(r.type()).isEqualTo("Notification");
                    assertThat(r.header("x-amz-sns-topic-arn")).isEqualTo(TOPIC);
                    // The AWS SDK's own check of an SNS signature, given the simulator's key.
                    new SignatureValidator()
                        .validateSignature(
                            new SnsMessageUnmarshaller()
                                .unmarshall(
                                    new ByteArrayInputStream(
                                        r.body().getBytes(StandardCharsets.UTF_8))),
                            key);
                    try {
                      return JSON.readTree(r.json().get("Message").asText());
                    } catch (java.io.IOException e) {
                      throw new AssertionError(e);
                    }
                  })
              .toList();
      // SNS delivers a subscription's messages several at a time: in any order.
      assertThat(events)
          .extracting(e -> e.get("eventType").asText())
          .containsExactlyInAnyOrder("Send", "Delivery", "Bounce", "Complaint");
      assertThat(events)
          .allSatisfy(e -> assertThat(e.at("/mail/messageId").asText()).isEqualTo(id));
      assertThat(of(events, "Delivery").at("/delivery/recipients"))
          .extracting(JsonNode::asText)
          .containsExactly("success@simulator.amazonses.com", "complaint@simulator.amazonses.com");
      assertThat(of(events, "Bounce").at("/bounce/bouncedRecipients/0/emailAddress").asText())
          .isEqualTo("bounce@simulator.amazonses.com");
      assertThat(of(events, "Complaint").at("/mail/tags/campaign/0").asText()).isEqualTo("jan");
      assertThat(of(events, "Complaint").at("/mail/tags/ses:configuration-set/0").asText())
          .isEqualTo("tx");

      // Inspection says where each went.
      JsonNode inspected =
          JSON.readTree(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create(sim.httpEndpoint() + "/_sluice/messages/" + id))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      assertThat(inspected.get("configurationSet").asText()).isEqualTo("tx");
      assertThat(inspected.at("/tags/campaign").asText()).isEqualTo("jan");
      assertThat(inspected.get("events"))
          .extracting(e -> e.get("type").asText())
          .contains("Send", "Delivery", "Bounce", "Complaint");
    }
  }
}
