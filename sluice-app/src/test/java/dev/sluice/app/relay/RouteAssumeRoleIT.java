package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route signing as an assumed role: the relay asks the simulator's STS (which checks the caller's
 * signature against the only credentials it knows, the relay's placeholder ones) for the role, and
 * the route's mail reaches SES signed with the temporary key and its session token, while the
 * default route's is signed with the caller's own key; a role STS refuses stops the start naming
 * the route, the role and STS's answer.
 */
class RouteAssumeRoleIT {
  private static final String ROLE = "arn:aws:iam::123456789012:role/sender";

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

  private void simulator() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off",
                "smtp-port=off",
                "max-send-rate=unlimited",
                // The relay's placeholder credentials for endpoints without AWS configuration.
                "strict-auth=SLUICELOCAL:not-a-secret",
                "sts-roles=" + ROLE + "=x-42"));
  }

  private RelayConfig config(String role) {
    String url = "ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort();
    return RelayConfig.onFreePorts(
        dir.resolve("spool"),
        "upstream=" + url,
        "http.port=off",
        "route.eu.upstream=" + url,
        "route.eu.assume-role=" + role,
        "route.eu.assume-role-external-id=x-42",
        "route-rule.10=sender-domain eu.example -> eu");
  }

  @Test
  void delivery_routeWithAssumedRole_signsWithTheTemporaryKeyTheSimulatorRecords()
      throws Exception {
    simulator();
    relay = Relay.start(config(ROLE), Map.of(), dir);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      send(c, "app@eu.example", "by-role");
      send(c, "app@us.example", "by-key");
    }
    Await.until(
        "both messages at the simulator",
        Duration.ofSeconds(30),
        () -> sim.core().inbox().total() == 2,
        () -> "spool " + relay.spool().stats());
    JsonNode messages =
        HttpGet.json(sim.httpEndpoint().resolve("/_sluice/messages?limit=10")).path("messages");
    Map<String, String> keyBySubject = new java.util.HashMap<>();
    messages.forEach(
        m -> keyBySubject.put(m.path("subject").asText(), m.path("accessKeyId").asText()));
    assertThat(keyBySubject).as(messages.toString()).containsOnlyKeys("by-role", "by-key");
    String temporary = keyBySubject.get("by-role");
    assertThat(temporary).startsWith("ASIA");
    assertThat(sim.core().temporaryCredentials().find(temporary).roleArn()).isEqualTo(ROLE);
    assertThat(sim.core().temporaryCredentials().find(temporary).sessionName())
        .isEqualTo("sluice-eu");
    assertThat(keyBySubject.get("by-key")).isEqualTo("SLUICELOCAL");
    assertThat(relay.deliveryDescription()).contains("as role " + ROLE);
  }

  @Test
  void start_roleStsRefuses_stopsNamingTheRouteTheRoleAndStsAnswer() {
    simulator();
    String other = "arn:aws:iam::123456789012:role/other";
    assertThatThrownBy(() -> Relay.start(config(other), Map.of(), dir))
        .hasMessageContaining("route 'eu'")
        .hasMessageContaining("STS refused to assume role " + other)
        .hasMessageContaining("403 AccessDenied")
        .hasMessageContaining("not authorized to perform: sts:AssumeRole");
    assertThat(sim.core().inbox().total()).isZero();
  }

  private static void send(SmtpClient c, String from, String subject) throws Exception {
    SendResult r =
        c.send(
            from,
            List.of("to@example.net"),
            ("From: " + from + "\r\nTo: to@example.net\r\nSubject: " + subject + "\r\n\r\nHi.\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    assertThat(r).as(subject).isInstanceOf(SendResult.Accepted.class);
  }
}
