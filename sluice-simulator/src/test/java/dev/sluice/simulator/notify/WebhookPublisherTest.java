package dev.sluice.simulator.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.core.Clock;
import dev.sluice.core.ManualClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Publishes to a real loopback HTTP server; waits on conditions with deadlines, never sleeps. */
class WebhookPublisherTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private record Received(
      String method,
      String contentType,
      String type,
      String id,
      String topic,
      String userAgent,
      String body) {}

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> scriptedStatuses = new LinkedBlockingQueue<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final TestEnvelopes factory = new TestEnvelopes("ses-feedback");
  private HttpServer server;
  private URI webhook;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/sns",
        exchange -> {
          var h = exchange.getRequestHeaders();
          received.add(
              new Received(
                  exchange.getRequestMethod(),
                  h.getFirst("Content-Type"),
                  h.getFirst("x-amz-sns-message-type"),
                  h.getFirst("x-amz-sns-message-id"),
                  h.getFirst("x-amz-sns-topic-arn"),
                  h.getFirst("User-Agent"),
                  new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
          Integer status = scriptedStatuses.poll();
          exchange.sendResponseHeaders(status == null ? 200 : status, -1);
          exchange.close();
        });
    server.start();
    webhook = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sns");
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private double count(String outcome) {
    return registry.get(WebhookPublisher.METER).tag("outcome", outcome).counter().count();
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("timed out waiting for " + what).isNegative();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  private Received next() throws InterruptedException {
    Received r = received.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(r).as("a POST within " + DEADLINE).isNotNull();
    return r;
  }

  private WebhookPublisher publisher(int capacity, Duration delay, Clock clock) {
    return new WebhookPublisher(
        webhook, capacity, delay, clock, registry, 3, Duration.ofMillis(1), 4);
  }

  @Test
  void publish_bounce_postedAsSnsHttpNotification() throws Exception {
    SentMail mail = FeedbackJsonTest.mail("bounce@simulator.amazonses.com");
    String json = factory.bounce(mail, "bounce@simulator.amazonses.com", FeedbackJsonTest.NOW);

    try (WebhookPublisher publisher = publisher(16, Duration.ZERO, Clock.system())) {
      assertThat(publisher.publish(json)).isTrue();

      Received r = next();
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.contentType()).isEqualTo("text/plain; charset=UTF-8");
      assertThat(r.type()).isEqualTo("Notification");
      assertThat(r.userAgent()).isEqualTo("Amazon Simple Notification Service Agent");
      assertThat(r.body()).isEqualTo(json);
      JsonNode envelope = FeedbackJsonTest.MAPPER.readTree(r.body());
      assertThat(r.id()).isEqualTo(envelope.path("MessageId").asText());
      assertThat(r.topic()).isEqualTo("arn:aws:sns:us-east-1:123456789012:ses-feedback");
      JsonNode msg = FeedbackJsonTest.unwrap(r.body(), r.topic());
      assertThat(msg.path("notificationType").asText()).isEqualTo("Bounce");
      assertThat(msg.at("/bounce/bounceType").asText()).isEqualTo("Permanent");
      assertThat(msg.at("/bounce/bounceSubType").asText()).isEqualTo("General");
      assertThat(msg.at("/bounce/bouncedRecipients/0/emailAddress").asText())
          .isEqualTo("bounce@simulator.amazonses.com");
      assertThat(msg.at("/bounce/bouncedRecipients/0/status").asText()).isEqualTo("5.1.1");
      assertThat(msg.at("/bounce/bouncedRecipients/0/diagnosticCode").asText())
          .isEqualTo("smtp; 550 5.1.1 user unknown");
      FeedbackJsonTest.assertMail(msg.path("mail"), "bounce@simulator.amazonses.com");
      await("sent counted", () -> count("sent") == 1.0);
    }
  }

  @Test
  void publish_complaint_postedWithDocumentedFields() throws Exception {
    SentMail mail = FeedbackJsonTest.mail("complaint@simulator.amazonses.com");
    String json =
        factory.complaint(mail, "complaint@simulator.amazonses.com", FeedbackJsonTest.NOW);

    try (WebhookPublisher publisher = publisher(16, Duration.ZERO, Clock.system())) {
      assertThat(publisher.publish(json)).isTrue();

      Received r = next();
      JsonNode msg = FeedbackJsonTest.unwrap(r.body(), r.topic());
      assertThat(msg.path("notificationType").asText()).isEqualTo("Complaint");
      assertThat(msg.at("/complaint/userAgent").asText()).isEqualTo("Amazon SES Mailbox Simulator");
      assertThat(msg.at("/complaint/complaintFeedbackType").asText()).isEqualTo("abuse");
      assertThat(msg.at("/complaint/complaintSubType").isNull()).isTrue();
      assertThat(msg.at("/complaint/complainedRecipients/0/emailAddress").asText())
          .isEqualTo("complaint@simulator.amazonses.com");
      assertThat(msg.at("/complaint/arrivalDate").asText()).isEqualTo("2024-01-15T12:00:00.123Z");
      FeedbackJsonTest.assertMail(msg.path("mail"), "complaint@simulator.amazonses.com");
    }
  }

  @Test
  void publish_beforeDelayElapsed_heldUntilClockAdvances() throws Exception {
    ManualClock clock = new ManualClock(FeedbackJsonTest.NOW);
    SentMail mail = FeedbackJsonTest.mail("success@simulator.amazonses.com");

    try (WebhookPublisher publisher = publisher(16, Duration.ofSeconds(30), clock)) {
      assertThat(publisher.publish(factory.delivery(mail, mail.destination(), clock.millis())))
          .isTrue();
      assertThat(publisher.queued()).isEqualTo(1);
      assertThat(received).isEmpty();

      clock.advance(Duration.ofSeconds(30));

      assertThat(
              FeedbackJsonTest.unwrap(next().body(), factory.topicArn(mail))
                  .path("notificationType")
                  .asText())
          .isEqualTo("Delivery");
      await("sent counted", () -> count("sent") == 1.0);
      assertThat(publisher.queued()).isZero();
    }
  }

  @Test
  void publish_queueFull_falseAndDropCounted() {
    ManualClock clock = new ManualClock(FeedbackJsonTest.NOW);
    SentMail mail = FeedbackJsonTest.mail("bounce@simulator.amazonses.com");
    String json = factory.bounce(mail, "bounce@simulator.amazonses.com", clock.millis());

    WebhookPublisher publisher = publisher(2, Duration.ofHours(1), clock);
    try {
      assertThat(publisher.publish(json)).isTrue();
      assertThat(publisher.publish(json)).isTrue();
      assertThat(publisher.publish(json)).isFalse();

      assertThat(count("dropped")).isEqualTo(1.0);
      assertThat(publisher.queued()).isEqualTo(2);
    } finally {
      publisher.close();
    }
    assertThat(count("dropped")).as("unsent envelopes dropped on close").isEqualTo(3.0);
    assertThat(count("sent")).isZero();
    assertThat(received).isEmpty();
  }

  @Test
  void publish_afterClose_falseAndDropCounted() {
    SentMail mail = FeedbackJsonTest.mail("bounce@simulator.amazonses.com");
    WebhookPublisher publisher = publisher(2, Duration.ZERO, Clock.system());
    publisher.close();

    assertThat(publisher.publish(factory.bounce(mail, "bounce@simulator.amazonses.com", 0)))
        .isFalse();
    assertThat(count("dropped")).isEqualTo(1.0);
  }

  @Test
  void publish_serverFailsTwice_retriedAndSent() throws Exception {
    scriptedStatuses.addAll(List.of(500, 503));
    SentMail mail = FeedbackJsonTest.mail("bounce@simulator.amazonses.com");
    String json = factory.bounce(mail, "bounce@simulator.amazonses.com", 0);

    try (WebhookPublisher publisher = publisher(4, Duration.ZERO, Clock.system())) {
      assertThat(publisher.publish(json)).isTrue();

      for (int attempt = 1; attempt <= 3; attempt++) {
        assertThat(next().body()).isEqualTo(json);
      }
      await("sent counted", () -> count("sent") == 1.0);
      assertThat(count("failed")).isZero();
    }
  }

  @Test
  void publish_serverAlwaysFails_countedFailedAfterAllAttempts() throws Exception {
    scriptedStatuses.addAll(List.of(500, 500, 500));
    SentMail mail = FeedbackJsonTest.mail("bounce@simulator.amazonses.com");

    try (WebhookPublisher publisher = publisher(4, Duration.ZERO, Clock.system())) {
      assertThat(publisher.publish(factory.bounce(mail, "bounce@simulator.amazonses.com", 0)))
          .isTrue();

      await("failed counted", () -> count("failed") == 1.0);
      assertThat(received).hasSize(3);
      assertThat(count("sent")).isZero();
    }
  }

  @Test
  void publish_notAnEnvelope_rejected() {
    try (WebhookPublisher publisher = publisher(4, Duration.ZERO, Clock.system())) {
      assertThatThrownBy(() -> publisher.publish("not json"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> publisher.publish("{\"Type\":\"Notification\"}"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> publisher.publish("[1]"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void constructor_notHttpUri_rejected() {
    assertThatThrownBy(
            () ->
                new WebhookPublisher(
                    URI.create("file:///tmp/x"), 4, Duration.ZERO, Clock.system(), registry))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
