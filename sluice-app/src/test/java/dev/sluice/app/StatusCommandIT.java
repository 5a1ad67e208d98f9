package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.app.admin.AdminFixture;
import dev.sluice.app.admin.AdminServer;
import dev.sluice.app.admin.AdminSettings;
import dev.sluice.app.admin.RelayView;
import dev.sluice.app.admin.ReputationFixture;
import dev.sluice.core.Clock;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sluice status} against a running admin server in front of a real spool. */
class StatusCommandIT {
  private static final String TOKEN = "status-command-token-42";

  @TempDir Path dir;

  private AdminFixture fx;
  private AdminServer server;
  private String url;

  private record Run(int status, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    fx = new AdminFixture(dir);
    server =
        new AdminServer(
            AdminSettings.defaults().withBind("127.0.0.1", 0).withToken(TOKEN),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed)),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.system());
    server.start();
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
    fx.spool.close();
  }

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new StatusCommand(env));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void status_withTheTokenFromTheEnvironment_printsRatesShapingQuotaAndQueue() {
    Run r = run(Map.of("SLUICE_ADMIN_TOKEN", TOKEN), "--admin", url);

    assertThat(r.status()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("upstream     the test upstream")
        .contains("send rate    12/s now; shaped limit 14/s; MaxSendRate 14/s")
        .contains(
            "quota        1,234 used in the last 24 h, 48,766 left of 50,000"
                + " (account read 40s ago: 1,218 + 16 sent since)")
        .contains(
            "route default the test upstream (us-east-1); 12/s now, shaped 14/s of MaxSendRate"
                + " 14/s; 1,234 sent in 24 h of 50,000; 7 in flight; ok\n")
        .contains(
            "route eu     the eu upstream (eu-west-1); 0.0/s now, shaped 100/s of MaxSendRate"
                + " 100/s; quota not read yet; 0 in flight; ACCOUNT_PAUSED: Sending is paused for"
                + " this account. (290 s left); failing over to default")
        .contains(
            "class transactional share 30%; 3.5/s now; in flight 2 (38 reserved); 0 recipients"
                + " waiting for the rate, 1,500 sent since start")
        .contains(
            "class bulk   share 70%; 8.9/s now; in flight 5 (90 reserved); 4,200 recipients"
                + " waiting for the rate, 98,765 sent since start")
        .contains(
            "tenant user:app 1,000 of 1,000 per 1h; window ends 2026-12-06T17:00:00Z; 250 held"
                + " back, waiting for it")
        .contains("in flight    7; 12 s of sends booked ahead, waiting for the send rate")
        .contains("connections  9 opened")
        .contains("throttles    2 in the last minute")
        .contains("queue        queued 3, active 1, deferred 1, failed 1; total 6, ")
        .contains("since start  accepted 101, delivered 90, deferred 5, failed 1")
        .contains("recent failures (newest first):")
        .contains(fx.failed.value())
        .contains(AdminFixture.HOSTILE_REASON);
    assertThat(r.out()).doesNotContain(TOKEN);
  }

  @Test
  void status_withAFeedbackStore_printsRatesWithCountsAndThresholds() throws Exception {
    try (FeedbackStore store =
        FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system())) {
      ReputationFixture.fill(store);
      AdminServer other = ReputationFixture.serve(fx, store, TOKEN);
      try {
        Run r =
            run(Map.of("SLUICE_ADMIN_TOKEN", TOKEN), "--admin", "http://127.0.0.1:" + other.port());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out())
            .contains(
                "reputation   SES reviews at 5% bounces or 0.1% complaints, may pause at 10% or"
                    + " 0.5%")
            .contains(
                "  all mail             24h  bounces 0.5% (5 of 1,000), complaints 0.1% (1 of"
                    + " 1,000) REVIEW")
            .contains(
                "  marketing            7d   bounces 5% (5 of 100) REVIEW, complaints 0% (0 of"
                    + " 100)");
      } finally {
        other.close();
      }
    }
  }

  @Test
  void status_tokenFlagOverridesTheEnvironment_andJsonIsTheApisAnswer() throws Exception {
    Run r =
        run(
            Map.of("SLUICE_ADMIN_TOKEN", "wrong-token-wrong-token"),
            "--admin",
            url,
            "--token",
            TOKEN,
            "--json");

    assertThat(r.status()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("spool").path("total").asLong()).isEqualTo(6);
    assertThat(json.path("delivery").path("inFlight").asInt()).isEqualTo(7);
  }

  @Test
  void status_withoutOrWithAWrongToken_saysSoAndHowToGiveIt() {
    Run none = run(Map.of(), "--admin", url);
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("needs its token").contains("SLUICE_ADMIN_TOKEN");

    Run wrong = run(Map.of("SLUICE_RELAY_ADMIN_TOKEN", "not-the-token-at-all"), "--admin", url);
    assertThat(wrong.status()).isEqualTo(1);
    assertThat(wrong.err()).contains("Wrong token").doesNotContain("not-the-token-at-all");
  }

  @Test
  void status_withNoRelayListening_saysNoneAnswers() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r = run(Map.of(), "--admin", "127.0.0.1:" + port);

    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("no relay answers at http://127.0.0.1:" + port + "/");
    assertThat(run(Map.of(), "--admin", "ftp://x").status()).isEqualTo(2);
  }
}
