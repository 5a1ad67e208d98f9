package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.kafka.EmbeddedKafka;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed mode's shared feedback against a real Kafka broker (KRaft, in this JVM) and the
 * simulator's signed SNS: two relay nodes, only node A subscribed to SES's feedback. A bounce A
 * takes is in node B's history of the message and on B's suppression list; an address suppressed at
 * B is refused at A's door, and taken off at A when B takes it off.
 */
class KafkaSharedFeedbackIT {
  private static final String TOPIC =
      "arn:aws:sns:us-east-1:123456789012:" + dev.sluice.simulator.SimulatorCore.FEEDBACK_TOPIC;

  @TempDir Path dir;
  private EmbeddedKafka kafka;
  private Simulator sim;
  private final List<Relay> relays = new ArrayList<>();

  @AfterEach
  void stop() {
    relays.forEach(Relay::close);
    if (sim != null) {
      sim.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private Relay node(String name, String... extra) {
    List<String> flags =
        new ArrayList<>(
            List.of(
                "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                "spool.backend=kafka",
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.topic-prefix=shared",
                "kafka.group-id=shared",
                "kafka.partitions=2",
                "kafka.replication-factor=1",
                "kafka.min-insync-replicas=1",
                "http.port=off",
                "feedback.dir=" + dir.resolve(name + "-feedback")));
    flags.addAll(List.of(extra));
    Relay r =
        Relay.start(
            RelayConfig.onFreePorts(dir.resolve(name + "-spool"), flags.toArray(String[]::new)),
            Map.of(),
            dir);
    relays.add(r);
    return r;
  }

  @Test
  void twoNodes_eventTakenAtA_inBsHistoryAndList_suppressionAtB_refusedAtAsDoor() throws Exception {
    kafka = new EmbeddedKafka().start();
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "smtp-port=off",
                "max-send-rate=unlimited",
                "notification-delay=0ms",
                "export-cert=" + dir.resolve("simulator.pem")));
    Relay a =
        node(
            "a",
            "sns.listen=127.0.0.1:0",
            "sns.topic=" + TOPIC,
            "sns.trust-cert-url=https://127.0.0.1:" + sim.httpsEndpoint().getPort(),
            "sns.trust-ca=" + dir.resolve("simulator.pem"));
    Relay b = node("b");
    URI endpoint = URI.create("http://127.0.0.1:" + a.snsPort() + "/sns");
    sim.sns().subscribe(TOPIC, endpoint);
    await(
        () ->
            sim.sns().subscriptions().stream()
                .anyMatch(
                    s -> s.endpoint().equals(endpoint.toString()) && s.state().equals("confirmed")),
        "node A's subscription confirmed");
    FeedbackStore atA = a.feedback().orElseThrow();
    FeedbackStore atB = b.feedback().orElseThrow();

    // Through B's door; whichever node owns its bucket delivers it; only A hears of the bounce.
    String bounced = "bounce@simulator.amazonses.com";
    SendResult sent = send(b, bounced);
    assertThat(sent).isInstanceOf(SendResult.Accepted.class);
    String text = ((SendResult.Accepted) sent).reply().text();
    String id = text.substring(text.lastIndexOf(' ') + 1);

    for (FeedbackStore store : List.of(atA, atB)) {
      // The door's and delivery's lines are shared as they are written, the event as it is taken.
      await(
          () -> {
            List<HistoryEntry> h = store.history(id);
            return h.stream().anyMatch(e -> e.kind() == HistoryEntry.Kind.ACCEPTED)
                && h.stream().anyMatch(e -> e.kind() == HistoryEntry.Kind.DELIVERED)
                && h.stream().anyMatch(KafkaSharedFeedbackIT::isHardBounce);
          },
          "the whole history of " + id + " at " + (store == atA ? "A" : "B"));
      assertThat(store.history(id).stream().filter(KafkaSharedFeedbackIT::isHardBounce)).hasSize(1);
      assertThat(store.find(bounced)).isPresent();
    }
    assertThat(send(b, bounced)).as("refused at B's door").isInstanceOf(SendResult.Refused.class);
    // Both nodes count the send and the bounce: the rates are the cluster's.
    assertThat(atB.reputation("", Duration.ofDays(1)).sends()).isEqualTo(1);
    assertThat(atB.reputation("", Duration.ofDays(1)).hardBounces()).isEqualTo(1);

    String blocked = "blocked@example.com";
    assertThat(
            atB.suppress(
                new Suppression(blocked, Suppression.Reason.MANUAL, Instant.now(), "", "admin")))
        .isTrue();
    await(() -> atA.find(blocked).isPresent(), blocked + " on A's list");
    SendResult refused = send(a, blocked);
    assertThat(refused).isInstanceOf(SendResult.Refused.class);
    var reply = ((SendResult.Refused) refused).refused().getFirst().reply();
    assertThat(reply.code()).isEqualTo(550);
    assertThat(reply.text()).contains("on the relay's suppression list");

    assertThat(atB.unsuppress(blocked)).isTrue();
    await(() -> atA.find(blocked).isEmpty(), blocked + " off A's list");
    assertThat(send(a, blocked)).isInstanceOf(SendResult.Accepted.class);
  }

  private static boolean isHardBounce(HistoryEntry e) {
    return e.kind() == HistoryEntry.Kind.EVENT && e.detail().startsWith("BOUNCE Permanent");
  }

  private static SendResult send(Relay relay, String to) throws Exception {
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      return c.send(
          "app@example.com",
          List.of(to),
          ("From: app@example.com\r\nTo: " + to + "\r\nSubject: s\r\n\r\nHello.\r\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
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
}
