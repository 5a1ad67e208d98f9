package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.OutboundMessage;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.ses.HttpClientKind;
import dev.sluice.ses.SenderConfig;
import dev.sluice.ses.SesSender;
import dev.sluice.ses.UpstreamTransports;
import dev.sluice.ses.UpstreamUrl;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The admin server over real sockets on loopback, in front of a real spool in a temporary
 * directory; delivery numbers come from a fixed {@link DeliveryStatus}, or from {@link
 * RelayMetrics} fed by a real {@link SesSender} sending to the simulator.
 */
class AdminServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "t0ken-for-the-admin-api-1234";

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private AdminFixture fx;
  private AdminServer server;
  private URI base;

  @BeforeEach
  void spool() throws Exception {
    fx = new AdminFixture(dir);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    fx.spool.close();
  }

  private void start(AdminSettings settings, Supplier<DeliveryStatus> status) throws Exception {
    server = new AdminServer(settings, RelayView.of(fx.spool, status), registry, Clock.system());
    server.start();
    base = URI.create("http://127.0.0.1:" + server.port() + "/");
  }

  private void start() throws Exception {
    start(AdminSettings.defaults().withBind("127.0.0.1", 0), () -> AdminFixture.status(fx.failed));
  }

  private record Answer(int status, String body, HttpResponse<String> response) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }

    String error() throws Exception {
      return json().path("error").path("code").asText();
    }
  }

  private Answer call(String method, String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body(), r);
  }

  private Answer get(String path) throws Exception {
    return call("GET", path, null);
  }

  @Test
  void stats_showsSpoolCountsDeliveryNumbersFailuresAndHistory() throws Exception {
    start();
    Answer a = get("api/stats");

    assertThat(a.status()).isEqualTo(200);
    assertThat(a.response().headers().firstValue("content-type")).hasValue("application/json");
    JsonNode s = a.json();
    JsonNode spool = s.path("spool");
    assertThat(spool.path("queued").asLong()).isEqualTo(3);
    assertThat(spool.path("active").asLong()).isEqualTo(1);
    assertThat(spool.path("deferred").asLong()).isEqualTo(1);
    assertThat(spool.path("failed").asLong()).isEqualTo(1);
    assertThat(spool.path("total").asLong()).isEqualTo(6);
    assertThat(spool.path("bytes").asLong()).isPositive();
    assertThat(spool.path("oldestAgeSeconds").asLong()).isBetween(299L, 3600L);
    JsonNode d = s.path("delivery");
    assertThat(d.path("upstream").asText()).isEqualTo("the test upstream");
    assertThat(d.path("sendRate").asDouble()).isEqualTo(12.4);
    assertThat(d.path("shapedLimit").asDouble()).isEqualTo(13.5);
    assertThat(d.path("maxSendRate").asInt()).isEqualTo(14);
    assertThat(d.path("quota").path("used").asLong()).isEqualTo(1234);
    assertThat(d.path("quota").path("remaining").asLong()).isEqualTo(48_766);
    assertThat(d.path("quota").path("sentLast24Hours").asLong()).isEqualTo(1218);
    assertThat(d.path("quota").path("sentSinceRead").asLong()).isEqualTo(16);
    assertThat(d.path("quota").path("readAgeSeconds").asLong()).isBetween(40L, 45L);
    assertThat(Instant.parse(d.path("quota").path("readAt").asText()))
        .isBefore(Instant.now().minusSeconds(39));
    assertThat(d.path("inFlight").asInt()).isEqualTo(7);
    assertThat(d.path("bookedAheadSeconds").asDouble()).isEqualTo(12.4);
    assertThat(d.path("connectionsOpened").asInt()).isEqualTo(9);
    assertThat(d.path("throttlesLastMinute").asInt()).isEqualTo(2);
    assertThat(s.path("totals").path("accepted").asLong()).isEqualTo(101);
    assertThat(s.path("recentFailures")).hasSize(2);
    assertThat(s.path("recentFailures").get(0).path("reason").asText())
        .isEqualTo(AdminFixture.HOSTILE_REASON);
    assertThat(s.path("recentFailures").get(0).path("id").asText()).isEqualTo(fx.failed.value());
    JsonNode h = s.path("history");
    assertThat(h.path("sent")).hasSize(RelayMetrics.HISTORY_SECONDS);
    assertThat(h.path("limit").get(0).isNull()).as("NaN is written as null").isTrue();
    assertThat(h.path("limit").get(RelayMetrics.HISTORY_SECONDS - 1).asInt()).isEqualTo(14);
  }

  @Test
  void messages_filterByStateAndDomainAndPageWithAfter() throws Exception {
    start();
    JsonNode all = get("api/messages").json();
    assertThat(ids(all)).containsExactlyElementsOf(strings(fx.ids));
    assertThat(all.path("next").isNull()).isTrue();

    JsonNode queuedOrFailed = get("api/messages?state=queued,failed").json();
    assertThat(ids(queuedOrFailed))
        .containsExactly(
            fx.failed.value(), fx.queued(0).value(), fx.queued(1).value(), fx.queued(2).value());
    assertThat(ids(get("api/messages?state=queued&state=active").json())).hasSize(4);

    JsonNode odd = get("api/messages?domain=ODD.example").json();
    assertThat(odd.path("messages"))
        .hasSize(3)
        .allSatisfy(e -> assertThat(e.path("recipients").get(0).asText()).endsWith("@odd.example"));

    JsonNode first = get("api/messages?limit=4").json();
    assertThat(ids(first)).containsExactlyElementsOf(strings(fx.ids.subList(0, 4)));
    assertThat(first.path("next").asText()).isEqualTo(fx.ids.get(3).value());
    JsonNode rest = get("api/messages?limit=4&after=" + first.path("next").asText()).json();
    assertThat(ids(rest)).containsExactlyElementsOf(strings(fx.ids.subList(4, 6)));
    assertThat(rest.path("next").isNull()).isTrue();

    JsonNode e = first.path("messages").get(0);
    assertThat(e.path("state").asText()).isEqualTo("deferred");
    assertThat(e.path("attempts").asInt()).isEqualTo(1);
    assertThat(e.path("lastError").asText()).isEqualTo("451 try later");
    assertThat(e.path("from").asText()).isEqualTo("app@example.com");
    assertThat(e.path("origin").asText()).isEqualTo("test 0");
    assertThat(e.has("content")).isFalse();
  }

  @Test
  void message_showsTheEntryAndOnRequestItsContent() throws Exception {
    start();
    JsonNode e = get("api/messages/" + fx.queued(0)).json();
    assertThat(e.path("id").asText()).isEqualTo(fx.queued(0).value());
    assertThat(e.path("state").asText()).isEqualTo("queued");
    assertThat(e.has("content")).isFalse();

    JsonNode c = get("api/messages/" + fx.queued(0) + "?content=1").json();
    assertThat(c.path("content").asText())
        .startsWith("From: app@example.com\r\nSubject: message 3");
    assertThat(AdminClient.entry(c)).isEqualTo(fx.spool.find(fx.queued(0)).orElseThrow());
    assertThat(c.path("contentPart").asText()).isEqualTo("whole");
    assertThat(c.path("contentOctets").asLong()).isEqualTo(53);
    assertThat(c.path("contentCut").asBoolean()).isFalse();

    JsonNode h = get("api/messages/" + fx.queued(0) + "?content=headers").json();
    assertThat(h.path("content").asText())
        .isEqualTo("From: app@example.com\r\nSubject: message 3\r\n");
    assertThat(h.path("contentPart").asText()).isEqualTo("headers");
    assertThat(h.path("contentOctets").asLong()).isEqualTo(43);

    JsonNode cut = get("api/messages/" + fx.queued(0) + "?content=1&max=6").json();
    assertThat(cut.path("content").asText()).isEqualTo("From: ");
    assertThat(cut.path("contentShownOctets").asLong()).isEqualTo(6);
    assertThat(cut.path("contentOctets").asLong()).isEqualTo(53);
    assertThat(cut.path("contentCut").asBoolean()).isTrue();
  }

  @Test
  void retry_makesAFailedMessageDueAndRefusesActiveOrUnknownOnes() throws Exception {
    start();
    Answer ok = call("POST", "api/messages/" + fx.failed + "/retry", null);
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().path("retried").asText()).isEqualTo(fx.failed.value());
    assertThat(ok.json().path("message").path("state").asText()).isEqualTo("deferred");
    SpoolEntry after = fx.spool.find(fx.failed).orElseThrow();
    assertThat(after.state()).isEqualTo(SpoolState.DEFERRED);
    assertThat(after.due()).isBeforeOrEqualTo(Instant.now());

    Answer active = call("POST", "api/messages/" + fx.active + "/retry", null);
    assertThat(active.status()).isEqualTo(409);
    assertThat(active.error()).isEqualTo("message_active");
    assertThat(fx.spool.find(fx.active).orElseThrow().state()).isEqualTo(SpoolState.ACTIVE);

    Answer unknown = call("POST", "api/messages/NOSUCHMESSAGE/retry", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("no_such_message");
  }

  @Test
  void delete_removesTheMessageOnce() throws Exception {
    start();
    Answer first = call("DELETE", "api/messages/" + fx.deferred, null);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().path("deleted").asText()).isEqualTo(fx.deferred.value());
    assertThat(first.json().path("state").asText()).isEqualTo("deferred");
    assertThat(fx.spool.find(fx.deferred)).isEmpty();
    assertThat(fx.spool.stats().total()).isEqualTo(5);

    Answer again = call("DELETE", "api/messages/" + fx.deferred, null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.error()).isEqualTo("no_such_message");
    assertThat(get("api/messages/" + fx.deferred).error()).isEqualTo("no_such_message");
  }

  @Test
  void badInput_getsAJsonErrorWithAStableCode() throws Exception {
    start();
    expect(get("api/messages?state=sent"), 400, "invalid_parameter");
    expect(get("api/messages?limit=0"), 400, "invalid_parameter");
    expect(get("api/messages?limit=1001"), 400, "invalid_parameter");
    expect(get("api/messages?limit=ten"), 400, "invalid_parameter");
    expect(get("api/messages?after=not-an-id"), 400, "invalid_parameter");
    expect(get("api/messages?sort=age"), 400, "unknown_parameter");
    expect(get("api/stats?verbose=1"), 400, "unknown_parameter");
    expect(get("api/messages/" + fx.failed + "?content=maybe"), 400, "invalid_parameter");
    expect(get("api/messages/" + fx.failed + "?content=1&max=-1"), 400, "invalid_parameter");
    expect(get("api/messages/not-an-id"), 400, "invalid_id");
    expect(get("api/nothing"), 404, "not_found");
    expect(get("favicon.ico"), 404, "not_found");
    Answer put = call("PUT", "api/stats", null);
    expect(put, 405, "method_not_allowed");
    assertThat(put.response().headers().firstValue("allow")).hasValue("GET");
    Answer post = call("POST", "api/messages/" + fx.failed, null);
    expect(post, 405, "method_not_allowed");
    assertThat(post.response().headers().firstValue("allow")).hasValue("GET, DELETE");
    expect(call("GET", "api/messages/" + fx.failed + "/retry", null), 405, "method_not_allowed");

    HttpResponse<String> big =
        http.send(
            HttpRequest.newBuilder(base.resolve("api/messages/" + fx.failed + "/retry"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(big.body()).path("error").path("code").asText())
        .isEqualTo("request_too_large");
    assertThat(fx.spool.find(fx.failed).orElseThrow().state()).isEqualTo(SpoolState.FAILED);
  }

  @Test
  void garbage_onTheSocket_getsA400() throws Exception {
    start();
    assertThat(raw("NOT HTTP AT ALL \0\0\r\n\r\n"))
        .as("not HTTP: answered and closed")
        .startsWith("HTTP/1.1 400")
        .contains("\"code\":\"bad_request\"");
    assertThat(raw("GET /api/messages?domain=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .as("a bad escape in the query")
        .startsWith("HTTP/1.1 400")
        .contains("\"code\":\"bad_request\"");
  }

  @Test
  void oversizedRequest_clientStillSendingAfterThe413_readsTheAnswer() throws Exception {
    start();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(
          ("POST /api/messages/"
                  + fx.failed
                  + "/retry HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Length: 400000\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      byte[] piece = new byte[8192];
      java.util.Arrays.fill(piece, (byte) 'x');
      for (int i = 0; i < 10; i++) {
        out.write(piece); // over the 64 KB limit: the server answers 413
      }
      out.flush();
      long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
      while (in.available() == 0) {
        assertThat(System.nanoTime()).as("waiting for the 413").isLessThan(deadline);
        Thread.sleep(5);
      }
      // The client goes on sending the body it has announced, as HTTP clients do; a server that
      // had closed at once would answer these octets with a reset, and the reset would take the
      // unread 413 with it.
      for (int i = 0; i < 30; i++) {
        out.write(piece);
      }
      out.flush();
      String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 413").contains("request_too_large");
    }
  }

  /** Sends bytes as they are and reads until the server closes the connection. */
  private String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void token_whenConfigured_isRequiredForTheApiAndMetricsOnly() throws Exception {
    start(
        AdminSettings.defaults().withBind("127.0.0.1", 0).withToken(TOKEN),
        () -> AdminFixture.status(fx.failed));

    Answer none = get("api/stats");
    expect(none, 401, "auth_required");
    assertThat(none.response().headers().firstValue("www-authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(none.body()).doesNotContain(TOKEN);
    expect(call("GET", "api/stats", TOKEN + "x"), 401, "invalid_token");
    expect(call("GET", "api/stats", "short"), 401, "invalid_token");
    expect(call("GET", "metrics", null), 401, "auth_required");
    expect(call("DELETE", "api/messages/" + fx.failed, null), 401, "auth_required");
    expect(call("GET", "api/nothing", null), 401, "auth_required");
    HttpResponse<String> basic =
        http.send(
            HttpRequest.newBuilder(base.resolve("api/stats"))
                .header("Authorization", "Basic " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(basic.statusCode()).isEqualTo(401);
    assertThat(fx.spool.find(fx.failed)).isPresent();

    assertThat(call("GET", "api/stats", TOKEN).status()).isEqualTo(200);
    assertThat(call("GET", "metrics", TOKEN).status()).isEqualTo(200);
    assertThat(get("").status()).as("the page holds no data").isEqualTo(200);
    assertThat(get("health").status()).isEqualTo(200);
  }

  @Test
  void bind_elsewhereThanLoopback_needsAToken() throws Exception {
    AdminServer open =
        new AdminServer(
            AdminSettings.defaults().withBind("0.0.0.0", 0),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed)),
            registry,
            Clock.system());
    assertThatThrownBy(open::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("relay.admin.token")
        .hasMessageContaining("not loopback");
    open.close();

    start(
        AdminSettings.defaults().withBind("0.0.0.0", 0).withToken(TOKEN),
        () -> AdminFixture.status(fx.failed));
    expect(get("api/stats"), 401, "auth_required");
    assertThat(call("GET", "api/stats", TOKEN).status()).isEqualTo(200);
  }

  @Test
  void pageAndHealth_areServedWithTheirHeaders() throws Exception {
    start();
    Answer page = get("");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.response().headers().firstValue("content-type"))
        .hasValue("text/html; charset=utf-8");
    assertThat(page.response().headers().firstValue("content-security-policy"))
        .hasValueSatisfying(
            v -> assertThat(v).contains("default-src 'none'").contains("script-src 'sha256-"));
    assertThat(page.body())
        .contains("<svg id=\"rate-chart\"")
        .as("self-contained: nothing loaded from elsewhere")
        .doesNotContain("src=", "href=", "@import", "url(");

    Answer health = get("health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asText()).isEqualTo("ok");

    fx.spool.close();
    expect(get("health"), 503, "spool_unavailable");
    expect(get("api/stats"), 503, "spool_unavailable");
  }

  /**
   * The wiring the relay uses, end to end: the engine sends to the simulator with {@link
   * RelayMetrics#onCall} as its listener and registers its meters on the same registry, and {@code
   * /metrics} and {@code /api/stats} show all of it.
   */
  @Test
  void metrics_withTheEngineOnTheSameRegistry_nameEveryMeter() throws Exception {
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "https-port=off", "smtp-port=off", "max-send-rate=100/s"));
        RelayMetrics metrics = RelayMetrics.start(registry, fx.spool, Clock.system())) {
      URI endpoint = sim.httpEndpoint();
      UpstreamUrl target =
          UpstreamUrl.parse(
              "ses-v2+http://" + endpoint.getHost() + ":" + endpoint.getPort(), "us-east-1");
      QuotaStamp transport =
          new QuotaStamp(
              UpstreamTransports.open(
                  target,
                  4,
                  new UpstreamTransports.Connection(
                      StaticCredentialsProvider.create(
                          AwsBasicCredentials.create("AKIDTEST", "secret")),
                      true,
                      false,
                      null,
                      null,
                      HttpClientKind.APACHE5)),
              Clock.system());
      try (SesSender sender =
          SesSender.start(
              transport,
              SenderConfig.builder().maxInFlight(4).listener(metrics::onCall).build(),
              Clock.system(),
              registry)) {
        metrics.deliveringTo(SenderView.of(sender, transport), "the simulator");
        server =
            new AdminServer(
                AdminSettings.defaults().withBind("127.0.0.1", 0),
                metrics.view(),
                registry,
                Clock.system());
        server.start();
        base = URI.create("http://127.0.0.1:" + server.port() + "/");
        for (QueueId id : List.of(fx.queued(0), fx.queued(1))) {
          SpoolEntry e = fx.spool.find(id).orElseThrow();
          Outcome o =
              sender
                  .send(
                      new OutboundMessage(
                          id.value(),
                          new Envelope(
                              e.envelope().from(), List.of("success@simulator.amazonses.com")),
                          fx.spool.content(id).orElseThrow()))
                  .join();
          assertThat(o).isInstanceOf(Outcome.Delivered.class);
          metrics.outcome(id, e.received(), o);
        }
        metrics.outcome(fx.failed, Instant.now(), new Outcome.Failed("554 rejected", List.of()));
        fx.spool
            .append(
                new dev.sluice.core.spool.Submission(
                    new Envelope("app@example.com", List.of("c@example.net")),
                    "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII),
                    Instant.now(),
                    "test"))
            .get();
        metrics.accepted(1);

        String text = call("GET", "metrics", null).body();
        assertThat(text)
            .contains(
                "sluice_relay_accepted_total 1.0",
                "sluice_relay_delivered_total 2.0",
                "sluice_relay_deferred_total 0.0",
                "sluice_relay_failed_total 1.0",
                "sluice_sender_calls_total{result=\"throttled\"}",
                "sluice_spool_messages{state=\"queued\"} 4.0",
                "sluice_spool_messages{state=\"active\"} 1.0",
                "sluice_spool_oldest_age_seconds ",
                "sluice_spool_size_bytes ",
                "sluice_sender_in_flight ",
                "sluice_sender_account_closed 0.0",
                "sluice_sender_rate ",
                "sluice_sender_rate_ceiling 100.0",
                "sluice_relay_quota_remaining ",
                "sluice_sender_connections_opened ",
                "sluice_relay_delivery_latency_seconds_bucket",
                "sluice_upstream_call_duration_seconds_bucket{result=\"accepted\"");

        JsonNode d = get("api/stats").json().path("delivery");
        assertThat(d.path("delivering").asBoolean()).isTrue();
        assertThat(d.path("maxSendRate").asInt()).isEqualTo(100);
        assertThat(d.path("connectionsOpened").asLong()).isPositive();
        assertThat(d.path("quota").path("max24HourSend").isNumber()).isTrue();
        JsonNode stats = get("api/stats").json();
        assertThat(stats.path("totals").path("delivered").asLong()).isEqualTo(2);
        assertThat(stats.path("recentFailures").get(0).path("reason").asText())
            .isEqualTo("554 rejected");
        double sent = 0;
        for (JsonNode v : stats.path("history").path("sent")) {
          sent += v.asDouble();
        }
        assertThat(sent).as("recipients sent in the history").isEqualTo(2);
      }
    }
  }

  private static void expect(Answer a, int status, String code) throws Exception {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.response().headers().firstValue("content-type")).hasValue("application/json");
    assertThat(a.error()).as(a.body()).isEqualTo(code);
    assertThat(a.json().path("error").path("message").asText()).isNotBlank();
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("messages").forEach(e -> out.add(e.path("id").asText()));
    return out;
  }

  private static List<String> strings(List<QueueId> ids) {
    return ids.stream().map(QueueId::value).toList();
  }
}
