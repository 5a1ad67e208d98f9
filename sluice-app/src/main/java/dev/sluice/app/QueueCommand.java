package dev.sluice.app;

import dev.sluice.app.admin.AdminClient;
import dev.sluice.app.admin.MessageText;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.ByteSize;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.SpoolInUseException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sluice queue}: the operator's view of a spool. With {@code --admin} it asks a running
 * relay's admin API; without, it opens the spool directory of a stopped relay (the spool admits one
 * process at a time). Both print the same lines.
 */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = {
      "Inspects and changes the spool: counts, lists, one message, retry, delete.",
      "Asks a running relay with --admin [URL]; otherwise opens the spool directory of a",
      "stopped relay (--spool-dir)."
    },
    subcommands = {
      QueueCommand.Stats.class,
      QueueList.class,
      QueueCommand.Show.class,
      QueueCommand.Retry.class,
      QueueCommand.Delete.class
    })
final class QueueCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  /** Reads the admin token's environment variables from the process environment. */
  QueueCommand() {
    this(System.getenv());
  }

  QueueCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * What every subcommand shares: where the spool is, or which relay to ask, and how to reach it.
   */
  abstract static class SpoolAction implements Callable<Integer> {
    @Option(
        names = "--spool-dir",
        paramLabel = "PATH",
        description = "The stopped relay's spool directory. Default: ${DEFAULT-VALUE}.")
    Path spoolDir = Path.of(RelayConfig.SPOOL_DIR.defaultText());

    @Option(
        names = "--admin",
        arity = "0..1",
        parameterConsumer = AdminUrl.class,
        paramLabel = "URL",
        description =
            "Ask the running relay whose admin API is at URL (http://HOST:PORT or HOST:PORT)"
                + " instead of opening a spool; alone: "
                + AdminClient.DEFAULT_URL
                + ".")
    String admin;

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        description =
            "With --admin: the relay's admin token. Default: environment SLUICE_ADMIN_TOKEN (or"
                + " SLUICE_RELAY_ADMIN_TOKEN); prefer it to this flag, which others can see.")
    String token;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @ParentCommand QueueCommand parent;

    @Override
    public Integer call() throws Exception {
      java.io.PrintWriter out = spec.commandLine().getOut();
      java.io.PrintWriter err = spec.commandLine().getErr();
      if (admin != null) {
        return callRelay(out, err);
      }
      RocksSpool spool;
      try {
        spool = RocksSpool.openExisting(spoolDir);
      } catch (SpoolInUseException e) {
        err.println("sluice queue: " + spoolInUse(e));
        return 1;
      } catch (SpoolException e) {
        err.println("sluice queue: " + e.getMessage());
        return 1;
      }
      try (spool) {
        return run(spool, out, err);
      }
    }

    private int callRelay(java.io.PrintWriter out, java.io.PrintWriter err) {
      String name = "sluice queue " + spec.name();
      if (spec.commandLine().getParseResult().hasMatchedOption("--spool-dir")) {
        err.println(
            name + ": give either --spool-dir (a stopped relay) or --admin (a running one)");
        return 2;
      }
      AdminClient client;
      try {
        Map<String, String> env = parent == null ? System.getenv() : parent.env;
        client = AdminClient.of(admin, AdminClient.token(token, env));
      } catch (IllegalArgumentException e) {
        err.println(name + ": " + e.getMessage());
        return 2;
      }
      try {
        return run(client, out, err);
      } catch (AdminClient.Failure e) {
        err.println(name + ": " + e.getMessage() + StatusCommand.hint(e));
        return 1;
      }
    }

    abstract int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err)
        throws Exception;

    /** The same, asking a running relay. */
    abstract int run(AdminClient relay, java.io.PrintWriter out, java.io.PrintWriter err);
  }

  @Command(
      name = "stats",
      mixinStandardHelpOptions = true,
      description = "Counts by state, octets held, the oldest message.")
  static final class Stats extends SpoolAction {
    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) {
      print(spool.stats(), out);
      return 0;
    }

    @Override
    int run(AdminClient relay, java.io.PrintWriter out, java.io.PrintWriter err) {
      print(AdminClient.spoolStats(relay.stats()), out);
      return 0;
    }

    private static void print(SpoolStats s, java.io.PrintWriter out) {
      for (SpoolState st : SpoolState.values()) {
        out.printf(Locale.ROOT, "%-9s %d%n", st.name().toLowerCase(Locale.ROOT), s.count(st));
      }
      out.printf(Locale.ROOT, "%-9s %d%n", "total", s.total());
      out.printf(Locale.ROOT, "%-9s %d%n", "bytes", s.bytes());
      out.printf(
          Locale.ROOT,
          "%-9s %s%n",
          "oldest",
          s.oldestReceived().map(t -> t + " (" + age(t) + " ago)").orElse("-"));
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Shows one message as Postfix's postcat -q does: its envelope and state (attempts, the",
        "last reason, when it is due), then its header section, or with --raw the whole message.",
        "Content longer than --max-content is cut, and the output says so. Then its history:",
        "accepted, attempts, delivered (SES MessageIds), SES's events per recipient (from the",
        "running relay with --admin, else from the stopped relay's feedback store); a message",
        "that has left the spool shows its history alone."
      })
  static final class Show extends SpoolAction {
    private static final long BAD_SIZE = Long.MIN_VALUE;

    @Parameters(paramLabel = "ID", description = "The queue id.")
    String id;

    @Option(
        names = "--raw",
        description = "Print the whole message source (headers and body), not only its headers.")
    boolean raw;

    @Option(
        names = "--max-content",
        paramLabel = "SIZE",
        description =
            "Print at most this much of the content (512, 64KB, 1MB …); 'all' for no limit."
                + " Default: ${DEFAULT-VALUE}.")
    String maxContent = "64KB";

    @Option(
        names = "--feedback-dir",
        paramLabel = "PATH",
        description =
            "Without --admin: the stopped relay's feedback store, for the message's history."
                + " Default: feedback in --spool-dir (as relay.feedback.dir defaults).")
    Path feedbackDir;

    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) {
      long max = maxContent(err);
      if (max == BAD_SIZE) {
        return 2;
      }
      QueueId q = QueueId.parseOrNull(id);
      SpoolEntry e = q == null ? null : spool.find(q).orElse(null);
      byte[] content = e == null ? null : spool.content(q).orElse(null);
      List<Line> history = offlineHistory(err);
      if (content == null && history.isEmpty()) {
        err.println("sluice queue show: no message " + id);
        return 1;
      }
      if (content != null) {
        print(e, MessageText.of(content, !raw, max), out);
      }
      printHistory(id, content == null, history, out);
      return 0;
    }

    /** The message's history from the stopped relay's feedback store, when there is one. */
    private List<Line> offlineHistory(java.io.PrintWriter err) {
      Path dir = feedbackDir != null ? feedbackDir : spoolDir.resolve("feedback");
      if (!java.nio.file.Files.isDirectory(dir)) {
        if (feedbackDir != null) {
          err.println("sluice queue show: no feedback store in " + dir + "; history not shown");
        }
        return List.of();
      }
      try (FeedbackStore store =
          FeedbackStore.open(dir, FeedbackSettings.DEFAULTS, dev.sluice.core.Clock.system())) {
        return store.history(id).stream().map(Line::of).toList();
      } catch (java.io.IOException | RuntimeException x) {
        err.println("sluice queue show: history not shown: " + x.getMessage());
        return List.of();
      }
    }

    @Override
    int run(AdminClient relay, java.io.PrintWriter out, java.io.PrintWriter err) {
      long max = maxContent(err);
      if (max == BAD_SIZE) {
        return 2;
      }
      AdminClient.Shown shown;
      try {
        shown = relay.show(id, !raw, max);
      } catch (AdminClient.Failure e) {
        if (e.code().equals("no_such_message") || e.code().equals("invalid_id")) {
          err.println("sluice queue show: no message " + id);
          return 1;
        }
        throw e;
      }
      if (shown.entry() != null) {
        print(shown.entry(), shown.content(), out);
      }
      printHistory(id, shown.entry() == null, shown.history().stream().map(Line::of).toList(), out);
      return 0;
    }

    /** One history line as printed, from the admin API's JSON or the store's entry. */
    record Line(String time, String kind, String recipient, String sesMessageId, String detail) {
      static Line of(com.fasterxml.jackson.databind.JsonNode h) {
        return new Line(
            h.path("time").asText(),
            h.path("kind").asText(),
            h.path("recipient").asText(""),
            h.path("sesMessageId").asText(""),
            h.path("detail").asText());
      }

      static Line of(HistoryEntry h) {
        return new Line(
            h.time().toString(),
            h.kind().name().toLowerCase(Locale.ROOT),
            h.recipient(),
            h.sesMessageId(),
            h.detail());
      }
    }

    /** The history lines, one per line: time, kind, recipient, SES MessageId, what was said. */
    static void printHistory(String id, boolean gone, List<Line> history, java.io.PrintWriter out) {
      if (history.isEmpty() && !gone) {
        return;
      }
      out.println("*** HISTORY " + id + (gone ? " (no longer in the spool)" : "") + " ***");
      for (Line h : history) {
        StringBuilder b = new StringBuilder();
        b.append(h.time()).append("  ");
        b.append(String.format(Locale.ROOT, "%-9s", h.kind()));
        if (!h.recipient().isEmpty()) {
          b.append("  ").append(h.recipient());
        }
        if (!h.sesMessageId().isEmpty()) {
          b.append("  ses=").append(h.sesMessageId());
        }
        b.append("  ").append(h.detail());
        out.println(b.toString().stripTrailing());
      }
      out.println("*** END OF HISTORY " + id + " ***");
    }

    /** The bound in octets, -1 for none, or {@link #BAD_SIZE} after saying what is wrong. */
    private long maxContent(java.io.PrintWriter err) {
      if (maxContent.strip().equalsIgnoreCase("all")) {
        return -1;
      }
      try {
        return ByteSize.parse(maxContent).bytes();
      } catch (IllegalArgumentException | ArithmeticException e) {
        err.println("sluice queue show: --max-content: " + e.getMessage() + ", or 'all'");
        return BAD_SIZE;
      }
    }

    /** The envelope, then the content between markers, as {@code postcat -q} lays it out. */
    static void print(SpoolEntry e, MessageText content, java.io.PrintWriter out) {
      String id = e.id().value();
      out.println("*** ENVELOPE " + id + " ***");
      out.println("state: " + e.state().name().toLowerCase(Locale.ROOT));
      out.println("attempts: " + e.attempts());
      out.println("reason: " + (e.lastError().isEmpty() ? "-" : e.lastError()));
      out.println("received: " + e.received() + " (" + age(e.received()) + " ago)");
      out.println(
          (e.state() == SpoolState.FAILED ? "failed: " : "due: ") + e.due() + when(e.due()));
      out.println("origin: " + (e.origin().isEmpty() ? "-" : e.origin()));
      out.println("size: " + e.size() + " octets");
      out.println("sender: " + (e.envelope().from().isEmpty() ? "<>" : e.envelope().from()));
      for (String r : e.envelope().recipients()) {
        out.println("recipient: " + r);
      }
      out.println(
          "*** "
              + (content.headersOnly() ? "MESSAGE HEADERS " : "MESSAGE CONTENTS ")
              + id
              + " ***");
      out.print(content.text());
      if (!content.text().isEmpty() && !content.text().endsWith("\n")) {
        out.println();
      }
      if (content.cut()) {
        out.printf(
            Locale.ROOT,
            "*** CUT after %,d of %,d octets (--max-content all shows the rest) ***%n",
            content.shownOctets(),
            content.partOctets());
      }
      if (content.headersOnly()) {
        out.printf(
            Locale.ROOT,
            "*** END OF HEADERS %s (the body is not shown; --raw prints the whole message) ***%n",
            id);
      } else {
        out.println("*** END OF MESSAGE " + id + " ***");
      }
    }

    private static String when(Instant t) {
      Duration d = Duration.between(Instant.now(), t);
      return d.isNegative() || d.isZero()
          ? " (" + span(d.negated()) + " ago)"
          : " (in " + span(d) + ")";
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Makes waiting or failed messages due now.")
  static final class Retry extends SpoolAction {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "Queue ids.")
    List<String> ids;

    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) throws Exception {
      return each(ids, err, q -> spool.retryNow(q, Instant.now()).get(), "retry", out);
    }

    @Override
    int run(AdminClient relay, java.io.PrintWriter out, java.io.PrintWriter err) {
      return eachRemote(ids, err, relay::retry, "retry", out);
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Removes messages for good.")
  static final class Delete extends SpoolAction {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "Queue ids.")
    List<String> ids;

    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) throws Exception {
      return each(ids, err, q -> spool.delete(q).get(), "delete", out);
    }

    @Override
    int run(AdminClient relay, java.io.PrintWriter out, java.io.PrintWriter err) {
      return eachRemote(ids, err, relay::delete, "delete", out);
    }
  }

  /**
   * Reads {@code --admin}'s optional value: the next argument only when it has a colon (a URL or
   * HOST:PORT), so {@code sluice queue show --admin ID} leaves the queue id where it belongs.
   */
  static final class AdminUrl implements CommandLine.IParameterConsumer {
    @Override
    public void consumeParameters(
        java.util.Stack<String> args,
        CommandLine.Model.ArgSpec argSpec,
        CommandLine.Model.CommandSpec commandSpec) {
      boolean given = !args.isEmpty() && args.peek().contains(":");
      argSpec.setValue(given ? args.pop() : AdminClient.DEFAULT_URL);
    }
  }

  interface Change {
    boolean apply(QueueId id) throws InterruptedException, ExecutionException;
  }

  static int each(
      List<String> ids,
      java.io.PrintWriter err,
      Change change,
      String verb,
      java.io.PrintWriter out)
      throws InterruptedException, ExecutionException {
    int status = 0;
    for (String id : ids) {
      QueueId q = QueueId.parseOrNull(id);
      if (q != null && change.apply(q)) {
        out.println(verb + " " + q);
      } else {
        err.println("sluice queue " + verb + ": no such message (or it is active): " + id);
        status = 1;
      }
    }
    return status;
  }

  /**
   * Asks the relay to change each message in turn; a refusal (unknown, active, not an id) is named
   * and the rest still go ahead. A failure to reach the relay ends the run.
   */
  static int eachRemote(
      List<String> ids,
      java.io.PrintWriter err,
      java.util.function.Consumer<String> change,
      String verb,
      java.io.PrintWriter out) {
    int status = 0;
    for (String id : ids) {
      try {
        change.accept(id);
        out.println(verb + " " + id);
      } catch (AdminClient.Failure e) {
        if (e.status() / 100 != 4 || e.status() == 401) {
          throw e;
        }
        err.println("sluice queue " + verb + ": " + id + ": " + e.getMessage());
        status = 1;
      }
    }
    return status;
  }

  /**
   * Says that another process holds the spool, and what to do: what {@code sluice queue} and {@code
   * sluice relay} both print when they cannot open it.
   */
  static String spoolInUse(SpoolInUseException e) {
    return e.getMessage()
        + " (is a relay running on it? ask it with 'sluice queue --admin', or stop it first)";
  }

  static String line(SpoolEntry e) {
    return String.format(
        Locale.ROOT,
        "%s  %-8s %8d  %s  attempts=%d  %s -> %s%s",
        e.id(),
        e.state().name().toLowerCase(Locale.ROOT),
        e.size(),
        e.received(),
        e.attempts(),
        e.envelope().from().isEmpty() ? "<>" : e.envelope().from(),
        String.join(",", e.envelope().recipients()),
        e.lastError().isEmpty() ? "" : "  (" + e.lastError() + ")");
  }

  static String age(Instant t) {
    return span(Duration.between(t, Instant.now()));
  }

  /** A duration in its two largest units: {@code 2d3h}, {@code 5m10s}, {@code 42s}. */
  static String span(Duration d) {
    if (d.toDays() > 0) {
      return d.toDays() + "d" + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    return d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : d.toSeconds() + "s";
  }
}
