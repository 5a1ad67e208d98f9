package dev.sluice.app;

import dev.sluice.app.admin.AdminClient;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice queue list}: one line per message, oldest first, on standard output; what the lines
 * do not say — that nothing matched, or that the list was cut at {@code --limit} and how many more
 * there are — is a note on standard error, so a pipe reads only messages.
 *
 * <p>How many were not shown comes from the spool's counts by state when no {@code --domain} is
 * given (one cheap read); with a domain, only reading the rest can tell, so at most {@link
 * #COUNT_CAP} more are counted and a larger rest is reported as "more than".
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists messages, oldest first, with filters, one per line on standard output.",
      "Says on standard error when none match, or how many more --limit left out."
    })
final class QueueList extends QueueCommand.SpoolAction {
  /** The most entries read past the limit to count the rest of a domain filter. */
  static final int COUNT_CAP = 10_000;

  private static final int PAGE = 500;
  private static final int ALL = -1;

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
      description = "At most this many; 0 or 'all' for every one. Default: ${DEFAULT-VALUE}.")
  String limit = "100";

  /** Where the entries come from: a spool opened here, or a relay's admin API. */
  private interface Source {
    /**
     * Up to {@code n} entries passing the filters after the id {@code after} (null: from the
     * start).
     */
    List<SpoolEntry> page(String after, int n);

    /** The spool's counts by state. */
    SpoolStats stats();
  }

  @Override
  int run(Spool spool, PrintWriter out, PrintWriter err) {
    EnumSet<SpoolState> wanted = wanted(err);
    if (wanted == null) {
      return 2;
    }
    SpoolFilter filter = new SpoolFilter(wanted, domain, null);
    return list(
        new Source() {
          @Override
          public List<SpoolEntry> page(String after, int n) {
            return spool.list(filter, after == null ? null : new QueueId(after), n);
          }

          @Override
          public SpoolStats stats() {
            return spool.stats();
          }
        },
        wanted,
        out,
        err);
  }

  @Override
  int run(AdminClient relay, PrintWriter out, PrintWriter err) {
    EnumSet<SpoolState> wanted = wanted(err);
    if (wanted == null) {
      return 2;
    }
    Set<String> names = new TreeSet<>();
    wanted.forEach(st -> names.add(st.name().toLowerCase(Locale.ROOT)));
    return list(
        new Source() {
          @Override
          public List<SpoolEntry> page(String after, int n) {
            return relay.list(names, domain, after, n).entries();
          }

          @Override
          public SpoolStats stats() {
            return AdminClient.spoolStats(relay.stats());
          }
        },
        wanted,
        out,
        err);
  }

  /** The states asked for, or null after saying which one is unknown. */
  private EnumSet<SpoolState> wanted(PrintWriter err) {
    EnumSet<SpoolState> wanted = EnumSet.noneOf(SpoolState.class);
    for (String st : states) {
      try {
        wanted.add(SpoolState.valueOf(st.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        err.println("sluice queue list: unknown state '" + st + "'");
        return null;
      }
    }
    return wanted;
  }

  private int list(Source src, EnumSet<SpoolState> wanted, PrintWriter out, PrintWriter err) {
    int max = limit(err);
    if (max == Integer.MIN_VALUE) {
      return 2;
    }
    String after = null;
    long shown = 0;
    boolean end = false;
    while (max == ALL || shown < max) {
      int n = max == ALL ? PAGE : (int) Math.min(PAGE, max - shown);
      List<SpoolEntry> page = src.page(after, n);
      for (SpoolEntry e : page) {
        out.println(QueueCommand.line(e));
      }
      shown += page.size();
      if (page.size() < n) {
        end = true;
        break;
      }
      after = page.get(page.size() - 1).id().value();
    }
    if (shown == 0) {
      err.println(
          wanted.isEmpty() && domain.isEmpty()
              ? "The queue is empty."
              : "No messages match" + filters(wanted) + ".");
      return 0;
    }
    if (!end && !src.page(after, 1).isEmpty()) {
      err.println(
          String.format(
                  Locale.ROOT, "-- %,d shown; %s not shown", shown, rest(src, wanted, after, shown))
              + ": --limit N shows more, --limit all every one");
    }
    return 0;
  }

  /** How many pass the filters after the ones shown, in words; at least one is known to. */
  private String rest(Source src, EnumSet<SpoolState> wanted, String after, long shown) {
    if (domain.isEmpty()) {
      SpoolStats s = src.stats();
      long total = 0;
      for (SpoolState st : wanted.isEmpty() ? EnumSet.allOf(SpoolState.class) : wanted) {
        total += s.count(st);
      }
      // The counts are read after the list, so mail arriving or leaving meanwhile moves them.
      return String.format(Locale.ROOT, "%,d more", Math.max(1, total - shown));
    }
    long counted = 0;
    while (counted < COUNT_CAP) {
      int n = (int) Math.min(1000, COUNT_CAP - counted);
      List<SpoolEntry> page = src.page(after, n);
      counted += page.size();
      if (page.size() < n) {
        return String.format(Locale.ROOT, "%,d more", Math.max(1, counted));
      }
      after = page.get(page.size() - 1).id().value();
    }
    return String.format(Locale.ROOT, "more than %,d more", counted);
  }

  private String filters(EnumSet<SpoolState> wanted) {
    StringBuilder b = new StringBuilder();
    if (!wanted.isEmpty()) {
      Set<String> names = new TreeSet<>();
      wanted.forEach(st -> names.add(st.name().toLowerCase(Locale.ROOT)));
      b.append(" --state ").append(String.join(",", names));
    }
    if (!domain.isEmpty()) {
      b.append(" --domain ").append(domain);
    }
    return b.toString();
  }

  /** The limit: a count, {@link #ALL}, or {@code Integer.MIN_VALUE} after saying what is wrong. */
  private int limit(PrintWriter err) {
    String l = limit.strip().toLowerCase(Locale.ROOT);
    if (l.equals("all") || l.equals("0")) {
      return ALL;
    }
    try {
      int n = Integer.parseInt(l);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    err.println(
        "sluice queue list: --limit takes a number of messages, 0 or 'all', got '" + limit + "'");
    return Integer.MIN_VALUE;
  }
}
