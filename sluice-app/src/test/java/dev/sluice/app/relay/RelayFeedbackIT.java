package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spool.QueueId;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's feedback store wired in: the history of a message delivered to a real simulator, an
 * SES event recorded against it, and the suppression it causes refused at the SMTP door, across a
 * restart.
 */
class RelayFeedbackIT {
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

  private void startRelay() {
    String upstream = "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort();
    relay =
        Relay.start(
            RelayConfig.onFreePorts(dir.resolve("spool"), upstream, "http.port=off"),
            Map.of(),
            dir);
  }

  private SendResult send(String to) throws Exception {
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

  @Test
  void deliveredThenBounced_historyKeptSuppressedRefusedAtRcptAcrossRestart() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off", "smtp-port=off", "max-send-rate=unlimited"));
    startRelay();
    assertThat(Files.isDirectory(dir.resolve("spool").resolve("feedback"))).isTrue();
    String to = "someone@example.com";
    SendResult r = send(to);
    assertThat(r).isInstanceOf(SendResult.Accepted.class);
    String text = ((SendResult.Accepted) r).reply().text();
    QueueId id = new QueueId(text.substring(text.lastIndexOf(' ') + 1));
    await(
        () ->
            relay.feedback().orElseThrow().history(id.value()).stream()
                .anyMatch(h -> h.kind() == HistoryEntry.Kind.DELIVERED),
        "the delivered line");
    List<ReceivedMessage> got = sim.core().inbox().recent(10, m -> true);
    assertThat(got).hasSize(1);
    String sesId = got.getFirst().messageId();
    assertThat(relay.feedback().orElseThrow().queueIdOf(sesId)).contains(id.value());

    // What the events intake hands over for SES's bounce of that message.
    SesEvent bounce =
        new SesEvent(
            "sns-1",
            SesEvent.Type.BOUNCE,
            sesId,
            Instant.now(),
            List.of(new SesEvent.Recipient(to, "5.1.1", "smtp; 550 5.1.1 user unknown")),
            "Permanent",
            "General",
            "fb-1",
            "",
            "",
            Map.of(),
            "{}");
    assertThat(relay.feedback().orElseThrow().record(bounce)).isTrue();
    assertThat(relay.feedback().orElseThrow().record(bounce)).as("a duplicate").isFalse();

    SendResult again = send("Someone@example.com");
    assertThat(again).isInstanceOf(SendResult.Refused.class);
    var refusal = ((SendResult.Refused) again).refused().getFirst().reply();
    assertThat(refusal.code()).isEqualTo(550);
    assertThat(refusal.enhanced()).isEqualTo("5.1.1");
    assertThat(refusal.text())
        .startsWith("<Someone@example.com>: on the relay's suppression list since ")
        .endsWith(" (hard bounce); not sent");

    relay.close();
    relay = null;
    startRelay();
    assertThat(
            relay.feedback().orElseThrow().history(id.value()).stream()
                .map(HistoryEntry::kind)
                .distinct()
                .toList())
        .containsExactly(
            HistoryEntry.Kind.ACCEPTED, HistoryEntry.Kind.DELIVERED, HistoryEntry.Kind.EVENT);
    assertThat(relay.feedback().orElseThrow().find(to)).isPresent();
    assertThat(send(to)).isInstanceOf(SendResult.Refused.class);
    assertThat(sim.core().inbox().recent(10, m -> true)).hasSize(1);
  }

  @Test
  void delivered_sendsCountForTheMessagesSetElseTheDefault() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off",
                "smtp-port=off",
                "max-send-rate=unlimited",
                "configuration-sets=marketing, alerts"));
    String upstream = "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort();
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"), upstream, "http.port=off", "configuration-set=alerts"),
            Map.of(),
            dir);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      for (String header : List.of("X-SES-CONFIGURATION-SET: marketing\r\n", "")) {
        assertThat(
                c.send(
                    "app@example.com",
                    List.of("a@example.com", "b@example.com"),
                    (header + "From: app@example.com\r\nSubject: s\r\n\r\nHello.\r\n")
                        .getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(SendResult.Accepted.class);
      }
    }
    var store = relay.feedback().orElseThrow();
    await(() -> store.reputation("", Duration.ofDays(1)).sends() == 4, "four sends counted");
    assertThat(store.reputation("marketing", Duration.ofDays(1)).sends()).isEqualTo(2);
    assertThat(store.reputation("alerts", Duration.ofDays(1)).sends()).isEqualTo(2);
    assertThat(store.configurationSets()).containsExactlyInAnyOrder("alerts", "marketing");
    // The relay's reputation watch ran at start: its gauges are on the relay's registry.
    assertThat(relay.registry().scrape())
        .contains("sluice_reputation_sends{configuration_set=\"\",window=\"24h\"}");
  }
}
