package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.app.admin.AdminClient;
import dev.sluice.app.admin.AdminFixture;
import dev.sluice.app.admin.AdminServer;
import dev.sluice.app.admin.AdminSettings;
import dev.sluice.app.admin.RelayView;
import dev.sluice.core.Clock;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice suppression …} and {@code sluice queue show} against a running admin server with a
 * real feedback store: the list changed, exported and imported through the relay, and a message's
 * history shown after it has left the spool.
 */
class SuppressionCommandIT {
  private static final String TOKEN = "suppression-command-token-7";
  private static final Instant T0 = Instant.parse("2026-12-06T04:00:00Z");

  @TempDir Path dir;

  private AdminFixture fx;
  private FeedbackStore store;
  private AdminServer server;
  private String url;

  private record Run(int status, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    fx = new AdminFixture(dir);
    store = FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system());
    server =
        new AdminServer(
            AdminSettings.defaults().withBind("127.0.0.1", 0).withToken(TOKEN),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed)).withFeedback(store),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.system());
    server.start();
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
    fx.spool.close();
  }

  private Run run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private Run suppression(String... args) {
    return run(new SuppressionCommand(Map.of("SLUICE_ADMIN_TOKEN", TOKEN)), args);
  }

  @Test
  void addListRemoveExportImport_throughTheRelay_listChanges() throws Exception {
    Run add =
        suppression(
            "add", "--admin", url, "--cause", "asked by phone", "Someone@Example.com", "b@x.org");
    assertThat(add.status()).as(add.err()).isZero();
    assertThat(add.out()).contains("added someone@example.com (manual since ");
    assertThat(suppression("add", "--admin", url, "b@x.org").out()).startsWith("already listed");
    Run bad = suppression("add", "--admin", url, "not-an-address");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).contains("not-an-address");
    assertThat(store.find("SOMEONE@example.com").orElseThrow().cause()).isEqualTo("asked by phone");

    Run list = suppression("list", "--admin", url);
    assertThat(list.out().lines().map(l -> l.split(" ")[0]).toList())
        .containsExactly("b@x.org", "someone@example.com");

    Path csv = dir.resolve("out.csv");
    Run export = suppression("export", "--admin", url, csv.toString());
    assertThat(export.status()).as(export.err()).isZero();
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.getFirst()).isEqualTo("address,reason,time,cause");
    assertThat(lines).hasSize(3);

    assertThat(suppression("remove", "--admin", url, "b@x.org").out())
        .isEqualTo("remove b@x.org\n");
    Run gone = suppression("remove", "--admin", url, "b@x.org");
    assertThat(gone.status()).isEqualTo(1);
    assertThat(gone.err()).contains("not on the suppression list");

    Run back = suppression("import", "--admin", url, csv.toString());
    assertThat(back.status()).as(back.err()).isZero();
    assertThat(back.out()).isEqualTo("added 1, already listed 1, bad lines 0\n");
    assertThat(store.find("b@x.org")).isPresent();
  }

  @Test
  void import_fileLargerThanOneRequest_badLinesNumberedInTheWholeFile() throws Exception {
    StringBuilder b = new StringBuilder("address,reason,time,cause\n");
    int lines = 3000; // about 150 KB: several requests
    for (int i = 2; i <= lines; i++) {
      if (i == 2500) {
        b.append("broken address,BOUNCE,,\n");
      } else {
        b.append("user")
            .append(i)
            .append("@example.com,BOUNCE,2026-12-01T00:00:00Z,\"cause, with comma ")
            .append(i)
            .append("\"\n");
      }
    }
    Path csv = dir.resolve("big.csv");
    Files.writeString(csv, b, StandardCharsets.UTF_8);
    assertThat(Files.size(csv)).isGreaterThan(2L * SuppressionCommand.CHUNK);

    Run r = suppression("import", "--admin", url, csv.toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.out()).isEqualTo("added 2998, already listed 0, bad lines 1\n");
    assertThat(r.err()).startsWith("sluice suppression import: line 2500: ");
    assertThat(store.find("user2999@example.com").orElseThrow().cause())
        .isEqualTo("cause, with comma 2999");
  }

  @Test
  void queueShow_messageDeliveredAndBounced_historyShownAfterItLeftTheSpool() throws Exception {
    store.recordAccepted("Q1X", T0, "smtp", "127.0.0.1", 321, List.of("to@example.com"));
    store.recordDelivered(
        "Q1X", T0.plusSeconds(1), List.of("ses-77"), List.of("to@example.com"), "");
    store.record(
        new SesEvent(
            "sns-1",
            SesEvent.Type.BOUNCE,
            "ses-77",
            T0.plusSeconds(5),
            List.of(new SesEvent.Recipient("to@example.com", "5.1.1", "user unknown")),
            "Permanent",
            "General",
            "",
            "",
            "",
            Map.of(),
            "{}"));

    Run show =
        run(new QueueCommand(Map.of("SLUICE_ADMIN_TOKEN", TOKEN)), "show", "--admin", url, "Q1X");
    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out().lines().toList())
        .containsExactly(
            "*** HISTORY Q1X (no longer in the spool) ***",
            "2026-12-06T04:00:00Z  accepted   by smtp from 127.0.0.1, 321 bytes, 1 recipient",
            "2026-12-06T04:00:01Z  delivered  ses=ses-77  1 recipient",
            "2026-12-06T04:00:05Z  event      to@example.com  ses=ses-77  BOUNCE"
                + " Permanent/General: 5.1.1 user unknown",
            "*** END OF HISTORY Q1X ***");

    AdminClient client = AdminClient.of(url, TOKEN);
    JsonNode bySes = client.get("api/history?ses-message-id=ses-77");
    assertThat(bySes.path("id").asText()).isEqualTo("Q1X");
    JsonNode byRcpt = client.get("api/history?recipient=TO%40example.com");
    assertThat(byRcpt.path("messages").get(0).path("id").asText()).isEqualTo("Q1X");
    assertThat(client.get("api/suppression/to%40example.com").path("reason").asText())
        .isEqualTo("BOUNCE");
    Run missing =
        run(new QueueCommand(Map.of("SLUICE_ADMIN_TOKEN", TOKEN)), "show", "--admin", url, "NOPE1");
    assertThat(missing.status()).isEqualTo(1);
  }
}
