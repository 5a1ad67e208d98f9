package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.HttpGet;
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
 * Traffic classes and tenant caps end to end. Classes: a bulk backlog waits for a slow route,
 * transactional mail submitted behind it (by header, or by a sender-domain rule) reaches the
 * simulator while the backlog is still draining, and SES never sees the class header. Caps, on a
 * short window so the test runs in seconds: a tenant capped at N per window gets exactly N
 * delivered in the window it submits in and the rest in the next ones, nothing is refused or lost,
 * and a sender without caps is not held back; a tenant a message names in its X-Sluice-Tenant
 * header is capped the same way, and SES never sees that header.
 */
class RelayTrafficIT {
  private static final int BULK = 300;
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

  private void send(SmtpClient c, String from, String to, String subject, String extra) {
    SendResult r =
        c.send(
            from,
            List.of(to),
            (extra
                    + "From: "
                    + from
                    + "\r\nTo: "
                    + to
                    + "\r\nSubject: "
                    + subject
                    + "\r\n\r\nHello.\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(r).as(subject).isInstanceOf(SendResult.Accepted.class);
  }

  private List<ReceivedMessage> received(String subjectPrefix) {
    return sim.core()
        .inbox()
        .recent(10_000, m -> m.subject() != null && m.subject().startsWith(subjectPrefix));
  }

  @Test
  void transactionalBehindABulkBacklog_isDeliveredBeforeTheBacklogDrains() throws Exception {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off", "smtp-port=off", "inbox-size=5000", "max-send-rate=50"));
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                "http.port=off",
                "classes=transactional:30%,bulk:70%",
                "class-default=bulk",
                "class-rules=domain:alerts.example.com=transactional"),
            Map.of(),
            dir);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      for (int i = 0; i < BULK; i++) {
        send(c, "news@example.com", "success@simulator.amazonses.com", "bulk " + i, "");
      }
      for (int i = 0; i < 4; i++) {
        send(
            c,
            "app@example.com",
            "success@simulator.amazonses.com",
            "tx header " + i,
            "X-Sluice-Class: Transactional\r\n");
      }
      send(c, "ops@alerts.example.com", "success@simulator.amazonses.com", "tx rule", "");
    }

    Await.until(
        "the five transactional messages reach the simulator",
        Duration.ofSeconds(60),
        () -> received("tx ").size() == 5);
    int bulkThen = received("bulk ").size();
    assertThat(bulkThen)
        .as("transactional went before the bulk backlog drained (at 50/s)")
        .isLessThan(BULK);
    for (ReceivedMessage m : received("tx ")) {
      assertThat(new String(m.content(), StandardCharsets.US_ASCII))
          .as("SES never sees the class header")
          .doesNotContainIgnoringCase("X-Sluice-Class");
    }
    String metrics = HttpGet.body(relay.adminUri().resolve("/metrics"));
    assertThat(metrics)
        .contains("sluice_class_granted_recipients_total{class=\"transactional\"} 5.0")
        .contains("sluice_class_share{class=\"bulk\"} 0.7");
    String stats = HttpGet.body(relay.adminUri().resolve("/api/stats"));
    assertThat(stats)
        .as("the status shows each class")
        .contains("{\"name\":\"transactional\",\"share\":0.3,")
        .contains("\"grantedRecipients\":5}");
    Await.until(
        "the bulk backlog drains too",
        Duration.ofSeconds(60),
        () -> received("bulk ").size() == BULK);
  }

  /**
   * A simulator and a relay with {@code tenantLimits}, returning early in a window of {@code
   * windowMs}, so that the submissions that follow do not straddle its end.
   */
  private void startWithCaps(String tenantLimits, long windowMs) {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("https-port=off", "smtp-port=off", "inbox-size=5000"));
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "upstream=ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(),
                "http.port=off",
                "tenant-limits=" + tenantLimits),
            Map.of(),
            dir);
    Await.until(
        "the start of a window",
        Duration.ofSeconds(30),
        () -> System.currentTimeMillis() % windowMs < windowMs / 4);
  }

  @Test
  void tenantOverItsCap_getsExactlyTheCapPerWindow_andTheRestInTheNextWindows() throws Exception {
    startWithCaps("domain:capped.example.com=" + CAP + "/" + WINDOW_MS / 1000 + "s", WINDOW_MS);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      for (int i = 0; i < SENT; i++) {
        send(c, "news@capped.example.com", "success@simulator.amazonses.com", "capped " + i, "");
        send(c, "app@free.example.com", "success@simulator.amazonses.com", "free " + i, "");
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
    Await.until(
        "every outcome recorded and the spool empty",
        Duration.ofSeconds(30),
        () -> relay.spool().stats().total() == 0);
    String stats = HttpGet.body(relay.adminUri().resolve("/api/stats"));
    assertThat(stats)
        .as("the status shows the tenant against its cap")
        .contains("\"tenant\":\"domain:capped.example.com\",\"window\":\"8s\",\"cap\":4");
  }

  @Test
  void tenantNamedByHeader_getsItsCapPerWindow_andSesNeverSeesTheHeader() throws Exception {
    long window = 6_000;
    startWithCaps("tenant:acme=3/6s", window);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      for (int i = 0; i < 5; i++) {
        // The same sender for all: only the header tells the tenants apart.
        send(
            c,
            "app@shared.example.com",
            "success@simulator.amazonses.com",
            "acme " + i,
            "X-Sluice-Tenant: Acme\r\n");
        send(
            c,
            "app@shared.example.com",
            "success@simulator.amazonses.com",
            "other " + i,
            "X-Sluice-Tenant: other\r\n");
      }
      send(
          c,
          "app@shared.example.com",
          "success@simulator.amazonses.com",
          "unnamed 0",
          "X-Sluice-Tenant: not a name\r\n");
    }

    Await.until(
        "every message reaches the simulator",
        Duration.ofSeconds(60),
        () ->
            received("acme ").size() == 5
                && received("other ").size() == 5
                && received("unnamed ").size() == 1);
    TreeMap<Long, Integer> perWindow = new TreeMap<>();
    for (ReceivedMessage m : received("acme ")) {
      perWindow.merge(m.timestampMillis() / window, 1, Integer::sum);
    }
    assertThat(perWindow.values()).as("per window: %s", perWindow).containsExactly(3, 2);
    assertThat(perWindow.lastKey() - perWindow.firstKey()).isEqualTo(1);
    long first = perWindow.firstKey();
    assertThat(received("other "))
        .as("a tenant without caps is not held back")
        .allMatch(m -> m.timestampMillis() / window == first);
    for (ReceivedMessage m : sim.core().inbox().recent(100, x -> true)) {
      assertThat(new String(m.content(), StandardCharsets.ISO_8859_1))
          .as(m.subject())
          .doesNotContainIgnoringCase("X-Sluice-Tenant");
    }
    Await.until(
        "the spool empty", Duration.ofSeconds(30), () -> relay.spool().stats().total() == 0);
    assertThat(HttpGet.body(relay.adminUri().resolve("/api/stats")))
        .contains("\"tenant\":\"tenant:acme\",\"window\":\"6s\",\"cap\":3");
  }
}
