package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.Clock;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.ReputationWatch;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounce and complaint rates through the real admin server, over a real feedback store: in {@code
 * /api/stats}, on {@code /metrics}, and the thresholds on the status page.
 */
class ReputationViewIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private AdminFixture fx;
  private FeedbackStore store;
  private AdminServer server;
  private URI base;

  @BeforeEach
  void start() throws Exception {
    fx = new AdminFixture(dir);
    store = FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system());
    ReputationFixture.fill(store);
    server =
        new AdminServer(
            AdminSettings.defaults().withBind("127.0.0.1", 0),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed)).withFeedback(store),
            registry,
            Clock.system());
    server.start();
    base = URI.create("http://127.0.0.1:" + server.port() + "/");
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
    fx.spool.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void stats_withAFeedbackStore_ratesCountsLevelsAndThresholds() throws Exception {
    HttpResponse<String> r = get("api/stats");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode rep = JSON.readTree(r.body()).path("reputation");
    assertThat(rep.at("/thresholds/bounce/review").asDouble()).isEqualTo(0.05);
    assertThat(rep.at("/thresholds/bounce/pause").asDouble()).isEqualTo(0.10);
    assertThat(rep.at("/thresholds/complaint/review").asDouble()).isEqualTo(0.001);
    assertThat(rep.at("/thresholds/complaint/pause").asDouble()).isEqualTo(0.005);
    JsonNode w = rep.path("windows");
    assertThat(w).hasSize(4);
    JsonNode all = w.get(0);
    assertThat(all.path("configurationSet").asText()).isEmpty();
    assertThat(all.path("window").asText()).isEqualTo("24h");
    assertThat(all.path("sends").asLong()).isEqualTo(1000);
    assertThat(all.path("hardBounces").asLong()).isEqualTo(5);
    assertThat(all.path("complaints").asLong()).isEqualTo(1);
    assertThat(all.path("bounceRate").asDouble()).isEqualTo(0.005);
    assertThat(all.path("complaintRate").asDouble()).isEqualTo(0.001);
    assertThat(all.path("bounceLevel").asText()).isEqualTo("ok");
    assertThat(all.path("complaintLevel").asText()).isEqualTo("review");
    assertThat(w.get(1).path("window").asText()).isEqualTo("7d");
    JsonNode marketing = w.get(3);
    assertThat(marketing.path("configurationSet").asText()).isEqualTo("marketing");
    assertThat(marketing.path("window").asText()).isEqualTo("7d");
    assertThat(marketing.path("sends").asLong()).isEqualTo(100);
    assertThat(marketing.path("bounceRate").asDouble()).isEqualTo(0.05);
    assertThat(marketing.path("bounceLevel").asText()).isEqualTo("review");
    assertThat(marketing.path("complaintRate").asDouble()).isZero();
  }

  @Test
  void stats_withoutAFeedbackStore_noReputation() throws Exception {
    AdminServer plain =
        new AdminServer(
            AdminSettings.defaults().withBind("127.0.0.1", 0),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed)),
            registry,
            Clock.system());
    plain.start();
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.port() + "/api/stats"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(JSON.readTree(r.body()).has("reputation")).isFalse();
    } finally {
      plain.close();
    }
  }

  @Test
  void metrics_afterACheck_ratesAndCountsPerWindowAndSet() throws Exception {
    ReputationWatch watch = new ReputationWatch(store, registry);
    watch.check();
    String text = get("metrics").body();
    assertThat(text)
        .contains(
            "sluice_reputation_bounce_rate{configuration_set=\"marketing\",window=\"24h\"} 0.05")
        .contains("sluice_reputation_bounce_rate{configuration_set=\"\",window=\"7d\"} 0.005")
        .contains("sluice_reputation_complaint_rate{configuration_set=\"\",window=\"24h\"} 0.001")
        .contains("sluice_reputation_sends{configuration_set=\"\",window=\"24h\"} 1000.0")
        .contains(
            "sluice_reputation_hard_bounces{configuration_set=\"marketing\",window=\"7d\"} 5.0")
        .contains("sluice_reputation_complaints{configuration_set=\"\",window=\"7d\"} 1.0");
    // marketing's 24 h and 7 d bounces and all mail's 24 h and 7 d complaints are at review.
    assertThat(watch.warnings()).isEqualTo(4);
  }

  @Test
  void statusPage_drawsTheReputationSectionWithSesThresholds() throws Exception {
    String html = get("").body();
    assertThat(html)
        .contains("<section id=\"reputation\" hidden>")
        .contains("SES reviews an account at a <b>5%</b> bounce rate")
        .contains("<b>10%</b>")
        .contains("<b>0.1%</b> and <b>0.5%</b>")
        .contains("bounce rate (review 5%, pause 10%)")
        .contains("complaint rate (review 0.1%, pause 0.5%)")
        .contains("function reputation(r)");
  }
}
