package dev.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.app.admin.AdminClient;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.store.SuppressionCsv;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code sluice suppression}: the running relay's suppression list, through its admin API (list,
 * add, remove, import and export as CSV).
 */
@Command(
    name = "suppression",
    mixinStandardHelpOptions = true,
    description = {
      "Lists and changes the relay's suppression list: addresses never sent to (hard bounces,",
      "complaints, the operator's). Asks the running relay's admin API (--admin [URL]).",
      "CSV: address,reason,time,cause (reason BOUNCE, COMPLAINT, MANUAL or SES; time ISO-8601)."
    },
    subcommands = {
      SuppressionCommand.ListCmd.class,
      SuppressionCommand.Add.class,
      SuppressionCommand.Remove.class,
      SuppressionCommand.Import.class,
      SuppressionCommand.Export.class
    })
final class SuppressionCommand implements Runnable {
  /** The most CSV octets sent in one import request (the admin API takes 64 KB). */
  static final int CHUNK = 48 * 1024;

  private static final int PAGE = 1000;

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  SuppressionCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand shares: which relay to ask and how. */
  abstract static class Action implements Callable<Integer> {
    @Option(
        names = "--admin",
        arity = "0..1",
        parameterConsumer = QueueCommand.AdminUrl.class,
        paramLabel = "URL",
        description =
            "The running relay's admin API (http://HOST:PORT or HOST:PORT). Default: "
                + AdminClient.DEFAULT_URL
                + ".")
    String admin = AdminClient.DEFAULT_URL;

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        description =
            "The relay's admin token. Default: environment SLUICE_ADMIN_TOKEN (or"
                + " SLUICE_RELAY_ADMIN_TOKEN); prefer it to this flag, which others can see.")
    String token;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @ParentCommand SuppressionCommand parent;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String name = "sluice suppression " + spec.name();
      AdminClient client;
      try {
        Map<String, String> env = parent == null ? System.getenv() : parent.env;
        client = AdminClient.of(admin, AdminClient.token(token, env));
      } catch (IllegalArgumentException e) {
        err.println(name + ": " + e.getMessage());
        return 2;
      }
      try {
        return run(client, out, err, name);
      } catch (AdminClient.Failure e) {
        err.println(name + ": " + e.getMessage() + StatusCommand.hint(e));
        return 1;
      }
    }

    abstract int run(AdminClient relay, PrintWriter out, PrintWriter err, String name)
        throws IOException;
  }

  /** One entry of the API as the list's record. */
  static Suppression entry(JsonNode n) {
    return new Suppression(
        n.path("address").asText(),
        Suppression.Reason.valueOf(n.path("reason").asText()),
        Instant.parse(n.path("since").asText()),
        n.path("cause").asText(),
        n.path("source").asText());
  }

  /** Every page of the list from the relay, in address order, to {@code each}. */
  static long pages(
      AdminClient relay,
      String prefix,
      String reason,
      int limit,
      java.util.function.Consumer<Suppression> each) {
    String after = "";
    long n = 0;
    do {
      int want = limit <= 0 ? PAGE : (int) Math.min(PAGE, limit - n);
      JsonNode page =
          relay.get(
              "api/suppression?limit="
                  + want
                  + (prefix == null ? "" : "&prefix=" + AdminClient.encode(prefix))
                  + (reason == null ? "" : "&reason=" + AdminClient.encode(reason))
                  + (after.isEmpty() ? "" : "&after=" + AdminClient.encode(after)));
      for (JsonNode s : page.path("suppressions")) {
        each.accept(entry(s));
        n++;
      }
      after = page.path("next").isTextual() ? page.path("next").asText() : "";
    } while (!after.isEmpty() && (limit <= 0 || n < limit));
    return n;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists suppressed addresses in address order: address, reason, since, cause.")
  static final class ListCmd extends Action {
    @Option(names = "--prefix", paramLabel = "TEXT", description = "Only addresses starting so.")
    String prefix;

    @Option(
        names = "--reason",
        paramLabel = "REASON",
        description = "Only this reason: bounce, complaint, manual or ses.")
    String reason;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most N addresses; 0 for all. Default: ${DEFAULT-VALUE}.")
    int limit = 100;

    @Override
    int run(AdminClient relay, PrintWriter out, PrintWriter err, String name) {
      long n =
          pages(
              relay,
              prefix,
              reason,
              limit,
              s ->
                  out.printf(
                      Locale.ROOT,
                      "%s  %-9s  %s  %s%n",
                      s.address(),
                      s.reason().name().toLowerCase(Locale.ROOT),
                      s.time(),
                      s.cause().isEmpty() ? "-" : s.cause()));
      if (n == 0) {
        err.println(name + ": no suppressed addresses" + (prefix == null ? "" : " match"));
      }
      return 0;
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Puts addresses on the list (an address already there keeps its entry).")
  static final class Add extends Action {
    @Parameters(arity = "1..*", paramLabel = "ADDRESS", description = "Addresses.")
    List<String> addresses;

    @Option(
        names = "--reason",
        paramLabel = "REASON",
        description = "bounce, complaint, manual or ses. Default: ${DEFAULT-VALUE}.")
    String reason = "manual";

    @Option(names = "--cause", paramLabel = "TEXT", description = "A note kept with the entry.")
    String cause = "";

    @Override
    int run(AdminClient relay, PrintWriter out, PrintWriter err, String name) {
      int status = 0;
      for (String a : addresses) {
        try {
          JsonNode r =
              relay.send(
                  "PUT",
                  "api/suppression/"
                      + AdminClient.encode(a)
                      + "?reason="
                      + AdminClient.encode(reason)
                      + (cause.isEmpty() ? "" : "&cause=" + AdminClient.encode(cause)),
                  null,
                  null);
          Suppression s = entry(r.path("suppression"));
          out.println(
              (r.path("added").asBoolean() ? "added " : "already listed ")
                  + s.address()
                  + " ("
                  + s.reason().name().toLowerCase(Locale.ROOT)
                  + " since "
                  + s.time()
                  + ")");
        } catch (AdminClient.Failure e) {
          if (e.status() / 100 != 4 || e.status() == 401) {
            throw e;
          }
          err.println(name + ": " + a + ": " + e.getMessage());
          status = 1;
        }
      }
      return status;
    }
  }

  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Takes addresses off the list.")
  static final class Remove extends Action {
    @Parameters(arity = "1..*", paramLabel = "ADDRESS", description = "Addresses.")
    List<String> addresses;

    @Override
    int run(AdminClient relay, PrintWriter out, PrintWriter err, String name) {
      return QueueCommand.eachRemote(
          addresses,
          err,
          a -> relay.send("DELETE", "api/suppression/" + AdminClient.encode(a), null, null),
          "remove",
          out);
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Adds the addresses of a CSV file (address,reason,time,cause; header optional; reason,",
        "time and cause may be left out). Bad lines are named by number and skipped."
      })
  static final class Import extends Action {
    @Parameters(paramLabel = "FILE", description = "The CSV file; - for standard input.")
    String file;

    @Override
    int run(AdminClient relay, PrintWriter out, PrintWriter err, String name) throws IOException {
      long added = 0;
      long already = 0;
      long bad = 0;
      try (BufferedReader in =
          file.equals("-")
              ? new BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8))
              : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
        StringBuilder chunk = new StringBuilder();
        int chunkFirst = 1;
        int lineNo = 0;
        boolean open = false; // inside a quoted field that spans lines
        String line;
        while ((line = in.readLine()) != null) {
          lineNo++;
          chunk.append(line).append('\n');
          open ^= (line.chars().filter(c -> c == '"').count() % 2) == 1;
          if (!open && chunk.length() >= CHUNK) {
            JsonNode r = post(relay, chunk, chunkFirst);
            added += r.path("added").asLong();
            already += r.path("alreadyListed").asLong();
            bad += report(r, err, name);
            chunk.setLength(0);
            chunkFirst = lineNo + 1;
          }
        }
        if (!chunk.isEmpty()) {
          JsonNode r = post(relay, chunk, chunkFirst);
          added += r.path("added").asLong();
          already += r.path("alreadyListed").asLong();
          bad += report(r, err, name);
        }
      }
      out.printf(Locale.ROOT, "added %d, already listed %d, bad lines %d%n", added, already, bad);
      return bad == 0 ? 0 : 1;
    }

    private static JsonNode post(AdminClient relay, StringBuilder chunk, int first) {
      return relay.send(
          "POST",
          "api/suppression/import?first-line=" + first,
          chunk.toString().getBytes(StandardCharsets.UTF_8),
          "text/csv; charset=utf-8");
    }

    private static long report(JsonNode r, PrintWriter err, String name) {
      long n = 0;
      for (JsonNode b : r.path("badLines")) {
        err.println(name + ": " + b.asText());
        n++;
      }
      return n;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Writes the whole list as CSV (address,reason,time,cause), in address order.")
  static final class Export extends Action {
    @Parameters(
        arity = "0..1",
        paramLabel = "FILE",
        description = "Where to write; standard output when left out.")
    Path file;

    @Override
    int run(AdminClient relay, PrintWriter out, PrintWriter err, String name) throws IOException {
      Writer w = file == null ? out : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      try {
        w.write(SuppressionCsv.HEADER + "\r\n");
        long n =
            pages(
                relay,
                null,
                null,
                0,
                s -> {
                  try {
                    w.write(SuppressionCsv.line(s));
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                });
        w.flush();
        if (file != null) {
          err.println(name + ": " + n + " addresses written to " + file);
        }
      } finally {
        if (file != null) {
          w.close();
        }
      }
      return 0;
    }
  }
}
