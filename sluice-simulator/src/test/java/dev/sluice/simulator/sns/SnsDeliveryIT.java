package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.ManualClock;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.testkit.Await;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * The simulator's SNS against real HTTP endpoints on loopback: confirmation first, then
 * notifications; unsubscribe and restore; SNS's headers; retries; a dead endpoint's queue capped
 * and counted while another endpoint of the same topic gets everything.
 */
class SnsDeliveryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-events";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Simulator sim;
  private HttpClient client;

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private Simulator start(String... settings) {
    sim = Simulator.start(SimulatorConfig.onFreePorts(settings));
    client = HttpClient.newBuilder().sslContext(sim.certificate().clientContext()).build();
    return sim;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode inspect() throws Exception {
    return JSON.readTree(get(sim.httpEndpoint() + "/_sluice/sns/subscriptions").body());
  }

  private JsonNode subscription(String arn) throws Exception {
    for (JsonNode s : inspect().get("subscriptions")) {
      if (s.get("subscriptionArn").asText().equals(arn)) {
        return s;
      }
    }
    return null;
  }

  private SnsSubscriptionInfo info(Predicate<SnsSubscriptionInfo> which) {
    return sim.sns().subscriptions().stream().filter(which).findFirst().orElseThrow();
  }

  @Test
  void subscribe_confirmationFirst_notificationsOnlyAfterSubscribeUrlVisited() throws Exception {
    try (SnsReceiver rx = SnsReceiver.ok()) {
      start("sns-subscriptions=" + TOPIC + "=" + rx.url(), "sns-retry-delay=10ms");

      SnsReceiver.Received confirmation = rx.take(WAIT);
      assertThat(confirmation.type()).isEqualTo("SubscriptionConfirmation");
      JsonNode c = confirmation.json();
      assertThat(confirmation.header("x-amz-sns-message-id"))
          .isEqualTo(c.get("MessageId").asText());
      assertThat(confirmation.header("x-amz-sns-topic-arn")).isEqualTo(TOPIC);
      assertThat(confirmation.header("x-amz-sns-subscription-arn")).isNull();
      assertThat(confirmation.header("content-type")).isEqualTo("text/plain; charset=UTF-8");
      assertThat(confirmation.header("user-agent"))
          .isEqualTo("Amazon Simple Notification Service Agent");
      assertThat(confirmation.header(":method")).isEqualTo("POST");
      assertThat(confirmation.header(":path")).isEqualTo("/sns");
      String token = c.get("Token").asText();
      assertThat(token).matches("[0-9a-f]{224}");
      assertThat(c.get("SubscribeURL").asText())
          .isEqualTo(
              sim.httpsEndpoint()
                  + "/?Action=ConfirmSubscription&TopicArn="
                  + TOPIC
                  + "&Token="
                  + token);
      assertThat(c.get("Message").asText())
          .isEqualTo(
              "You have chosen to subscribe to the topic "
                  + TOPIC
                  + ".\nTo confirm the subscription, visit the SubscribeURL included in this"
                  + " message.");
      assertThat(c.get("SignatureVersion").asText()).isEqualTo("1");
      assertSignedBy(certificateAt(c.get("SigningCertURL").asText()), c);

      // Pending: nothing is sent, only counted.
      assertThat(sim.sns().hasSubscribers(TOPIC)).isTrue();
      assertThat(sim.sns().hasSubscribers(TOPIC + "-other")).isFalse();
      assertThat(sim.sns().publish(TOPIC, null, "before confirmation")).isZero();
      Await.until(
          "the confirmation answered",
          WAIT,
          () -> info(s -> true).confirmation().equals("delivered"));
      JsonNode pending = inspect().get("subscriptions").get(0);
      assertThat(pending.get("state").asText()).isEqualTo("pending");
      assertThat(pending.get("skippedPending").asLong()).isEqualTo(1);
      assertThat(pending.get("confirmation").asText()).isEqualTo("delivered");
      String arn = pending.get("subscriptionArn").asText();
      assertThat(arn).startsWith(TOPIC + ":");

      HttpResponse<String> confirmed = get(c.get("SubscribeURL").asText());
      assertThat(confirmed.statusCode()).isEqualTo(200);
      assertThat(confirmed.body())
          .contains(
              "<ConfirmSubscriptionResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">")
          .contains("<SubscriptionArn>" + arn + "</SubscriptionArn>");
      assertThat(subscription(arn).get("state").asText()).isEqualTo("confirmed");

      String event = "{\"eventType\":\"Send\",\"mail\":{\"messageId\":\"m-1\"}}";
      assertThat(sim.sns().publish(TOPIC, "Amazon SES Email Event Notification", event))
          .isEqualTo(1);
      SnsReceiver.Received n = rx.take(WAIT);
      JsonNode body = n.json();
      assertThat(n.type()).isEqualTo("Notification");
      assertThat(n.header("x-amz-sns-message-id")).isEqualTo(body.get("MessageId").asText());
      assertThat(n.header("x-amz-sns-topic-arn")).isEqualTo(TOPIC);
      assertThat(n.header("x-amz-sns-subscription-arn")).isEqualTo(arn);
      assertThat(n.header("content-type")).isEqualTo("text/plain; charset=UTF-8");
      assertThat(n.header("user-agent")).isEqualTo("Amazon Simple Notification Service Agent");
      assertThat(body.get("Type").asText()).isEqualTo("Notification");
      assertThat(body.get("TopicArn").asText()).isEqualTo(TOPIC);
      assertThat(body.get("Subject").asText()).isEqualTo("Amazon SES Email Event Notification");
      assertThat(body.get("Message").asText()).isEqualTo(event);
      assertThat(body.get("Timestamp").asText())
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(body.get("SigningCertURL").asText())
          .isEqualTo(sim.httpsEndpoint() + "/" + sim.sns().signer().fileName());
      assertThat(body.get("UnsubscribeURL").asText())
          .isEqualTo(sim.httpsEndpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + arn);
      assertSignedBy(sim.sns().signer().certificate().certificate(), body);
      Await.until("the notification answered", WAIT, () -> info(s -> true).delivered() == 1);
      assertThat(subscription(arn).get("delivered").asLong()).isEqualTo(1);
      // The message published while pending never arrived: only these two requests did.
      assertThat(rx.all()).hasSize(2);
    }
  }

  @Test
  void unsubscribeUrl_stopsDelivery_sendsUnsubscribeConfirmation_whoseUrlRestores()
      throws Exception {
    try (SnsReceiver rx = SnsReceiver.ok()) {
      start("sns-auto-confirm=true", "sns-signature-version=2");
      String arn = sim.sns().subscribe(TOPIC, rx.url());
      assertThat(sim.sns().publish(TOPIC, null, "one")).isEqualTo(1);
      SnsReceiver.Received first = rx.take(WAIT);
      assertThat(first.type()).as("auto-confirm sends no confirmation").isEqualTo("Notification");
      assertThat(first.json().get("SignatureVersion").asText()).isEqualTo("2");
      assertSignedBy(sim.sns().signer().certificate().certificate(), first.json());

      HttpResponse<String> r = get(first.json().get("UnsubscribeURL").asText());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("<UnsubscribeResponse").contains("<RequestId>");
      assertThat(sim.sns().subscriptions()).isEmpty();
      assertThat(sim.sns().hasSubscribers(TOPIC)).isFalse();
      assertThat(sim.sns().publish(TOPIC, null, "after unsubscribe")).isZero();

      SnsReceiver.Received bye = rx.take(WAIT);
      assertThat(bye.type()).isEqualTo("UnsubscribeConfirmation");
      assertThat(bye.header("x-amz-sns-subscription-arn")).isEqualTo(arn);
      JsonNode b = bye.json();
      assertThat(b.get("Message").asText())
          .startsWith("You have chosen to deactivate subscription " + arn + ".\n");
      assertSignedBy(sim.sns().signer().certificate().certificate(), b);
      assertThat(get(first.json().get("UnsubscribeURL").asText()).statusCode())
          .as("a second visit is harmless")
          .isEqualTo(200);

      assertThat(get(b.get("SubscribeURL").asText()).body())
          .contains("<SubscriptionArn>" + arn + "</SubscriptionArn>");
      assertThat(sim.sns().publish(TOPIC, null, "restored")).isEqualTo(1);
      assertThat(rx.take(WAIT).json().get("Message").asText()).isEqualTo("restored");
      assertThat(rx.all())
          .extracting(SnsReceiver.Received::type)
          .containsExactly("Notification", "UnsubscribeConfirmation", "Notification");
    }
  }

  @Test
  void confirm_badTokenOrTopic_answersSnsErrors() throws Exception {
    try (SnsReceiver rx = SnsReceiver.ok()) {
      start();
      sim.sns().subscribe(TOPIC, rx.url());
      HttpResponse<String> bad =
          get(sim.httpEndpoint() + "/?Action=ConfirmSubscription&TopicArn=" + TOPIC + "&Token=ab");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("<Code>InvalidParameter</Code>");
      HttpResponse<String> unknown =
          get(
              sim.httpEndpoint()
                  + "/?Action=ConfirmSubscription&TopicArn="
                  + TOPIC
                  + "-other&Token=ab");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("<Code>NotFound</Code>");
    }
  }

  @Test
  void confirm_tokenOlderThanThreeDays_refusedAndStillPending() throws Exception {
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    try (SnsReceiver rx = SnsReceiver.ok()) {
      sim = Simulator.start(SimulatorConfig.onFreePorts(), clock);
      client = HttpClient.newBuilder().sslContext(sim.certificate().clientContext()).build();
      sim.sns().subscribe(TOPIC, rx.url());
      SnsReceiver.Received confirmation = rx.take(WAIT);
      assertThat(confirmation.json().get("Timestamp").asText())
          .isEqualTo("2023-11-14T22:13:20.000Z");
      clock.advance(SnsService.TOKEN_VALIDITY.plusMillis(1));
      HttpResponse<String> late = get(confirmation.json().get("SubscribeURL").asText());
      assertThat(late.statusCode()).isEqualTo(400);
      assertThat(late.body()).contains("<Code>InvalidParameter</Code>");
      assertThat(info(s -> true).state()).isEqualTo("pending");
    }
  }

  @Test
  void snsClient_confirmSubscriptionAndUnsubscribe_workAgainstTheSimulator() throws Exception {
    try (SnsReceiver rx = SnsReceiver.ok()) {
      start();
      String arn = sim.sns().subscribe(TOPIC, rx.url());
      String token = rx.take(WAIT).json().get("Token").asText();
      try (SnsClient sns =
          SnsClient.builder()
              .endpointOverride(sim.httpEndpoint())
              .region(Region.US_EAST_1)
              .credentialsProvider(
                  StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
              .build()) {
        assertThat(sns.confirmSubscription(b -> b.topicArn(TOPIC).token(token)).subscriptionArn())
            .isEqualTo(arn);
        assertThat(info(s -> s.subscriptionArn().equals(arn)).state()).isEqualTo("confirmed");
        sns.unsubscribe(b -> b.subscriptionArn(arn));
        assertThat(sim.sns().subscriptions()).isEmpty();
      }
    }
  }

  @Test
  void retries_500TwiceThen200_deliversOnTheThirdAttemptWithTheSameMessageId() throws Exception {
    try (SnsReceiver rx = SnsReceiver.answering(attempt -> attempt <= 2 ? 500 : 200)) {
      start("sns-auto-confirm=true", "sns-retry-delay=10ms");
      sim.sns().subscribe(TOPIC, rx.url());
      assertThat(sim.sns().publish(TOPIC, null, "retry me")).isEqualTo(1);
      Await.until("delivery", WAIT, () -> info(s -> true).delivered() == 1);
      SnsSubscriptionInfo s = info(x -> true);
      assertThat(rx.attempts()).isEqualTo(3);
      assertThat(rx.all())
          .extracting(r -> r.header("x-amz-sns-message-id"))
          .containsOnly(rx.all().get(0).header("x-amz-sns-message-id"));
      assertThat(s.retried()).isEqualTo(2);
      assertThat(s.failed()).isZero();
      assertThat(sim.registry().get("simulator.sns.retried").tag("topic", TOPIC).counter().count())
          .isEqualTo(2.0);
      assertThat(
              sim.registry().get("simulator.sns.delivered").tag("topic", TOPIC).counter().count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void retries_alwaysFailing_givesUpAfterTheConfiguredRetries() throws Exception {
    URI refused;
    try (ServerSocket closed = new ServerSocket(0)) {
      refused = URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/gone");
    }
    try (SnsReceiver rx = SnsReceiver.answering(attempt -> 503)) {
      start("sns-auto-confirm=true", "sns-retry-delay=5ms", "sns-retries=2");
      String answering = sim.sns().subscribe(TOPIC, rx.url());
      String unreachable = sim.sns().subscribe(TOPIC, refused);
      assertThat(sim.sns().publish(TOPIC, null, "doomed")).isEqualTo(2);
      Await.until(
          "both given up",
          WAIT,
          () -> sim.sns().subscriptions().stream().allMatch(s -> s.failed() == 1));
      assertThat(rx.attempts()).isEqualTo(3);
      assertThat(info(s -> s.subscriptionArn().equals(answering)).lastError())
          .isEqualTo("HTTP 503");
      SnsSubscriptionInfo dead = info(s -> s.subscriptionArn().equals(unreachable));
      assertThat(dead.retried()).isEqualTo(2);
      assertThat(dead.lastError()).contains("Connect");
      assertThat(sim.registry().get("simulator.sns.failed").tag("topic", TOPIC).counter().count())
          .isEqualTo(2.0);
    }
  }

  @Test
  void retries_endpointNeverAnswers_timesOutAndRetries() throws Exception {
    try (SnsReceiver rx = SnsReceiver.hung()) {
      start(
          "sns-auto-confirm=true",
          "sns-retry-delay=5ms",
          "sns-retries=1",
          "sns-request-timeout=200ms");
      sim.sns().subscribe(TOPIC, rx.url());
      sim.sns().publish(TOPIC, null, "into the void");
      Await.until("given up", WAIT, () -> info(s -> true).failed() == 1);
      assertThat(rx.attempts()).isEqualTo(2);
      assertThat(info(s -> true).lastError()).containsIgnoringCase("timed out");
    }
  }

  @Test
  void deadEndpoint_queueCappedAndCounted_otherSubscriptionGetsEverything() throws Exception {
    int published = 60;
    try (SnsReceiver dead = SnsReceiver.hung();
        SnsReceiver alive = SnsReceiver.ok()) {
      // 4 POSTs at once, 2 per subscription: the hung endpoint holds 2, the other keeps 2.
      start("sns-auto-confirm=true", "sns-max-in-flight=4", "sns-queue-limit=5");
      String deadArn = sim.sns().subscribe(TOPIC, dead.url());
      String aliveArn = sim.sns().subscribe(TOPIC, alive.url());
      int queued =
          sim.sns().publish(TOPIC, null, "event 0") + sim.sns().publish(TOPIC, null, "event 1");
      Await.until("both workers of the dead endpoint held", WAIT, () -> dead.attempts() == 2);
      for (int i = 2; i < published; i++) {
        queued += sim.sns().publish(TOPIC, null, "event " + i);
        // Paced by the live endpoint, whose own queue has the same small limit.
        int sent = i + 1;
        Await.until(
            "event " + i + " at the live endpoint",
            WAIT,
            () -> info(s -> s.subscriptionArn().equals(aliveArn)).delivered() == sent);
      }
      SnsSubscriptionInfo d = info(s -> s.subscriptionArn().equals(deadArn));
      SnsSubscriptionInfo a = info(s -> s.subscriptionArn().equals(aliveArn));
      assertThat(alive.attempts()).isEqualTo(published);
      assertThat(a.dropped()).isZero();
      assertThat(dead.attempts()).isEqualTo(2);
      assertThat(d.delivered()).isZero();
      // Two held by the endpoint, the queue limit waiting, the rest dropped and counted.
      assertThat(d.waiting()).isEqualTo(2 + 5);
      assertThat(d.queued()).isEqualTo(7);
      assertThat(d.dropped()).isEqualTo(published - 7);
      assertThat(queued).isEqualTo(published + 7);
      assertThat(sim.registry().get("simulator.sns.dropped").tag("topic", TOPIC).counter().count())
          .isEqualTo(published - 7.0);
      assertThat(sim.registry().get("simulator.sns.waiting").gauge().value()).isEqualTo(7.0);
    }
  }

  @Test
  void inspection_subscribeAndTopicSignatureVersion_atRunTime() throws Exception {
    try (SnsReceiver rx = SnsReceiver.ok()) {
      start("sns-auto-confirm=true");
      HttpResponse<String> sub =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          sim.httpEndpoint()
                              + "/_sluice/sns/subscriptions?topic-arn="
                              + TOPIC
                              + "&endpoint="
                              + rx.url()))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sub.statusCode()).isEqualTo(200);
      HttpResponse<String> v2 =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          sim.httpEndpoint()
                              + "/_sluice/sns/topics?topic-arn="
                              + TOPIC
                              + "&signature-version=2"))
                  .PUT(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(v2.statusCode()).isEqualTo(200);
      sim.sns().publish(TOPIC, null, "v2 please");
      JsonNode n = rx.take(WAIT).json();
      assertThat(n.get("SignatureVersion").asText()).isEqualTo("2");
      assertSignedBy(sim.sns().signer().certificate().certificate(), n);
      JsonNode listed = inspect();
      assertThat(listed.get("signingCertURL").asText())
          .isEqualTo(sim.httpsEndpoint() + "/" + sim.sns().signer().fileName());
      assertThat(listed.get("subscriptions").get(0).get("signatureVersion").asInt()).isEqualTo(2);
      assertThat(listed.get("subscriptions").get(0).get("endpoint").asText())
          .isEqualTo(rx.url().toString());
      assertThat(get(sim.httpEndpoint() + "/_sluice/sns/certificate").body())
          .isEqualTo(sim.sns().signer().pem());
    }
  }

  /** Fetches the certificate from its SigningCertURL, as a receiver does. */
  private X509Certificate certificateAt(String url) throws Exception {
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(url).startsWith("https://");
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(r.body()));
  }

  /** Checks the signature with the JDK over the fields SNS signs for the message's type. */
  static void assertSignedBy(X509Certificate cert, JsonNode m) throws Exception {
    List<String> keys =
        m.get("Type").asText().equals("Notification")
            ? List.of("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
            : List.of(
                "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
    StringBuilder canonical = new StringBuilder();
    for (String k : keys) {
      if (m.has(k)) {
        canonical.append(k).append('\n').append(m.get(k).asText()).append('\n');
      }
    }
    Signature s =
        Signature.getInstance(
            m.get("SignatureVersion").asText().equals("1") ? "SHA1withRSA" : "SHA256withRSA");
    s.initVerify(cert.getPublicKey());
    s.update(canonical.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(s.verify(Base64.getDecoder().decode(m.get("Signature").asText())))
        .as("signature of %s", m.get("Type").asText())
        .isTrue();
  }
}
