package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A route or class named by a message, at both doors of a relay with two routes on two simulators:
 * a name the relay does not have is refused with the same words on SMTP and HTTP (raw and JSON);
 * the JSON {@code route} and {@code class} fields pick the route and class as the headers do, and
 * SES sees neither; a message spooled for a route that a restart removed still goes out, on the
 * default route.
 */
class RelayNamedRouteIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROUTES = "; this relay's routes: default, eu";

  @TempDir Path dir;
  private Simulator main;
  private Simulator eu;
  private Relay relay;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
    return Simulator.start(SimulatorConfig.onFreePorts("https-port=off", "smtp-port=off"));
  }

  private static String url(Simulator s) {
    return "ses-v2+http://127.0.0.1:" + s.httpEndpoint().getPort();
  }

  private Relay start(boolean withEu, String... more) {
    List<String> settings = new ArrayList<>(List.of("upstream=" + url(main)));
    if (withEu) {
      settings.add("route.eu.upstream=" + url(eu));
    }
    settings.addAll(List.of(more));
    return Relay.start(
        RelayConfig.onFreePorts(dir.resolve("spool"), settings.toArray(String[]::new)),
        Map.of(),
        dir);
  }

  private static String message(String headers, String subject) {
    return headers
        + "From: app@example.com\r\nTo: to@example.net\r\nSubject: "
        + subject
        + "\r\n\r\nHello.\r\n";
  }

  /** The SMTP door's reply at the end of data. */
  private String smtp(String message) throws Exception {
    try (SmtpConversation s = SmtpConversation.connect(relay.smtpPort())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<app@example.com>").expect("250");
      s.send("RCPT TO:<to@example.net>").expect("250");
      s.send("DATA").expect("354");
      s.sendRaw(message + ".\r\n");
      return s.reply();
    }
  }

  private HttpResponse<String> post(String pathAndQuery, String type, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.httpPort() + pathAndQuery))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> raw(String message) throws Exception {
    return post(
        "/v1/messages?from=app%40example.com&to=to%40example.net", "message/rfc822", message);
  }

  private HttpResponse<String> json(String fields) throws Exception {
    return post(
        "/v1/messages",
        "application/json",
        "{\"from\":\"app@example.com\",\"to\":\"to@example.net\",\"text\":\"Hello.\""
            + fields
            + "}");
  }

  private static JsonNode error(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
    return JSON.readTree(r.body()).path("error");
  }

  @Test
  void doors_routeOrClassNamingNone_refusedWithTheSameWordsOnSmtpAndHttp() throws Exception {
    main = simulator();
    eu = simulator();
    relay = start(true, "classes=transactional:30%,bulk:70%");
    String[][] cases = {
      {
        "X-Sluice-Route: us\r\n",
        "unknown_route",
        "X-Sluice-Route names route 'us', which this relay does not have" + ROUTES
      },
      {
        "X-Sluice-Route:\r\n",
        "unknown_route",
        "The X-Sluice-Route header field is empty; name a route" + ROUTES
      },
      {
        "X-Sluice-Route: eu\r\nX-Sluice-Route: eu\r\n",
        "unknown_route",
        "The message has 2 X-Sluice-Route header fields; give one" + ROUTES
      },
      {
        "X-Sluice-Class: urgent\r\n",
        "unknown_class",
        "X-Sluice-Class names class 'urgent', which this relay does not have; this relay's classes: transactional, bulk"
      },
    };
    for (String[] c : cases) {
      String m = message(c[0], "refused");
      assertThat(smtp(m)).as(c[0]).isEqualTo("550 5.6.0 " + c[2]);
      JsonNode e = error(raw(m));
      assertThat(e.path("code").asText()).as(c[0]).isEqualTo(c[1]);
      assertThat(e.path("message").asText()).as(c[0]).isEqualTo(c[2]);
    }
    JsonNode route = error(json(",\"route\":\"us\""));
    assertThat(route.path("code").asText()).isEqualTo("unknown_route");
    assertThat(route.path("message").asText()).isEqualTo(cases[0][2]);
    JsonNode cls = error(json(",\"class\":\"urgent\""));
    assertThat(cls.path("code").asText()).isEqualTo("unknown_class");
    assertThat(cls.path("message").asText()).isEqualTo(cases[3][2]);
    assertThat(relay.spool().stats().total()).as("nothing refused was stored").isZero();
    assertThat(smtp(message("X-Sluice-Route:  EU \r\n", "taken"))).startsWith("250 2.0.0");
    Await.until(
        "the message naming EU reaches the eu route",
        Duration.ofSeconds(30),
        () -> eu.core().inbox().total() == 1);
    assertThat(main.core().inbox().total()).isZero();
  }

  @Test
  void jsonRouteAndClassFields_pickTheRouteAndClass_andSesSeesNeither() throws Exception {
    main = simulator();
    eu = simulator();
    relay = start(true);
    HttpResponse<String> toEu =
        json(",\"subject\":\"to eu\",\"route\":\"eu\",\"class\":\"transactional\"");
    assertThat(toEu.statusCode()).as(toEu.body()).isEqualTo(202);
    HttpResponse<String> toMain = json(",\"subject\":\"to default\",\"class\":\"Bulk\"");
    assertThat(toMain.statusCode()).as(toMain.body()).isEqualTo(202);
    Await.until(
        "each message reaches its route",
        Duration.ofSeconds(30),
        () -> eu.core().inbox().total() == 1 && main.core().inbox().total() == 1);
    ReceivedMessage onEu = eu.core().inbox().recent(10, m -> true).getFirst();
    assertThat(onEu.subject()).isEqualTo("to eu");
    assertThat(main.core().inbox().recent(10, m -> true).getFirst().subject())
        .isEqualTo("to default");
    for (ReceivedMessage m : List.of(onEu, main.core().inbox().recent(10, x -> true).getFirst())) {
      assertThat(new String(m.content(), StandardCharsets.ISO_8859_1))
          .doesNotContainIgnoringCase("X-Sluice-");
    }
    Await.until(
        "both outcomes recorded", Duration.ofSeconds(30), () -> relay.spool().stats().total() == 0);
    assertThat(
            relay
                .registry()
                .get("sluice.class.granted.recipients")
                .tag("class", "transactional")
                .functionCounter()
                .count())
        .as("the message of the transactional field went in its class")
        .isEqualTo(1.0);
  }

  @Test
  void delivery_routeRemovedByARestart_messageSpooledForItGoesOutOnTheDefaultRoute()
      throws Exception {
    main = simulator();
    eu = simulator();
    relay = start(true, "hold=true");
    assertThat(smtp(message("X-Sluice-Route: eu\r\n", "spooled for eu"))).startsWith("250 2.0.0");
    relay.close();
    relay = start(false);
    Await.until(
        "the message reaches the default route",
        Duration.ofSeconds(30),
        () -> main.core().inbox().total() == 1);
    assertThat(eu.core().inbox().total()).isZero();
    ReceivedMessage m = main.core().inbox().recent(10, x -> true).getFirst();
    assertThat(m.subject()).isEqualTo("spooled for eu");
    assertThat(new String(m.content(), StandardCharsets.ISO_8859_1))
        .as("the header is taken out on the fallback too")
        .doesNotContainIgnoringCase("X-Sluice-Route");
  }
}
