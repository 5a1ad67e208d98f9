package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Submission;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class QueueCommandTest {
  @TempDir Path dir;

  private record Run(int status, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new QueueCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Run(status, out.toString(), err.toString());
  }

  private Path spoolWith(int n) throws Exception {
    Path spool = dir.resolve("spool");
    try (RocksSpool s = RocksSpool.open(RocksSpoolConfig.builder(spool).buckets(4).build())) {
      for (int i = 0; i < n; i++) {
        String to = i % 2 == 0 ? "a@even.example" : "b@odd.example";
        s.append(
                new Submission(
                    new Envelope("app@example.com", List.of(to)),
                    ("Subject: m" + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII),
                    Instant.now(),
                    "test"))
            .get();
      }
    }
    return spool;
  }

  @Test
  void stats_listAndShow_readAStoppedRelaysSpool() throws Exception {
    Path spool = spoolWith(5);
    Run stats = run("stats", "--spool-dir", spool.toString());
    assertThat(stats.status()).as(stats.err()).isZero();
    assertThat(stats.out()).contains("queued    5").contains("total     5").contains("ago)");

    Run list = run("list", "--spool-dir", spool.toString(), "--domain", "odd.example");
    assertThat(list.out().lines()).hasSize(2).allMatch(l -> l.contains("-> b@odd.example"));
    Run limited = run("list", "--spool-dir", spool.toString(), "--limit", "3", "--state", "queued");
    assertThat(limited.out().lines()).hasSize(3);
    assertThat(run("list", "--spool-dir", spool.toString(), "--state", "failed").out()).isEmpty();

    String id = list.out().lines().findFirst().orElseThrow().split(" ")[0];
    Run show = run("show", "--spool-dir", spool.toString(), id);
    assertThat(show.out()).contains("origin: test").contains("Subject: m");
  }

  @Test
  void deleteAndRetry_changeTheSpoolAndNameUnknownIds() throws Exception {
    Path spool = spoolWith(2);
    String id =
        run("list", "--spool-dir", spool.toString())
            .out()
            .lines()
            .findFirst()
            .orElseThrow()
            .split(" ")[0];
    Run retry = run("retry", "--spool-dir", spool.toString(), id);
    assertThat(retry.status()).isZero();
    Run del = run("delete", "--spool-dir", spool.toString(), id, "NOSUCHID", "bad-id");
    assertThat(del.status()).isEqualTo(1);
    assertThat(del.out()).contains("delete " + id);
    assertThat(del.err()).contains("NOSUCHID").contains("bad-id");
    assertThat(run("stats", "--spool-dir", spool.toString()).out()).contains("total     1");
    try (RocksSpool s = RocksSpool.openExisting(spool)) {
      assertThat(s.find(new QueueId(id))).isEmpty();
      assertThat(s.buckets()).isEqualTo(4);
    }
  }

  @Test
  void missingSpoolAndBadState_areClearErrors() {
    Run r = run("stats", "--spool-dir", dir.resolve("nothing").toString());
    assertThat(r.status()).isEqualTo(1);
    assertThat(r.err()).contains("there is no spool in");
    assertThat(dir.resolve("nothing")).doesNotExist();
  }

  @Test
  void spoolInUse_saysARelayMayBeRunning() throws Exception {
    Path spool = spoolWith(1);
    try (RocksSpool held = RocksSpool.openExisting(spool)) {
      Run r = run("stats", "--spool-dir", spool.toString());
      assertThat(r.status()).isEqualTo(1);
      assertThat(r.err()).contains("is a relay running on it?");
      assertThat(held.stats().total()).isEqualTo(1);
    }
  }

  @Test
  void admin_takesAUrlOnlyWhenOneFollows() {
    assertThat(admin("stats", "--admin")).isEqualTo("http://127.0.0.1:8588");
    assertThat(admin("stats", "--admin", "10.1.2.3:9000")).isEqualTo("10.1.2.3:9000");
    assertThat(admin("stats", "--admin=http://relay:8588")).isEqualTo("http://relay:8588");
    assertThat(admin("show", "--admin", "0KQ8ABCDEFGH")).isEqualTo("http://127.0.0.1:8588");
    assertThat(admin("stats")).isNull();
  }

  private static String admin(String... args) {
    CommandLine.ParseResult p =
        new CommandLine(new QueueCommand(java.util.Map.of())).parseArgs(args);
    QueueCommand.SpoolAction action =
        (QueueCommand.SpoolAction) p.subcommand().commandSpec().userObject();
    if (action instanceof QueueCommand.Show show) {
      assertThat(show.id).as("the id stays a parameter").isEqualTo("0KQ8ABCDEFGH");
    }
    return action.admin;
  }
}
