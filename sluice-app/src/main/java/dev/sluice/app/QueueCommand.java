package dev.sluice.app;

import dev.sluice.app.relay.RelayConfig;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolException;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import dev.sluice.spool.RocksSpool;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice queue}: the operator's view of a spool. This version works on a spool directory
 * whose relay is stopped (the spool admits one process at a time).
 */
@Command(
    name = "queue",
    mixinStandardHelpOptions = true,
    description = {
      "Inspects and changes the spool: counts, lists, one message, retry, delete.",
      "Works on the spool directory of a stopped relay."
    },
    subcommands = {
      QueueCommand.Stats.class,
      QueueCommand.ListCmd.class,
      QueueCommand.Show.class,
      QueueCommand.Retry.class,
      QueueCommand.Delete.class
    })
final class QueueCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand shares: where the spool is, and how to open it. */
  abstract static class SpoolAction implements Callable<Integer> {
    @Option(
        names = "--spool-dir",
        paramLabel = "PATH",
        description = "The relay's spool directory. Default: ${DEFAULT-VALUE}.")
    Path spoolDir = Path.of(RelayConfig.SPOOL_DIR.defaultText());

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      java.io.PrintWriter out = spec.commandLine().getOut();
      java.io.PrintWriter err = spec.commandLine().getErr();
      RocksSpool spool;
      try {
        spool = RocksSpool.openExisting(spoolDir);
      } catch (SpoolException e) {
        String m = e.getMessage();
        err.println(
            "sluice queue: "
                + m
                + (m.contains("lock") ? " (is a relay running on it? stop it first)" : ""));
        return 1;
      }
      try (spool) {
        return run(spool, out, err);
      }
    }

    abstract int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err)
        throws Exception;
  }

  @Command(name = "stats", description = "Counts by state, octets held, the oldest message.")
  static final class Stats extends SpoolAction {
    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) {
      SpoolStats s = spool.stats();
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
      return 0;
    }
  }

  @Command(name = "list", description = "Lists messages, oldest first, with filters.")
  static final class ListCmd extends SpoolAction {
    @Option(
        names = "--state",
        split = ",",
        paramLabel = "STATE",
        description = "Only these states: queued, active, deferred, failed.")
    Set<String> states = Set.of();

    @Option(
        names = "--domain",
        paramLabel = "DOMAIN",
        description = "Only messages with a recipient in this domain.")
    String domain = "";

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most this many. Default: ${DEFAULT-VALUE}.")
    int limit = 100;

    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) {
      EnumSet<SpoolState> wanted = EnumSet.noneOf(SpoolState.class);
      for (String st : states) {
        try {
          wanted.add(SpoolState.valueOf(st.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          err.println("sluice queue list: unknown state '" + st + "'");
          return 2;
        }
      }
      SpoolFilter filter = new SpoolFilter(wanted, domain, null);
      QueueId after = null;
      int shown = 0;
      while (shown < limit) {
        List<SpoolEntry> page = spool.list(filter, after, Math.min(500, limit - shown));
        if (page.isEmpty()) {
          break;
        }
        for (SpoolEntry e : page) {
          out.println(line(e));
        }
        shown += page.size();
        after = page.get(page.size() - 1).id();
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Shows one message: its entry and its content.")
  static final class Show extends SpoolAction {
    @Parameters(paramLabel = "ID", description = "The queue id.")
    String id;

    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) {
      QueueId q = QueueId.parseOrNull(id);
      SpoolEntry e = q == null ? null : spool.find(q).orElse(null);
      if (e == null) {
        err.println("sluice queue show: no message " + id);
        return 1;
      }
      out.println(line(e));
      out.println("origin: " + e.origin());
      out.println();
      out.print(new String(spool.content(q).orElse(new byte[0]), StandardCharsets.UTF_8));
      return 0;
    }
  }

  @Command(name = "retry", description = "Makes waiting or failed messages due now.")
  static final class Retry extends SpoolAction {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "Queue ids.")
    List<String> ids;

    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) throws Exception {
      return each(ids, err, q -> spool.retryNow(q, Instant.now()).get(), "retry", out);
    }
  }

  @Command(name = "delete", description = "Removes messages for good.")
  static final class Delete extends SpoolAction {
    @Parameters(arity = "1..*", paramLabel = "ID", description = "Queue ids.")
    List<String> ids;

    @Override
    int run(Spool spool, java.io.PrintWriter out, java.io.PrintWriter err) throws Exception {
      return each(ids, err, q -> spool.delete(q).get(), "delete", out);
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
    Duration d = Duration.between(t, Instant.now());
    if (d.toDays() > 0) {
      return d.toDays() + "d" + d.toHoursPart() + "h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    return d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : d.toSeconds() + "s";
  }
}
