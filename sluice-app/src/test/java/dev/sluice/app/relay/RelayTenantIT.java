package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's cap end to end, on a short window so the test runs in seconds: a tenant capped at N
 * per window gets exactly N delivered in the window it submits in and the rest in the next ones,
 * nothing is refused or lost, and a tenant without caps is not held back.
 */
class RelayTenantIT {
  private static final int CAP = 4;
  private static final long WINDOW_MS = 8_000;
  private static final int SENT = 10;
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

  @Test
  void tenantOverItsCap_getsExactlyTheCapPerWindow_andTheRestInTheNextWindows() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("https-port=off", "smtp-port=off", "inbox-size=1000"));
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                "http.port=off",
                "tenant-limits=domain:capped.example.com=" + CAP + "/" + WINDOW_MS / 1000 + "s"),
            Map.of(),
            dir);
    // Start early in a window, so that the submissions do not straddle its end.
    Await.until(
        "the start of a window",
        Duration.ofSeconds(30),
        () -> System.currentTimeMillis() % WINDOW_MS < WINDOW_MS / 4);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      for (int i = 0; i < SENT; i++) {
        send(c, "news@capped.example.com", "capped " + i);
        send(c, "app@free.example.com", "free " + i);
      }
    }

    Await.until(
        "every message reaches the simulator",
        Duration.ofSeconds(60),
        () -> received("capped ").size() == SENT && received("free ").size() == SENT);
    TreeMap<Long, Integer> perWindow = new TreeMap<>();
    for (ReceivedMessage m : received("capped ")) {
      perWindow.merge(m.timestampMillis() / WINDOW_MS, 1, Integer::sum);
    }
    // 10 at a cap of 4: 4 in the window they were sent in, 4 in the next, 2 in the one after.
    assertThat(perWindow.values()).as("per window: %s", perWindow).containsExactly(4, 4, 2);
    assertThat(perWindow.lastKey() - perWindow.firstKey()).isEqualTo(2);
    assertThat(relay.spool().stats().total()).isZero();
    String stats =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(relay.adminUri().resolve("/api/stats"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(stats)
        .as("the status shows the tenant against its cap")
        .contains("\"tenant\":\"domain:capped.example.com\",\"window\":\"8s\",\"cap\":4");
  }

  private void send(SmtpClient c, String from, String subject) {
    String to = "success@simulator.amazonses.com";
    SendResult r =
        c.send(
            from,
            List.of(to),
            ("From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nHi.\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(r).as(subject).isInstanceOf(SendResult.Accepted.class);
  }

  private List<ReceivedMessage> received(String prefix) {
    return sim.core()
        .inbox()
        .recent(1000, m -> m.subject() != null && m.subject().startsWith(prefix));
  }
}
