package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.testkit.HttpGet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SMTP in, SES out: the relay in front of a real simulator, over real sockets. */
class RelayDeliveryIT {
  @TempDir Path dir;
  private Simulator sim;
  private Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private void start(List<String> simulator, String... relaySettings) {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                concat(List.of("https-port=off", "smtp-port=off", "inbox-size=5000"), simulator)));
    String upstream = "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort();
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                concat(
                    List.of(upstream, "http.port=off", "events.log=" + dir.resolve("events.jsonl")),
                    List.of(relaySettings))),
            Map.of(),
            dir);
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }

  private void send(String from, String to, String subject) throws Exception {
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      SendResult r =
          c.send(
              from,
              List.of(to),
              ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nHello.\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(r).as(subject).isInstanceOf(SendResult.Accepted.class);
    }
  }

  private List<ReceivedMessage> received() {
    return sim.core().inbox().recent(10_000, m -> true);
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void everySimulatorAddress_isDeliveredAndTraced() throws Exception {
    start(List.of("max-send-rate=unlimited"));
    List<String> addresses = List.of("success", "bounce", "ooto", "complaint", "suppressionlist");
    for (String a : addresses) {
      send("app@example.com", a + "+t@simulator.amazonses.com", "to " + a);
    }
    await(() -> relay.spool().stats().total() == 0, "the spool to empty");
    assertThat(received())
        .extracting(ReceivedMessage::subject)
        .containsExactlyInAnyOrderElementsOf(addresses.stream().map(a -> "to " + a).toList());
    List<String> events = Files.readAllLines(dir.resolve("events.jsonl"));
    // The log is flushed at least every second; wait for all five lines.
    await(
        () -> {
          try {
            return Files.readAllLines(dir.resolve("events.jsonl")).size() >= 5;
          } catch (java.io.IOException e) {
            return false;
          }
        },
        "five delivery events");
    events = Files.readAllLines(dir.resolve("events.jsonl"));
    String metrics =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(relay.adminUri().resolve("/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .as("the admin API's /metrics counts the relay's work")
        .contains("sluice_relay_accepted_total 5.0")
        .contains("sluice_relay_delivered_total 5.0")
        .as("and the JVM's and the process's own meters")
        .contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("jvm_threads_live_threads ")
        .contains("jvm_classes_loaded_classes ")
        .contains("jvm_gc_memory_allocated_bytes_total ")
        .contains("process_cpu_usage ")
        .contains("process_uptime_seconds ")
        .contains("process_files_open_files ");
    for (ReceivedMessage m : received()) {
      assertThat(events)
          .as("the SES message id %s is in the delivery log", m.messageId())
          .anyMatch(l -> l.contains("\"delivered\"") && l.contains(m.messageId()));
    }
  }

  private com.fasterxml.jackson.databind.JsonNode adminStats() throws Exception {
    return HttpGet.json(relay.adminUri().resolve("/api/stats"));
  }

  @Test
  void stats_rightAfterSending_countTheSendsInTheQuotaBeforeTheAccountIsReadAgain()
      throws Exception {
    start(List.of("max-send-rate=unlimited", "max-24h-send=1000"));
    await(
        () -> relay.sender() != null && relay.sender().quota().isPresent(),
        "the account's limits to be read");
    for (int i = 0; i < 3; i++) {
      send("app@example.com", "someone" + i + "@example.net", "counted " + i);
    }
    // A mailbox-simulator recipient does not count toward the 24-hour quota, in SES or here.
    send("app@example.com", "success@simulator.amazonses.com", "not counted");
    await(() -> relay.spool().stats().total() == 0, "the spool to empty");

    com.fasterxml.jackson.databind.JsonNode quota = adminStats().path("delivery").path("quota");
    assertThat(quota.path("used").asLong()).as(quota.toString()).isEqualTo(3);
    assertThat(quota.path("remaining").asLong()).as(quota.toString()).isEqualTo(997);
    assertThat(quota.path("sentLast24Hours").asLong() + quota.path("sentSinceRead").asLong())
        .as("as read, plus sent since the read: %s", quota)
        .isEqualTo(3);
    assertThat(java.time.Instant.parse(quota.path("readAt").asText()))
        .isBeforeOrEqualTo(java.time.Instant.now());
    assertThat(quota.path("readAgeSeconds").asLong()).isBetween(0L, 120L);
  }

  /**
   * What the README says a user sees for {@code bounce@simulator.amazonses.com}: the relay reports
   * it delivered (SES accepted the call) and nothing more; the bounce shows only upstream, here in
   * the embedded simulator's GetSendStatistics.
   */
  @Test
  void bounceAddress_isDeliveredForTheRelay_andABounceOnlyInTheUpstreamsStatistics()
      throws Exception {
    relay =
        Relay.start(
            RelayConfig.onFreePorts(dir.resolve("spool"), "upstream=simulator", "http.port=off"),
            Map.of(),
            dir);
    send("app@example.com", "bounce@simulator.amazonses.com", "will bounce");
    await(() -> relay.spool().stats().total() == 0, "the spool to empty");

    com.fasterxml.jackson.databind.JsonNode stats = adminStats();
    assertThat(stats.path("totals").path("delivered").asLong()).isEqualTo(1);
    assertThat(stats.path("totals").path("failed").asLong()).isZero();
    assertThat(stats.path("recentFailures")).isEmpty();
    java.util.regex.Matcher url =
        java.util.regex.Pattern.compile("http://127\\.0\\.0\\.1:\\d+")
            .matcher(relay.deliveryDescription());
    assertThat(url.find()).as(relay.deliveryDescription()).isTrue();
    assertThat(relay.deliveryDescription())
        .as("the relay says where the embedded simulator's inbox page is")
        .contains("its inbox: " + url.group() + "/_sluice/inbox");
    java.net.http.HttpResponse<String> page =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(url.group() + "/_sluice/inbox"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Sluice simulator inbox</title>");
    try (software.amazon.awssdk.services.ses.SesClient ses =
        software.amazon.awssdk.services.ses.SesClient.builder()
            .endpointOverride(java.net.URI.create(url.group()))
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        "AKIDTEST", "secret")))
            .build()) {
      long bounces =
          ses.getSendStatistics().sendDataPoints().stream()
              .mapToLong(p -> p.bounces() == null ? 0 : p.bounces())
              .sum();
      assertThat(bounces).isEqualTo(1);
    }
  }

  /** Either HTTP client under the SES calls (relay.http-client) takes every fault the same way. */
  @ParameterizedTest
  @ValueSource(strings = {"apache5", "crt"})
  void injected5xxResetsAndHangs_areRetriedUntilEverythingIsDelivered(String httpClient)
      throws Exception {
    start(
        List.of(
            "max-send-rate=unlimited",
            "fault-rate=0.3",
            "reset-rate=0.1",
            "hang-rate=0.1",
            "hang-limit=1s",
            "seed=7"),
        "retry.delays=50ms",
        "http-client=" + httpClient);
    assertThat(relay.config().delivery().httpClient().name()).isEqualToIgnoringCase(httpClient);
    int n = 40;
    for (int i = 0; i < n; i++) {
      send("app@example.com", "success@simulator.amazonses.com", "fault " + i);
    }
    await(() -> relay.spool().stats().total() == 0, "the spool to empty");
    assertThat(received().stream().map(ReceivedMessage::subject).distinct().count()).isEqualTo(n);
  }

  @Test
  void throttling_isAbsorbed() throws Exception {
    start(List.of("max-send-rate=20/s"));
    int n = 40;
    for (int i = 0; i < n; i++) {
      send("app@example.com", "success@simulator.amazonses.com", "rate " + i);
    }
    await(() -> relay.spool().stats().total() == 0, "the spool to empty");
    assertThat(received()).hasSize(n);
  }

  @Test
  void permanentRefusal_failsKeepsTheMessageAndBouncesToTheSender() throws Exception {
    start(
        List.of(
            "sandbox=true",
            "max-send-rate=unlimited",
            "verified-identities=app@example.com,relay.test"),
        "bounces=true");
    send("app@example.com", "stranger@example.net", "to a stranger");
    await(
        () -> relay.spool().stats().count(SpoolState.FAILED) == 1 && !received().isEmpty(),
        "the failure and its bounce");
    var failed = relay.spool().list(SpoolFilter.states(SpoolState.FAILED), null, 10);
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).lastError()).isNotEmpty();
    ReceivedMessage bounce = received().get(0);
    assertThat(bounce.recipients()).containsExactly("app@example.com");
    assertThat(bounce.subject()).isEqualTo("Undelivered Mail Returned to Sender");
  }
}
