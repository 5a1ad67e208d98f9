package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Submission;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
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
    Run none = run("list", "--spool-dir", spool.toString(), "--state", "failed");
    assertThat(none.out()).isEmpty();
    assertThat(none.err()).isEqualTo("No messages match --state failed.\n");

    String id = list.out().lines().findFirst().orElseThrow().split(" ")[0];
    Run show = run("show", "--spool-dir", spool.toString(), id);
    assertThat(show.out()).contains("origin: test").contains("Subject: m");
  }

  @Test
  void show_stoppedRelayWithAFeedbackStore_endsWithTheHistory_alsoOnceTheMessageHasLeft()
      throws Exception {
    Path spool = spoolWith(1);
    String id =
        run("list", "--spool-dir", spool.toString())
            .out()
            .lines()
            .findFirst()
            .orElseThrow()
            .split(" ")[0];
    try (FeedbackStore store =
        FeedbackStore.open(
            spool.resolve("feedback"), FeedbackSettings.DEFAULTS, dev.sluice.core.Clock.system())) {
      store.recordAccepted(
          id,
          Instant.parse("2026-12-01T10:00:00Z"),
          "SMTP",
          "127.0.0.1",
          42,
          List.of("a@even.example"));
      store.recordAccepted(
          "gone1",
          Instant.parse("2026-12-01T09:00:00Z"),
          "HTTP",
          "127.0.0.1",
          7,
          List.of("x@y.example"));
      store.recordDelivered(
          "gone1",
          Instant.parse("2026-12-01T09:00:01Z"),
          List.of("ses-gone-1"),
          List.of("x@y.example"),
          "");
    }

    Run inSpool = run("show", "--spool-dir", spool.toString(), id);
    assertThat(inSpool.status()).as(inSpool.err()).isZero();
    assertThat(inSpool.out())
        .contains("Subject: m0")
        .contains("*** HISTORY " + id + " ***")
        .contains("2026-12-01T10:00:00Z  accepted   by SMTP from 127.0.0.1, 42 bytes, 1 recipient");

    Run gone = run("show", "--spool-dir", spool.toString(), "gone1");
    assertThat(gone.status()).as(gone.err()).isZero();
    assertThat(gone.out())
        .startsWith("*** HISTORY gone1 (no longer in the spool) ***")
        .contains("delivered  ses=ses-gone-1")
        .endsWith("*** END OF HISTORY gone1 ***\n");

    Run unknown = run("show", "--spool-dir", spool.toString(), "nosuch");
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).isEqualTo("sluice queue show: no message nosuch\n");

    Run elsewhere =
        run(
            "show",
            "--spool-dir",
            spool.toString(),
            "--feedback-dir",
            dir.resolve("none").toString(),
            id);
    assertThat(elsewhere.out()).doesNotContain("HISTORY");
    assertThat(elsewhere.err()).contains("no feedback store in");
  }

  @Test
  void list_emptySpool_saysTheQueueIsEmpty() throws Exception {
    Path spool = spoolWith(0);

    Run r = run("list", "--spool-dir", spool.toString());

    assertThat(r.status()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("The queue is empty.\n");
  }

  @Test
  void list_cutAtTheLimit_saysHowManyMoreAndHowToSeeThem() throws Exception {
    Path spool = spoolWith(5);

    Run cut = run("list", "--spool-dir", spool.toString(), "--limit", "3");
    assertThat(cut.status()).isZero();
    assertThat(cut.out().lines()).hasSize(3);
    assertThat(cut.err())
        .isEqualTo("-- 3 shown; 2 more not shown: --limit N shows more, --limit all every one\n");

    Run even =
        run("list", "--spool-dir", spool.toString(), "--domain", "even.example", "--limit", "1");
    assertThat(even.out().lines()).hasSize(1);
    assertThat(even.err()).startsWith("-- 1 shown; 2 more not shown");

    Run queued = run("list", "--spool-dir", spool.toString(), "--state", "queued", "--limit", "4");
    assertThat(queued.err()).startsWith("-- 4 shown; 1 more not shown");

    for (String all : List.of("all", "0", "ALL")) {
      Run r = run("list", "--spool-dir", spool.toString(), "--limit", all);
      assertThat(r.out().lines()).as(all).hasSize(5);
      assertThat(r.err()).as(all).isEmpty();
    }
    Run exact = run("list", "--spool-dir", spool.toString(), "--limit", "5");
    assertThat(exact.out().lines()).hasSize(5);
    assertThat(exact.err()).as("nothing was left out").isEmpty();

    Run bad = run("list", "--spool-dir", spool.toString(), "--limit", "-2");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("--limit takes a number of messages, 0 or 'all'");
  }

  @Test
  void list_domainFilterWithAVeryLongRest_countsUpToTheCap() throws Exception {
    Path spool = dir.resolve("spool");
    int n = QueueList.COUNT_CAP + 3;
    java.util.List<Submission> batch = new java.util.ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      batch.add(
          new Submission(
              new Envelope("app@example.com", List.of("x" + i + "@many.example")),
              "Subject: s\r\n\r\nb\r\n".getBytes(StandardCharsets.US_ASCII),
              Instant.now(),
              "test"));
    }
    try (RocksSpool s = RocksSpool.open(RocksSpoolConfig.builder(spool).buckets(1).build())) {
      assertThat(s.appendAll(batch).get()).hasSize(n);
    }

    Run r =
        run("list", "--spool-dir", spool.toString(), "--domain", "many.example", "--limit", "2");

    assertThat(r.out().lines()).hasSize(2);
    assertThat(r.err()).startsWith("-- 2 shown; more than 10,000 more not shown");
  }

  /** One message with a long body, taken and deferred once, in a spool of one bucket. */
  private QueueId deferredWithLongBody(Path spool, int bodyLines) throws Exception {
    StringBuilder m = new StringBuilder("From: app@example.com\r\nSubject: the subject\r\n\r\n");
    for (int i = 0; i < bodyLines; i++) {
      m.append("body line ").append(i).append("\r\n");
    }
    try (RocksSpool s = RocksSpool.open(RocksSpoolConfig.builder(spool).buckets(1).build())) {
      QueueId id =
          s.append(
                  new Submission(
                      new Envelope("app@example.com", List.of("a@x.example", "b@y.example")),
                      m.toString().getBytes(StandardCharsets.US_ASCII),
                      Instant.now(),
                      "smtp 127.0.0.1"))
              .get();
      assertThat(s.takeDue(0, Instant.now(), 1)).hasSize(1);
      s.reschedule(id, Instant.now().plusSeconds(600), 1, "451 4.3.0 try later").get();
      return id;
    }
  }

  @Test
  void show_byDefault_printsEnvelopeStateReasonAndHeadersButNotTheBody() throws Exception {
    Path spool = dir.resolve("spool");
    QueueId id = deferredWithLongBody(spool, 3);

    Run show = run("show", "--spool-dir", spool.toString(), id.value());

    assertThat(show.status()).as(show.err()).isZero();
    assertThat(show.out())
        .startsWith("*** ENVELOPE " + id + " ***\n")
        .contains("\nstate: deferred\n")
        .contains("\nattempts: 1\n")
        .contains("\nreason: 451 4.3.0 try later\n")
        .contains("\ndue: ")
        .contains("\norigin: smtp 127.0.0.1\n")
        .contains("\nsender: app@example.com\n")
        .contains("\nrecipient: a@x.example\nrecipient: b@y.example\n")
        .contains("*** MESSAGE HEADERS " + id + " ***\n")
        .contains("Subject: the subject\r\n*** END OF HEADERS " + id)
        .contains("--raw prints the whole message")
        .doesNotContain("body line");
  }

  @Test
  void show_raw_printsTheWholeSource_andCutsAtMaxContentSayingSo() throws Exception {
    Path spool = dir.resolve("spool");
    QueueId id = deferredWithLongBody(spool, 20_000); // ~ 330 KB

    Run whole = run("show", "--spool-dir", spool.toString(), "--raw", id.value());
    assertThat(whole.status()).as(whole.err()).isZero();
    assertThat(whole.out())
        .contains("*** MESSAGE CONTENTS " + id + " ***\nFrom: app@example.com\r\n")
        .contains("\r\n\r\nbody line 0\r\n")
        .contains("*** CUT after 65,536 of ")
        .contains("(--max-content all shows the rest)")
        .doesNotContain("body line 19999")
        .endsWith("*** END OF MESSAGE " + id + " ***\n");
    assertThat(whole.out().length()).isLessThan(70_000);

    Run all =
        run("show", "--spool-dir", spool.toString(), "--raw", "--max-content", "all", id.value());
    assertThat(all.out())
        .contains("body line 19999\r\n*** END OF MESSAGE " + id + " ***\n")
        .doesNotContain("*** CUT");

    Run small = run("show", "--spool-dir", spool.toString(), "--max-content", "10", id.value());
    assertThat(small.out()).contains("\nFrom: app@\n*** CUT after 10 of 45 octets");

    Run bad = run("show", "--spool-dir", spool.toString(), "--max-content", "lots", id.value());
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("--max-content").contains("'all'");
  }

  @Test
  void main_queueShow_printsTheWholeOutputBeforeExiting() throws Exception {
    Path spool = dir.resolve("spool");
    QueueId id = deferredWithLongBody(spool, 2);
    java.io.PrintStream saved = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new java.io.PrintStream(captured, false, StandardCharsets.UTF_8));
      status = Main.run("queue", "show", "--spool-dir", spool.toString(), id.value());
    } finally {
      System.setOut(saved);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(status).isZero();
    assertThat(out).contains("Subject: the subject").contains("*** END OF HEADERS " + id);
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
