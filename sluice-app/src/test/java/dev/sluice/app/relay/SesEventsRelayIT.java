package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.config.ConfigException;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.SesEventRecorder;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's SNS endpoint, configured as an operator would (flags only), takes SES's events from a
 * simulator's signed SNS: its subscription confirmed, its events handed to the recorder.
 */
class SesEventsRelayIT {
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
  private static final String BOUNCE =
      "{\"notificationType\":\"Bounce\",\"bounce\":{\"feedbackId\":\"fb-1\",\"bounceType\":"
          + "\"Permanent\",\"bounceSubType\":\"General\",\"bouncedRecipients\":[{\"emailAddress\":"
          + "\"bounce@simulator.amazonses.com\",\"status\":\"5.1.1\"}],\"timestamp\":"
          + "\"2024-01-15T12:00:02.000Z\"},\"mail\":{\"timestamp\":\"2024-01-15T12:00:00.123Z\","
          + "\"messageId\":\"0100-ses-1\",\"destination\":[\"bounce@simulator.amazonses.com\"]}}";

  @TempDir Path dir;

  @Test
  void relay_snsListenAndTopic_confirmsAndRecordsSignedEvents() throws Exception {
    Map<String, SesEvent> recorded = new ConcurrentHashMap<>();
    SesEventRecorder recorder = e -> recorded.putIfAbsent(e.id(), e) == null;
    try (Simulator sim = simulator();
        Relay relay = Relay.start(snsRelay(sim), Map.of(), dir, recorder)) {
      assertThat(relay.snsPort()).isPositive();
      subscribe(sim, relay);
      assertThat(sim.sns().publish(TOPIC, null, BOUNCE)).isEqualTo(1);
      await("the bounce recorded", () -> recorded.size() == 1);
      SesEvent e = recorded.values().iterator().next();
      assertThat(e.type()).isEqualTo(SesEvent.Type.BOUNCE);
      assertThat(e.sesMessageId()).isEqualTo("0100-ses-1");
      assertThat(
              relay
                  .registry()
                  .get("sluice.feedback.recorded")
                  .tag("source", "sns")
                  .counter()
                  .count())
          .isEqualTo(1);
    }
  }

  /** The queue URL alone picks the endpoint; credentials come from the environment given. */
  @Test
  void relay_sqsQueueUrl_readsRawEventsAndDeletesThem() throws Exception {
    Map<String, SesEvent> recorded = new ConcurrentHashMap<>();
    SesEventRecorder recorder = e -> recorded.putIfAbsent(e.id(), e) == null;
    org.elasticmq.rest.sqs.SQSRestServer server =
        org.elasticmq.rest.sqs.SQSRestServerBuilder.withInterface("127.0.0.1")
            .withDynamicPort()
            .start();
    try {
      int port = server.waitUntilStarted().localAddress().getPort();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      try (var sqs =
          software.amazon.awssdk.services.sqs.SqsClient.builder()
              .endpointOverride(endpoint)
              .region(software.amazon.awssdk.regions.Region.US_EAST_1)
              .credentialsProvider(
                  software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                      software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                          "AKID", "secret")))
              .build()) {
        String queue = sqs.createQueue(b -> b.queueName("ses-events")).queueUrl();
        // ElasticMQ names itself in its URLs; the relay is given the address it listens on.
        URI url = URI.create(endpoint + URI.create(queue).getPath());
        sqs.sendMessage(b -> b.queueUrl(queue).messageBody(BOUNCE));
        try (Relay relay =
            Relay.start(
                RelayConfig.onFreePorts(
                    dir.resolve("spool"),
                    "hold=true",
                    "sns.topic=" + TOPIC,
                    "sqs.queue-url=" + url),
                Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "secret"),
                dir,
                recorder)) {
          assertThat(relay.snsPort()).isEqualTo(-1);
          await("the bounce recorded", () -> recorded.size() == 1);
          await(
              "the message deleted",
              () ->
                  sqs
                      .getQueueAttributes(
                          b ->
                              b.queueUrl(queue)
                                  .attributeNamesWithStrings(
                                      "ApproximateNumberOfMessages",
                                      "ApproximateNumberOfMessagesNotVisible"))
                      .attributesAsStrings()
                      .values()
                      .stream()
                      .allMatch("0"::equals));
          assertThat(recorded.values().iterator().next().id()).startsWith("sha256:");
        }
      }
    } finally {
      server.stopAndWait();
    }
  }

  /** Given no recorder, the relay records SES's events in its own feedback store. */
  @Test
  void relay_snsListenWithoutARecorder_recordsInItsFeedbackStore() throws Exception {
    try (Simulator sim = simulator();
        Relay relay = Relay.start(snsRelay(sim), Map.of(), dir)) {
      var store = relay.feedback().orElseThrow();
      subscribe(sim, relay);
      assertThat(store.find("bounce@simulator.amazonses.com")).isEmpty();
      assertThat(sim.sns().publish(TOPIC, null, BOUNCE)).isEqualTo(1);
      await(
          "the bounced address suppressed",
          () -> store.find("bounce@simulator.amazonses.com").isPresent());
      assertThat(store.find("bounce@simulator.amazonses.com").orElseThrow().reason().name())
          .isEqualTo("BOUNCE");
      // The store's write is visible before its sync returns; the intake counts it after.
      await(
          "the event counted as recorded",
          () ->
              relay
                      .registry()
                      .get("sluice.feedback.recorded")
                      .tag("source", "sns")
                      .counter()
                      .count()
                  == 1);
    }
  }

  @Test
  void config_intakeWithoutTopics_refused() {
    assertThatThrownBy(
            () -> RelayConfig.onFreePorts(dir.resolve("spool"), "sns.listen=127.0.0.1:0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.sns.topic");
  }

  /** A simulator whose HTTPS certificate is written where {@link #snsRelay} trusts it. */
  private Simulator simulator() {
    return Simulator.start(
        SimulatorConfig.onFreePorts(
            "notification-delay=0ms", "export-cert=" + dir.resolve("simulator.pem")));
  }

  /** A held relay whose SNS endpoint takes {@link #TOPIC} from the simulator's signed SNS. */
  private RelayConfig snsRelay(Simulator sim) {
    return RelayConfig.onFreePorts(
        dir.resolve("spool"),
        "hold=true",
        "sns.listen=127.0.0.1:0",
        "sns.topic=" + TOPIC,
        "sns.trust-cert-url=https://127.0.0.1:" + sim.httpsEndpoint().getPort(),
        "sns.trust-ca=" + dir.resolve("simulator.pem"));
  }

  /** Subscribes the relay's SNS endpoint to {@link #TOPIC} and waits for the confirmation. */
  private static void subscribe(Simulator sim, Relay relay) throws InterruptedException {
    URI endpoint = URI.create("http://127.0.0.1:" + relay.snsPort() + "/sns");
    sim.sns().subscribe(TOPIC, endpoint);
    await(
        "the subscription confirmed",
        () ->
            sim.sns().subscriptions().stream()
                .anyMatch(
                    s ->
                        s.endpoint().equals(endpoint.toString()) && s.state().equals("confirmed")));
  }

  private static void await(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
