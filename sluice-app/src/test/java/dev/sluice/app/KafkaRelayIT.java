package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.config.ConfigException;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.kafka.EmbeddedKafka;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The relay in distributed mode against a real Kafka broker (KRaft, in this JVM): SMTP and HTTP in,
 * through Kafka topics, out to the simulator; failed messages handled with {@code sluice queue}
 * through the admin API; configuration mistakes refused clearly.
 */
class KafkaRelayIT {
  private static EmbeddedKafka kafka;
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @TempDir Path dir;
  private Simulator sim;
  private Relay relay;

  @BeforeAll
  static void broker() {
    kafka = new EmbeddedKafka().start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

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
    List<String> simFlags = new ArrayList<>(List.of("https-port=off", "smtp-port=off"));
    simFlags.addAll(simulator);
    sim = Simulator.start(SimulatorConfig.onFreePorts(simFlags.toArray(String[]::new)));
    String prefix = "it" + TOPICS.incrementAndGet();
    List<String> flags =
        new ArrayList<>(
            List.of(
                "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                "spool.backend=kafka",
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.topic-prefix=" + prefix,
                "kafka.group-id=" + prefix,
                "kafka.partitions=4",
                "kafka.replication-factor=1",
                "kafka.min-insync-replicas=1",
                "kafka.retry-tiers=1s,5s",
                "retry.delays=1s"));
    flags.addAll(List.of(relaySettings));
    relay =
        Relay.start(
            RelayConfig.onFreePorts(dir.resolve("unused-spool"), flags.toArray(String[]::new)),
            Map.of(),
            dir);
  }

  private void sendSmtp(String from, String to, String subject) throws Exception {
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      SendResult r =
          c.send(
              from,
              List.of(to),
              ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nHi.\r\n")
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
      Thread.sleep(50);
    }
  }

  private record Run(int status, String out, String err) {}

  private static Run queue(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new QueueCommand(Map.of()));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void smtpAndHttp_throughKafka_reachTheSimulator() throws Exception {
    start(List.of("max-send-rate=unlimited"));
    for (int i = 0; i < 20; i++) {
      sendSmtp("app@example.com", "success@simulator.amazonses.com", "smtp " + i);
    }
    HttpResponse<String> posted =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + relay.httpPort() + "/v1/messages"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"from\":\"app@example.com\",\"to\":[\"success@simulator.amazonses.com\"],"
                                + "\"subject\":\"http 1\",\"text\":\"Hello\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
    await(() -> received().size() == 21, "21 messages at the simulator");
    assertThat(received().stream().map(ReceivedMessage::subject).distinct().count()).isEqualTo(21);
    assertThat(relay.spool().buckets()).isEqualTo(4);
  }

  @Test
  void failedMessage_isListedShownRetriedAndDeleted_withSluiceQueueThroughTheAdminApi()
      throws Exception {
    start(
        List.of("sandbox=true", "max-send-rate=unlimited", "verified-identities=app@example.com"));
    sendSmtp("app@example.com", "stranger@example.net", "to a stranger");
    await(
        () -> relay.spool().stats().count(SpoolState.FAILED) == 1,
        "the refused message in the failed topic");
    String admin = relay.adminUri().toString();

    Run list = queue("list", "--admin", admin, "--state", "failed");
    assertThat(list.status()).as(list.err()).isZero();
    assertThat(list.out().lines()).hasSize(1);
    String id = list.out().lines().findFirst().orElseThrow().split(" ")[0];
    Run show = queue("show", "--admin", admin, id);
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out()).contains("stranger@example.net").contains("Subject: to a stranger");

    Run retry = queue("retry", "--admin", admin, id);
    assertThat(retry.status()).as(retry.err()).isZero();
    // Tried again (the sandbox refuses it again): back in the failed topic after a second attempt.
    await(
        () ->
            relay
                .spool()
                .find(new dev.sluice.core.spool.QueueId(id))
                .filter(e -> e.state() == SpoolState.FAILED && e.attempts() == 2)
                .isPresent(),
        "the retried message to fail a second time");

    Run delete = queue("delete", "--admin", admin, id);
    assertThat(delete.status()).as(delete.err()).isZero();
    await(
        () -> relay.spool().stats().count(SpoolState.FAILED) == 0, "the failed topic to forget it");
    assertThat(queue("list", "--admin", admin, "--state", "failed").out()).isEmpty();
  }

  @Test
  void aClusterThatGoesAway_getsMailRefusedWith451_notAcceptedAndLost() throws Exception {
    Path props = dir.resolve("client.properties");
    java.nio.file.Files.writeString(
        props,
        "delivery.timeout.ms=4000\nrequest.timeout.ms=1500\nmax.block.ms=3000\n"
            + "default.api.timeout.ms=3000\n");
    EmbeddedKafka own = new EmbeddedKafka().start();
    try {
      sim = Simulator.start(SimulatorConfig.onFreePorts("https-port=off", "smtp-port=off"));
      relay =
          Relay.start(
              RelayConfig.onFreePorts(
                  dir.resolve("unused-spool"),
                  "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                  "spool.backend=kafka",
                  "kafka.bootstrap-servers=" + own.bootstrapServers(),
                  "kafka.partitions=2",
                  "kafka.replication-factor=1",
                  "kafka.min-insync-replicas=1",
                  "kafka.client-properties=" + props),
              Map.of(),
              dir);
      sendSmtp("app@example.com", "success@simulator.amazonses.com", "before");
    } finally {
      own.close();
    }
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      SendResult r =
          c.send(
              "app@example.com",
              List.of("success@simulator.amazonses.com"),
              "From: app@example.com\r\nSubject: after\r\n\r\nHi.\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      assertThat(r)
          .isInstanceOfSatisfying(
              SendResult.Refused.class, f -> assertThat(f.reply().code()).isEqualTo(451));
    }
  }

  @Test
  void secondNodeOnTheSameDirectory_startsWithoutAFeedbackStoreAndDelivers() throws Exception {
    start(List.of("max-send-rate=unlimited"));
    assertThat(relay.feedback()).isPresent();
    Relay first = relay;
    // A second node in this JVM, with the same (unused) spool directory and so the same default
    // feedback directory, which the first holds.
    String prefix = "it" + TOPICS.get();
    try (Relay second =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("unused-spool"),
                "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                "spool.backend=kafka",
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.topic-prefix=" + prefix,
                "kafka.group-id=" + prefix,
                "kafka.partitions=4",
                "kafka.replication-factor=1",
                "kafka.min-insync-replicas=1",
                "kafka.retry-tiers=1s,5s",
                "retry.delays=1s",
                "admin.port=off"),
            Map.of(),
            dir)) {
      assertThat(second.feedback()).isEmpty();
      relay = second;
      sendSmtp("app@example.com", "success@simulator.amazonses.com", "via the second node");
      await(() -> received().size() == 1, "the message sent through the second node");
    } finally {
      relay = first;
    }
  }

  @Test
  void holdInDistributedMode_isRefusedAtStart() {
    assertThatThrownBy(() -> start(List.of(), "hold=true"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.hold")
        .hasMessageContaining("kafka");
  }

  @Test
  void distributedModeWithoutBrokers_isAConfigurationError() {
    assertThatThrownBy(() -> RelayConfig.onFreePorts(dir, "spool.backend=kafka"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.kafka.bootstrap-servers is required");
    assertThatThrownBy(
            () ->
                RelayConfig.onFreePorts(
                    dir,
                    "spool.backend=kafka",
                    "kafka.bootstrap-servers=127.0.0.1:1",
                    "kafka.replication-factor=1",
                    "kafka.min-insync-replicas=2"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("relay.kafka.min-insync-replicas (2) cannot be more than");
  }

  @Test
  void anUnreachableCluster_stopsStartUpWithinTheOpenTimeout_sayingWhere() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    RelayConfig c =
        RelayConfig.onFreePorts(
            dir,
            "upstream=simulator",
            "spool.backend=kafka",
            "kafka.bootstrap-servers=127.0.0.1:" + closed,
            "kafka.open-timeout=2s");
    assertThatThrownBy(() -> Relay.start(c, Map.of(), dir))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("127.0.0.1:" + closed);
  }
}
