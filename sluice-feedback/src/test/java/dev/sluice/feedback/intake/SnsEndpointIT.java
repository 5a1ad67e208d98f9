package dev.sluice.feedback.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.feedback.SesEvent;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.simulator.sns.SnsSubscriptionInfo;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.EventType;

/**
 * The SNS endpoint against the simulator's real SNS: subscriptions confirmed (listed topics only),
 * SES events sent through the AWS SDK arriving signed and recorded once, and every kind of forged,
 * tampered, stale or replayed message refused (or acknowledged without a second record) and
 * counted.
 */
class SnsEndpointIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EVENTS = "arn:aws:sns:us-east-1:123456789012:ses-events";
  private static final String EVENTS_V2 = "arn:aws:sns:us-east-1:123456789012:ses-events-v2";
  private static final String OTHER = "arn:aws:sns:us-east-1:123456789012:someone-else";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String BOUNCE = SesEventParserTest.TV7;

  private Simulator sim;
  private SimpleMeterRegistry registry;
  private MemoryRecorder recorder;
  private ShiftedClock clock;
  private SnsIntake intake;
  private SnsEndpoint endpoint;
  private HttpClient http;
  private URI url;

  @BeforeEach
  void start() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "notification-delay=0ms"));
    sim.sns().signatureVersion(EVENTS_V2, 2);
    registry = new SimpleMeterRegistry();
    recorder = new MemoryRecorder();
    clock = new ShiftedClock();
    intake =
        new SnsIntake(
            new SnsTrust(
                Set.of(EVENTS, EVENTS_V2),
                List.of("127.0.0.1:" + sim.httpsEndpoint().getPort()),
                Duration.ofHours(1)),
            sim.certificate().clientContext(),
            recorder,
            registry,
            clock);
    endpoint = new SnsEndpoint(intake, new InetSocketAddress("127.0.0.1", 0));
    endpoint.start();
    url = URI.create("http://127.0.0.1:" + endpoint.port() + "/sns");
    http = HttpClient.newHttpClient();
  }

  @AfterEach
  void stop() {
    http.close();
    endpoint.close();
    intake.close();
    sim.close();
  }

  private double count(String name) {
    var c = registry.find("sluice.feedback." + name).tag("source", "sns").counter();
    return c == null ? 0 : c.count();
  }

  private double refused(String reason) {
    return registry
        .get("sluice.feedback.refused")
        .tag("source", "sns")
        .tag("reason", reason)
        .counter()
        .count();
  }

  private SnsSubscriptionInfo subscription(String topic) {
    return sim.sns().subscriptions().stream()
        .filter(s -> s.topicArn().equals(topic) && s.endpoint().equals(url.toString()))
        .findFirst()
        .orElseThrow();
  }

  private HttpResponse<String> post(String type, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("x-amz-sns-message-type", type);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A notification the simulator signed, as SNS POSTed it to another subscriber. */
  private String signed(Capture capture, String topic, String message) throws Exception {
    assertThat(sim.sns().publish(topic, "Amazon SES Email Event Notification", message))
        .isEqualTo(1);
    return capture.take(WAIT);
  }

  private static String with(String body, String field, String value) throws Exception {
    ObjectNode n = (ObjectNode) JSON.readTree(body);
    n.put(field, value);
    return JSON.writeValueAsString(n);
  }

  @Test
  void sesEvents_throughSimulatorSns_confirmedThenEachRecordedOnce() throws Exception {
    sim.sns().subscribe(EVENTS, url);
    // The simulator marks it confirmed when the GET arrives; the endpoint counts it once answered.
    MemoryRecorder.await(
        "the subscription confirmed",
        WAIT,
        () -> subscription(EVENTS).state().equals("confirmed") && count("confirmed") == 1);

    try (SesV2Client v2 =
        SesV2Client.builder()
            .endpointOverride(sim.httpEndpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
            .build()) {
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
                              .snsDestination(s -> s.topicArn(EVENTS))));
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
                          .configurationSetName("tx"))
              .messageId();
      MemoryRecorder.await("four events recorded", WAIT, () -> recorder.events().size() == 4);
      assertThat(recorder.events())
          .extracting(SesEvent::type)
          .containsExactlyInAnyOrder(
              SesEvent.Type.SEND,
              SesEvent.Type.DELIVERY,
              SesEvent.Type.BOUNCE,
              SesEvent.Type.COMPLAINT);
      assertThat(recorder.events()).allSatisfy(e -> assertThat(e.sesMessageId()).isEqualTo(id));
      assertThat(recorder.events())
          .allSatisfy(e -> assertThat(e.configurationSet()).isEqualTo("tx"));
      SesEvent bounce =
          recorder.events().stream()
              .filter(e -> e.type() == SesEvent.Type.BOUNCE)
              .findFirst()
              .orElseThrow();
      assertThat(bounce.recipients())
          .extracting(SesEvent.Recipient::address)
          .containsExactly("bounce@simulator.amazonses.com");
      assertThat(bounce.suppresses()).isTrue();
      // Acknowledged: SNS counts each as delivered, none retried.
      MemoryRecorder.await(
          "SNS saw four deliveries", WAIT, () -> subscription(EVENTS).delivered() == 4);
      assertThat(subscription(EVENTS).retried()).isZero();
      assertThat(count("received")).isEqualTo(5);
      assertThat(count("recorded")).isEqualTo(4);
    }
  }

  @Test
  void subscribe_unlistedTopic_notConfirmedAndCounted() throws Exception {
    sim.sns().subscribe(OTHER, url);
    MemoryRecorder.await("the confirmation refused", WAIT, () -> refused("topic_not_listed") >= 1);
    assertThat(subscription(OTHER).state()).isEqualTo("pending");
    assertThat(count("confirmed")).isZero();
  }

  @Test
  void notification_tamperedForgedStaleOrReplayed_refusedOrRecordedOnce() throws Exception {
    try (Capture capture = new Capture()) {
      sim.sns().subscribeConfirmed(EVENTS, capture.url());
      sim.sns().subscribeConfirmed(EVENTS_V2, capture.url());
      sim.sns().subscribeConfirmed(OTHER, capture.url());
      String v1 = signed(capture, EVENTS, BOUNCE);
      String v2 = signed(capture, EVENTS_V2, BOUNCE);
      String other = signed(capture, OTHER, BOUNCE);
      assertThat(JSON.readTree(v2).get("SignatureVersion").asText()).isEqualTo("2");

      String sig = JSON.readTree(v1).get("Signature").asText();
      String certUrl = JSON.readTree(v1).get("SigningCertURL").asText();
      record Case(String name, String type, String body, int status, String answer) {}
      List<Case> refusals =
          List.of(
              new Case(
                  "message changed",
                  "Notification",
                  with(v1, "Message", BOUNCE.replace("Permanent", "Transient")),
                  403,
                  "bad_signature"),
              new Case(
                  "signature changed",
                  "Notification",
                  with(v1, "Signature", (sig.charAt(0) == 'A' ? "B" : "A") + sig.substring(1)),
                  403,
                  "bad_signature"),
              new Case(
                  "v2 signature on a v1 claim",
                  "Notification",
                  with(v2, "SignatureVersion", "1"),
                  403,
                  "bad_signature"),
              new Case(
                  "SignatureVersion 3",
                  "Notification",
                  with(v1, "SignatureVersion", "3"),
                  403,
                  "unknown_signature_version"),
              new Case(
                  "certificate on an untrusted host",
                  "Notification",
                  with(v1, "SigningCertURL", certUrl.replace("127.0.0.1", "localhost")),
                  403,
                  "untrusted_cert_url"),
              new Case(
                  "certificate over plain http",
                  "Notification",
                  with(v1, "SigningCertURL", certUrl.replace("https:", "http:")),
                  403,
                  "untrusted_cert_url"),
              new Case("unlisted topic", "Notification", other, 403, "topic_not_listed"),
              new Case("header disagrees", "SubscriptionConfirmation", v1, 400, "malformed"),
              new Case("no header", null, v1, 400, "malformed"),
              new Case("not JSON", "Notification", "{\"Type\":", 400, "malformed"));
      for (Case c : refusals) {
        HttpResponse<String> r = post(c.type(), c.body());
        assertThat(r.statusCode()).as(c.name()).isEqualTo(c.status());
        assertThat(r.body()).as(c.name()).isEqualTo(c.answer() + "\n");
      }
      assertThat(recorder.calls()).isEmpty();
      assertThat(refused("bad_signature")).isEqualTo(3);
      assertThat(refused("unknown_signature_version")).isEqualTo(1);
      assertThat(refused("untrusted_cert_url")).isEqualTo(2);
      assertThat(refused("topic_not_listed")).isEqualTo(1);
      assertThat(refused("malformed")).isEqualTo(3);

      // The genuine ones, the second of each a replay: recorded once, both acknowledged.
      for (String genuine : List.of(v1, v2)) {
        HttpResponse<String> first = post("Notification", genuine);
        HttpResponse<String> replay = post("Notification", genuine);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("recorded\n");
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo("duplicate\n");
      }
      assertThat(recorder.events())
          .extracting(SesEvent::id)
          .containsExactlyInAnyOrder(
              JSON.readTree(v1).get("MessageId").asText(),
              JSON.readTree(v2).get("MessageId").asText());
      assertThat(count("duplicate")).isEqualTo(2);

      // Replayed after the window: refused before it reaches the recorder.
      clock.shift(Duration.ofHours(2).toMillis());
      HttpResponse<String> late = post("Notification", v1);
      assertThat(late.statusCode()).isEqualTo(403);
      assertThat(late.body()).isEqualTo("stale\n");
      assertThat(refused("stale")).isEqualTo(1);
      assertThat(recorder.calls()).hasSize(4);
    }
  }

  @Test
  void confirmation_subscribeUrlElsewhereOrChanged_refusedAndNotVisited() throws Exception {
    try (Capture capture = new Capture()) {
      sim.sns().subscribe(EVENTS, capture.url());
      String confirmation = capture.take(WAIT);
      String subscribeUrl = JSON.readTree(confirmation).get("SubscribeURL").asText();
      HttpResponse<String> elsewhere =
          post(
              "SubscriptionConfirmation",
              with(confirmation, "SubscribeURL", subscribeUrl.replace("127.0.0.1", "localhost")));
      assertThat(elsewhere.statusCode()).isEqualTo(403);
      assertThat(elsewhere.body()).isEqualTo("untrusted_cert_url\n");
      HttpResponse<String> changed =
          post(
              "SubscriptionConfirmation",
              with(confirmation, "SubscribeURL", subscribeUrl.replace("Token=", "Token=x")));
      assertThat(changed.statusCode()).isEqualTo(403);
      assertThat(changed.body()).isEqualTo("bad_signature\n");
      var pending =
          sim.sns().subscriptions().stream()
              .filter(i -> i.endpoint().equals(capture.url().toString()))
              .findFirst()
              .orElseThrow();
      assertThat(pending.state()).isEqualTo("pending");

      HttpResponse<String> genuine = post("SubscriptionConfirmation", confirmation);
      assertThat(genuine.statusCode()).isEqualTo(200);
      assertThat(genuine.body()).isEqualTo("confirmed\n");
      var confirmed =
          sim.sns().subscriptions().stream()
              .filter(i -> i.endpoint().equals(capture.url().toString()))
              .findFirst()
              .orElseThrow();
      assertThat(confirmed.state()).isEqualTo("confirmed");
    }
  }

  @Test
  void notification_recorderFails_503ThenRecordedOnRetry() throws Exception {
    try (Capture capture = new Capture()) {
      sim.sns().subscribeConfirmed(EVENTS, capture.url());
      String v1 = signed(capture, EVENTS, BOUNCE);
      recorder.failing(true);
      HttpResponse<String> failed = post("Notification", v1);
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(count("failed")).isEqualTo(1);
      recorder.failing(false);
      HttpResponse<String> retried = post("Notification", v1);
      assertThat(retried.statusCode()).isEqualTo(200);
      assertThat(recorder.events()).hasSize(1);
    }
  }

  @Test
  void post_bodyOverTheCap_413AndCounted() throws Exception {
    HttpResponse<String> r = post("Notification", "x".repeat(SnsIntake.MAX_BODY + 1));
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(refused("too_large")).isEqualTo(1);
    HttpResponse<String> get =
        http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
  }

  /** Seeded random mutations of a genuine message: never a 500, never more than a short word. */
  @Test
  void post_randomlyMutatedMessages_neverAServerErrorOrStackTrace() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    try (Capture capture = new Capture()) {
      sim.sns().subscribeConfirmed(EVENTS, capture.url());
      String genuine = signed(capture, EVENTS, BOUNCE);
      String alphabet = "{}[]\":,\\ 0aZ\u00e9-./";
      for (int i = 0; i < 300; i++) {
        StringBuilder s = new StringBuilder(genuine);
        int edits = 1 + random.nextInt(3);
        for (int k = 0; k < edits && s.length() > 0; k++) {
          int at = random.nextInt(s.length());
          switch (random.nextInt(3)) {
            case 0 -> s.deleteCharAt(at);
            case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
            default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
          }
        }
        HttpResponse<String> r = post("Notification", s.toString());
        assertThat(r.statusCode()).as("seed %d input %s", seed, s).isIn(200, 400, 403, 503);
        assertThat(r.body()).as("seed %d input %s", seed, s).matches("[a-z_]+\n");
        if (r.statusCode() == 503) {
          assertThat(r.body()).as("seed %d", seed).isEqualTo("cert_unavailable\n");
        }
      }
      assertThat(count("received")).isEqualTo(300);
    }
  }
}
