package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.Chromium;
import dev.sluice.testkit.HttpGet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A running relay with two routes on two simulators, two traffic classes and a tenant cap, seen
 * through {@code GET /api/stats}, {@code sluice status} and the status page in headless Chromium:
 * every route with its region, send rate, quota and where its mail goes (also once its account is
 * paused and it fails over), every class with its share and send rate, and the tenant's cap with
 * its count, window end and the messages it holds back.
 */
class RouteClassTenantStatusIT {
  private static final Path OUT = Path.of("target", "route-status-it");
  private static final int CAP = 2;
  private static final int CAPPED = 5;
  private static final int TO_EU = 6;

  @TempDir Path dir;
  private Simulator main;
  private Simulator eu;
  private Relay relay;

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {relay, main, eu}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static Simulator simulator() {
    return Simulator.start(
        SimulatorConfig.onFreePorts("https-port=off", "smtp-port=off", "max-send-rate=100/s"));
  }

  private static String url(Simulator s) {
    return "ses-v2+http://127.0.0.1:" + s.httpEndpoint().getPort();
  }

  private void send(SmtpClient c, String from, String subject, String headers) {
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

  private JsonNode delivery() throws Exception {
    return HttpGet.json(relay.adminUri().resolve("/api/stats")).path("delivery");
  }

  private static JsonNode named(JsonNode list, String field, String name) {
    for (JsonNode n : list) {
      if (n.path(field).asText().equals(name)) {
        return n;
      }
    }
    throw new AssertionError("no " + name + " in " + list);
  }

  private String status() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StatusCommand(Map.of()));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("--admin", relay.adminUri().toString())).as(err.toString()).isZero();
    return out.toString();
  }

  @Test
  void status_routesClassesAndTenantCaps_eachAgainstItsLimits() throws Exception {
    main = simulator();
    eu = simulator();
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "upstream=" + url(main),
                "http.port=off",
                "region=us-east-1",
                "route.eu.upstream=" + url(eu),
                "route.eu.region=eu-west-1",
                "route.eu.fail-over=default",
                "classes=transactional:30%,bulk:70%",
                "tenant-limits=domain:capped.example.com=" + CAP + "/1d"),
            Map.of(),
            dir);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      for (int i = 0; i < CAPPED; i++) {
        send(c, "news@capped.example.com", "capped " + i, "");
      }
      for (int i = 0; i < TO_EU; i++) {
        send(
            c,
            "app@example.com",
            "eu " + i,
            "X-Sluice-Route: eu\r\nX-Sluice-Class: transactional\r\n");
      }
    }
    Await.until(
        "the eu route's mail and the capped tenant's first " + CAP + " delivered",
        Duration.ofSeconds(30),
        () -> eu.core().inbox().total() == TO_EU && main.core().inbox().total() == CAP);
    // Rates are over the last ten whole seconds, the classes' sampled each second.
    JsonNode d =
        Await.value(
            "the eu route's and the transactional class's send rates measured",
            Duration.ofSeconds(20),
            () -> {
              JsonNode now = delivery();
              boolean measured =
                  named(now.path("routes"), "name", "eu").path("sendRate").asDouble() > 0
                      && named(now.path("classes"), "name", "transactional")
                              .path("sendRate")
                              .asDouble()
                          > 0;
              return measured ? java.util.Optional.of(now) : java.util.Optional.empty();
            },
            () -> {
              try {
                return delivery().toString();
              } catch (Exception e) {
                return e.toString();
              }
            });

    JsonNode routes = d.path("routes");
    assertThat(routes).as(routes.toString()).hasSize(2);
    JsonNode euRoute = named(routes, "name", "eu");
    assertThat(euRoute.path("region").asText()).isEqualTo("eu-west-1");
    assertThat(euRoute.path("maxSendRate").asDouble()).isEqualTo(100);
    assertThat(euRoute.path("sendsVia").asText()).isEqualTo("eu");
    assertThat(euRoute.path("health").asText()).isEqualTo("ok");
    JsonNode main0 = named(routes, "name", "default");
    assertThat(main0.path("region").asText()).isEqualTo("us-east-1");
    assertThat(d.path("maxSendRate").asDouble())
        .as("the relay's MaxSendRate is its routes' together")
        .isEqualTo(200);
    JsonNode tx = named(d.path("classes"), "name", "transactional");
    assertThat(tx.path("share").asDouble()).isEqualTo(0.3);
    assertThat(tx.path("grantedRecipients").asLong()).isEqualTo(TO_EU);
    JsonNode tenant = named(d.path("tenants"), "tenant", "domain:capped.example.com");
    assertThat(tenant.path("used").asLong()).isEqualTo(CAP);
    assertThat(tenant.path("cap").asLong()).isEqualTo(CAP);
    assertThat(tenant.path("waiting").asLong())
        .as("held back until the day ends")
        .isEqualTo(CAPPED - CAP);

    // The eu account is paused; its next message shows it failing over.
    eu.core().sendingEnabled(false);
    try (SmtpClient c =
        SmtpClient.connect(
            SmtpClientConfig.builder("127.0.0.1", relay.smtpPort())
                .startTls(SmtpClientConfig.StartTls.NEVER, null)
                .build())) {
      send(c, "app@example.com", "eu paused", "X-Sluice-Route: eu\r\n");
    }
    Await.until(
        "the eu route's message sent by its fail-over",
        Duration.ofSeconds(30),
        () -> main.core().inbox().total() == CAP + 1);
    JsonNode failing = named(delivery().path("routes"), "name", "eu");
    assertThat(failing.path("health").asText()).contains("ACCOUNT_PAUSED");
    assertThat(failing.path("sendsVia").asText()).isEqualTo("default");

    String text = status();
    assertThat(text)
        .containsPattern(
            "route eu +.* \\(eu-west-1\\); [0-9.,]+/s now, shaped 100/s of MaxSendRate 100/s;")
        .contains("ACCOUNT_PAUSED")
        .contains("; failing over to default")
        .containsPattern("route default .* \\(us-east-1\\); ")
        .containsPattern("class transactional share 30%; [0-9.,]+/s now; in flight ")
        .contains("class bulk   share 70%;")
        .contains(
            "tenant domain:capped.example.com " + CAP + " of " + CAP + " per 1d; window ends ")
        .contains("; " + (CAPPED - CAP) + " held back, waiting for it");

    Files.createDirectories(OUT);
    String html =
        Chromium.dumpDom(
            dir,
            OUT.resolve("status.dom.html"),
            relay.adminUri().resolve("/").toString(),
            "--virtual-time-budget=5000");
    assertThat(html)
        .containsPattern("<tr><td>eu</td><td>[^<]*</td><td>eu-west-1</td>")
        .contains("<td>failing over to default</td>")
        .containsPattern("<tr><td>default</td><td>[^<]*</td><td>us-east-1</td>")
        .containsPattern(
            "<tr><td>transactional</td><td>30%</td><td>[0-9.,]+/s</td><td>[0-9]+ \\([0-9]+\\)"
                + "</td><td>[0-9,]+</td><td>"
                + TO_EU
                + "</td></tr>")
        .containsPattern(
            "<tr><td>domain:capped.example.com</td><td>1d</td><td>"
                + CAP
                + " of "
                + CAP
                + " \\(full\\)</td><td>[0-9-]+ 00:00:00Z</td><td>"
                + (CAPPED - CAP)
                + "</td></tr>");
  }
}
