package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.app.admin.AdminFixture;
import dev.sluice.app.admin.AdminServer;
import dev.sluice.app.admin.AdminSettings;
import dev.sluice.app.admin.RelayView;
import dev.sluice.core.Clock;
import dev.sluice.core.spool.SpoolState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice queue … --admin} against a running admin server whose spool is open (as a running
 * relay's is): the same lines as the offline mode, and changes made through the relay.
 */
class QueueCommandAdminIT {
  private static final String TOKEN = "queue-command-token-0042";

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

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new QueueCommand(Map.of("SLUICE_ADMIN_TOKEN", TOKEN)));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  @Test
  void statsAndList_throughTheRelay_printTheOfflineLines() {
    Run stats = run("stats", "--admin", url);
    assertThat(stats.status()).as(stats.err()).isZero();
    assertThat(stats.out())
        .contains("queued    3")
        .contains("active    1")
        .contains("deferred  1")
        .contains("failed    1")
        .contains("total     6")
        .contains("ago)");

    Run all = run("list", "--admin", url);
    assertThat(all.status()).as(all.err()).isZero();
    assertThat(all.out().lines().map(l -> l.split(" ")[0]))
        .containsExactlyElementsOf(fx.ids.stream().map(Object::toString).toList());
    assertThat(all.out().lines().findFirst().orElseThrow())
        .isEqualTo(QueueCommand.line(fx.spool.find(fx.deferred).orElseThrow()));

    Run odd = run("list", "--admin", url, "--domain", "odd.example");
    assertThat(odd.out().lines()).hasSize(3).allMatch(l -> l.contains("@odd.example"));
    Run failed = run("list", "--admin", url, "--state", "failed,deferred", "--limit", "1");
    assertThat(failed.out().lines()).hasSize(1).allMatch(l -> l.startsWith(fx.deferred.value()));
    Run cut = run("list", "--admin", url, "--limit", "2");
    assertThat(cut.out().lines()).hasSize(2);
    assertThat(cut.err())
        .isEqualTo("-- 2 shown; 4 more not shown: --limit N shows more, --limit all every one\n");
    Run oddCut = run("list", "--admin", url, "--domain", "odd.example", "--limit", "1");
    assertThat(oddCut.err()).startsWith("-- 1 shown; 2 more not shown");
    assertThat(run("list", "--admin", url, "--limit", "all").out().lines()).hasSize(6);
    Run none = run("list", "--admin", url, "--state", "active", "--domain", "nowhere.example");
    assertThat(none.out()).isEmpty();
    assertThat(none.err())
        .isEqualTo("No messages match --state active --domain nowhere.example.\n");
    Run bad = run("list", "--admin", url, "--state", "sent");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("unknown state 'sent'");
  }

  @Test
  void show_throughTheRelay_printsEntryAndContent() {
    Run show = run("show", "--admin", url, fx.queued(1).value());

    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out())
        .startsWith("*** ENVELOPE " + fx.queued(1) + " ***\nstate: queued\nattempts: 0\n")
        .contains("\norigin: test 4\n")
        .contains("\nsender: app@example.com\nrecipient: a4@even.example\n")
        .contains("*** MESSAGE HEADERS " + fx.queued(1) + " ***\n")
        .contains("Subject: message 4\r\n*** END OF HEADERS")
        .doesNotContain("body 4");
    Run failed = run("show", "--admin", url, fx.failed.value());
    assertThat(failed.out())
        .contains("\nstate: failed\n")
        .contains("\nreason: 554 Message rejected\n");
    Run raw = run("show", "--admin", url, "--raw", fx.queued(1).value());
    assertThat(raw.out())
        .contains("*** MESSAGE CONTENTS " + fx.queued(1) + " ***\nFrom: app@example.com\r\n")
        .contains("\r\n\r\nbody 4\r\n*** END OF MESSAGE " + fx.queued(1) + " ***\n");
    Run cut = run("show", "--admin", url, "--raw", "--max-content", "4", fx.queued(1).value());
    assertThat(cut.out()).contains(" ***\nFrom\n*** CUT after 4 of 53 octets");
    Run none = run("show", "--admin", url, "NOSUCHID");
    assertThat(none.status()).isEqualTo(1);
    assertThat(none.err()).contains("no message NOSUCHID");
  }

  @Test
  void retryAndDelete_throughTheRelay_changeItsSpoolAndNameRefusals() {
    Run retry = run("retry", "--admin", url, fx.failed.value(), fx.active.value());
    assertThat(retry.status()).isEqualTo(1);
    assertThat(retry.out()).contains("retry " + fx.failed);
    assertThat(retry.err()).contains(fx.active.value()).contains("being delivered");
    assertThat(fx.spool.find(fx.failed).orElseThrow().state()).isEqualTo(SpoolState.DEFERRED);

    Run del = run("delete", "--admin", url, fx.queued(0).value(), "NOSUCHID", "bad-id");
    assertThat(del.status()).isEqualTo(1);
    assertThat(del.out()).contains("delete " + fx.queued(0));
    assertThat(del.err()).contains("NOSUCHID").contains("bad-id");
    assertThat(fx.spool.find(fx.queued(0))).isEmpty();
    assertThat(fx.spool.stats().total()).isEqualTo(5);
  }

  @Test
  void admin_withSpoolDirOrWithoutToken_isRefusedClearly() {
    Run both = run("stats", "--admin", url, "--spool-dir", dir.toString());
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).contains("either --spool-dir").contains("or --admin");

    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new QueueCommand(Map.of()));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("list", "--admin", url)).isEqualTo(1);
    assertThat(err.toString()).contains("needs its token");
    assertThat(fx.spool.stats().total()).isEqualTo(6);
    assertThat(run("list", "--admin", url, "--token", TOKEN).status()).isZero();
  }
}
