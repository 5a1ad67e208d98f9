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
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two routes on two simulators (MaxSendRate 100/s and 300/s), each the other's fail-over: mail is
 * split by sender domain, neither account is ever throttled, and when one account is paused in the
 * middle its mail moves to the other; every message arrives exactly once.
 */
class RouteFailOverIT {
  private static final int SLOW = 300;
  private static final int FAST = 900;

  @TempDir Path dir;
  private Simulator slow;
  private Simulator fast;
  private Relay relay;

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {relay, slow, fast}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static Simulator simulator(String rate) {
    return Simulator.start(
        SimulatorConfig.onFreePorts(
            "https-port=off", "smtp-port=off", "inbox-size=5000", "max-send-rate=" + rate));
  }

  private static String url(Simulator s) {
    return "ses-v2+http://127.0.0.1:" + s.httpEndpoint().getPort();
  }

  @Test
  void delivery_accountPausedMidRun_itsMailMovesToTheFailOverNoneLostOrTwice() throws Exception {
    slow = simulator("100/s");
    fast = simulator("300/s");
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "upstream=" + url(fast),
                "http.port=off",
                "route.slow.upstream=" + url(slow),
                "route.slow.fail-over=default",
                "route.default.fail-over=slow",
                "route-rule.10=sender-domain slow.example -> slow"),
            Map.of(),
            dir);
    assertThat(relay.routes()).containsOnlyKeys("default", "slow");
    // Submitted while delivery runs, so the pause falls in the middle of the slow route's mail.
    java.util.concurrent.CompletableFuture<Void> submitted =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try (SmtpClient c =
                  SmtpClient.connect(
                      SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                          .startTls(SmtpClientConfig.StartTls.NEVER, null)
                          .build())) {
                // Picked by the header, which SES must never see.
                send(c, "app@fast.example", "h-0", "X-Sluice-Route: slow\r\n");
                for (int i = 0; i < SLOW + FAST; i++) {
                  // One in four from the slow route's domain: its share of the 400/s.
                  boolean toSlow = i % 4 == 0;
                  send(c, toSlow ? "app@slow.example" : "app@fast.example", "m-" + i, "");
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            r -> Thread.ofVirtual().start(r));
    Await.until(
        "the slow route to deliver 60 messages",
        Duration.ofSeconds(60),
        () -> slow.core().inbox().total() >= 60);
    slow.core().sendingEnabled(false);
    submitted.get(120, java.util.concurrent.TimeUnit.SECONDS);
    long slowAtPause = slow.core().inbox().total();
    Await.until(
        "the spool to empty",
        Duration.ofSeconds(120),
        () -> relay.spool().stats().total() == 0,
        () -> "spool " + relay.spool().stats() + ", slow " + slow.core().inbox().total());

    Map<String, Integer> seen = new HashMap<>();
    List<ReceivedMessage> onSlow = slow.core().inbox().recent(10_000, m -> true);
    List<ReceivedMessage> onFast = fast.core().inbox().recent(10_000, m -> true);
    onSlow.forEach(m -> seen.merge(m.subject(), 1, Integer::sum));
    onFast.forEach(m -> seen.merge(m.subject(), 1, Integer::sum));
    assertThat(seen).hasSize(SLOW + FAST + 1);
    assertThat(seen.entrySet().stream().filter(e -> e.getValue() != 1).toList())
        .as("messages received more than once")
        .isEmpty();
    assertThat(onSlow).hasSize((int) slowAtPause);
    assertThat(onSlow)
        .extracting(ReceivedMessage::from)
        .containsOnly("app@slow.example", "app@fast.example");
    assertThat(onFast.stream().filter(m -> m.from().equals("app@slow.example")).count())
        .as("the slow route's mail sent by its fail-over after the pause")
        .isEqualTo(SLOW - onSlow.stream().filter(m -> m.from().equals("app@slow.example")).count());
    assertThat(onFast.stream().filter(m -> m.from().equals("app@slow.example")))
        .as("the slow route's mail moved")
        .isNotEmpty();
    ReceivedMessage byHeader =
        onSlow.stream().filter(m -> m.subject().equals("h-0")).findFirst().orElseThrow();
    assertThat(new String(byHeader.content(), StandardCharsets.ISO_8859_1))
        .doesNotContainIgnoringCase("X-Sluice-Route");
    com.fasterxml.jackson.databind.JsonNode routes = adminStats().path("delivery").path("routes");
    assertThat(routes.get(1).path("name").asText()).isEqualTo("slow");
    assertThat(routes.get(1).path("health").asText())
        .as(routes.toString())
        .contains("ACCOUNT_PAUSED");
    assertThat(routes.get(1).path("sendsVia").asText()).as(routes.toString()).isEqualTo("default");
    assertThat(routes.get(0).path("sendsVia").asText()).as(routes.toString()).isEqualTo("default");
    assertThat(throttles(slow)).as("throttles at the 100/s account").isZero();
    assertThat(throttles(fast)).as("throttles at the 300/s account").isZero();
    assertThat(
            relay.registry().find("sluice.route.failovers").tag("route", "slow").counters().stream()
                .mapToDouble(Counter::count)
                .sum())
        .isPositive();
  }

  private com.fasterxml.jackson.databind.JsonNode adminStats() throws Exception {
    return HttpGet.json(relay.adminUri().resolve("/api/stats"));
  }

  private static double throttles(Simulator s) {
    return s.registry().find("simulator.sends").tag("outcome", "rate_exceeded").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private static void send(SmtpClient c, String from, String subject, String headers)
      throws Exception {
    SendResult r =
        c.send(
            from,
            List.of("to@example.net"),
            (headers
                    + "From: "
                    + from
                    + "\r\nTo: to@example.net\r\nSubject: "
                    + subject
                    + "\r\n\r\nHello.\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(r).as(subject).isInstanceOf(SendResult.Accepted.class);
  }
}
