package dev.sluice.feedback.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.feedback.SesEvent;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS reader against ElasticMQ, a real SQS-compatible server run in-process on a free loopback
 * port, with the real AWS SDK: enveloped (simulator-signed) and raw events recorded once however
 * often they are delivered, deleted only once recorded, and what cannot be taken left for the
 * queue's redrive policy.
 */
class SqsReaderIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
  private static final Duration WAIT = Duration.ofSeconds(30);

  private SQSRestServer server;
  private SqsClient sqs;
  private Simulator sim;
  private SimpleMeterRegistry registry;
  private MemoryRecorder recorder;
  private SnsIntake intake;

  @BeforeEach
  void start() throws Exception {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    sqs =
        SqsClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
            .build();
    sim = Simulator.start(SimulatorConfig.onFreePorts("notification-delay=0ms"));
    registry = new SimpleMeterRegistry();
    recorder = new MemoryRecorder();
    intake =
        new SnsIntake(
            new SnsTrust(
                Set.of(TOPIC),
                List.of("127.0.0.1:" + sim.httpsEndpoint().getPort()),
                Duration.ofHours(1)),
            sim.certificate().clientContext(),
            recorder,
            registry,
            new ShiftedClock());
  }

  @AfterEach
  void stop() {
    intake.close();
    sim.close();
    sqs.close();
    server.stopAndWait();
  }

  private double count(String name, String... tags) {
    var search = registry.find("sluice.feedback." + name).tag("source", "sqs");
    for (int i = 0; i < tags.length; i += 2) {
      search = search.tag(tags[i], tags[i + 1]);
    }
    var c = search.counter();
    return c == null ? 0 : c.count();
  }

  private String queue(String name, Map<QueueAttributeName, String> attributes) {
    return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
  }

  private String signedEnvelope() throws Exception {
    try (Capture capture = new Capture()) {
      sim.sns().subscribeConfirmed(TOPIC, capture.url());
      assertThat(sim.sns().publish(TOPIC, null, SesEventParserTest.TV7)).isEqualTo(1);
      return capture.take(WAIT);
    }
  }

  private int visibleAndInFlight(String url) {
    var a =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(url)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  @Test
  void reader_envelopedAndRawEvents_recordedOnceDeletedAndTheRestRedriven() throws Exception {
    String dlq = queue("events-dlq", Map.of());
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    String events =
        queue(
            "events",
            Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT,
                "1",
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"1\"}"));
    String envelope = signedEnvelope();
    ObjectNode tampered = (ObjectNode) JSON.readTree(envelope);
    tampered.put("Message", SesEventParserTest.TV7.replace("Permanent", "Transient"));
    String raw = SesEventParserTest.TV7.replace("bounce@simulator", "raw@simulator");
    // SNS delivers at least once: each event twice.
    for (String body :
        List.of(envelope, envelope, raw, raw, "not an event", JSON.writeValueAsString(tampered))) {
      sqs.sendMessage(b -> b.queueUrl(events).messageBody(body));
    }

    try (SqsReader reader = new SqsReader(sqs, events, intake)) {
      reader.start();
      MemoryRecorder.await("four deliveries taken", WAIT, () -> recorder.calls().size() == 4);
      List<Message> deadLetters = new ArrayList<>();
      MemoryRecorder.await(
          "the two that are not events in the dead-letter queue",
          WAIT,
          () -> {
            deadLetters.addAll(
                sqs.receiveMessage(b -> b.queueUrl(dlq).waitTimeSeconds(1).maxNumberOfMessages(10))
                    .messages());
            return deadLetters.size() >= 2;
          });
      assertThat(deadLetters)
          .extracting(Message::body)
          .containsExactlyInAnyOrder("not an event", JSON.writeValueAsString(tampered));
      MemoryRecorder.await("the queue emptied", WAIT, () -> visibleAndInFlight(events) == 0);
    }
    assertThat(recorder.events())
        .extracting(SesEvent::id)
        .containsExactlyInAnyOrder(
            JSON.readTree(envelope).get("MessageId").asText(), SqsReader.rawId(raw));
    assertThat(recorder.events())
        .extracting(e -> e.recipients().get(0).address())
        .containsExactlyInAnyOrder("bounce@simulator.amazonses.com", "raw@simulator.amazonses.com");
    assertThat(count("received")).isGreaterThanOrEqualTo(6);
    assertThat(count("recorded")).isEqualTo(2);
    assertThat(count("duplicate")).isEqualTo(2);
    assertThat(count("refused", "reason", "not_an_event")).isGreaterThanOrEqualTo(1);
    assertThat(count("refused", "reason", "bad_signature")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void pollOnce_recorderFails_messageKeptAndRecordedWhenItComesBack() throws Exception {
    String events = queue("plain", Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1"));
    sqs.sendMessage(b -> b.queueUrl(events).messageBody(SesEventParserTest.TV7));
    try (SqsReader reader = new SqsReader(sqs, events, intake)) {
      recorder.failing(true);
      assertThat(reader.pollOnce()).isEqualTo(1);
      assertThat(count("failed")).isEqualTo(1);
      assertThat(visibleAndInFlight(events)).isEqualTo(1);
      recorder.failing(false);
      MemoryRecorder.await(
          "recorded on its return",
          WAIT,
          () -> {
            reader.pollOnce();
            return recorder.events().size() == 1;
          });
      MemoryRecorder.await("deleted", WAIT, () -> visibleAndInFlight(events) == 0);
    }
    assertThat(recorder.calls()).hasSize(2);
  }
}
