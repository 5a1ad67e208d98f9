package dev.sluice.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.app.admin.AdminClient;
import dev.sluice.core.spool.SpoolState;
import dev.sluice.core.spool.SpoolStats;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice status}: asks a running relay's admin API how it stands — whether it takes new
 * mail, send rate against the shaped limit and MaxSendRate, quota used and left (the account's
 * figure as last read plus what the relay sent since, and how old that read is), calls in flight,
 * connections, throttles, each route (region, send rate, shaped rate, quota, health, where its mail
 * goes), each traffic class and each tenant cap against its limits, queue counts and the last
 * failures — and prints it.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Shows how a running relay stands: intake, rates, shaping, quota, in flight, throttles, queue.",
      "Asks the relay's admin API (relay.admin.port)."
    })
final class StatusCommand implements Callable<Integer> {
  /** The shaper's wait, when there is one worth saying: why messages taken are not in flight. */
  private static String bookedAhead(JsonNode seconds) {
    double s = seconds.asDouble(0);
    return s >= 1
        ? String.format(Locale.ROOT, "; %.0f s of sends booked ahead, waiting for the send rate", s)
        : "";
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FAILURES_SHOWN = 10;

  @CommandLine.Mixin AdminFlags adminFlags = new AdminFlags();

  @Option(names = "--json", description = "Prints the relay's answer as JSON.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> env;

  StatusCommand(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AdminClient client;
    try {
      client = adminFlags.client(env);
    } catch (IllegalArgumentException e) {
      err.println("sluice status: " + e.getMessage());
      return 2;
    }
    JsonNode stats;
    try {
      stats = client.stats();
    } catch (AdminClient.Failure e) {
      err.println("sluice status: " + e.getMessage() + hint(e));
      return 1;
    }
    if (json) {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(stats));
      return 0;
    }
    print(client, stats, out);
    return 0;
  }

  static String hint(AdminClient.Failure e) {
    return switch (e.code()) {
      case "auth_required", "invalid_token" ->
          " (give the relay's relay.admin.token with --token or SLUICE_ADMIN_TOKEN)";
      default -> "";
    };
  }

  private static void print(AdminClient client, JsonNode s, PrintWriter out) {
    JsonNode d = s.path("delivery");
    row(out, "relay", client.base() + "  at " + s.path("time").asText());
    row(out, "intake", intake(s.path("intake")));
    boolean delivering = d.path("delivering").asBoolean();
    row(
        out,
        "upstream",
        delivering ? d.path("upstream").asText() : "none: holding mail in the spool");
    row(
        out,
        "send rate",
        (delivering ? rate(d.path("sendRate")) + " now; " : "")
            + "shaped limit "
            + rate(d.path("shapedLimit"))
            + "; MaxSendRate "
            + rate(d.path("maxSendRate")));
    row(out, "quota", quota(d));
    for (JsonNode r : d.path("routes")) {
      row(out, "route " + r.path("name").asText(), route(r));
    }
    row(out, "in flight", count(d.path("inFlight")) + bookedAhead(d.path("bookedAheadSeconds")));
    row(out, "connections", count(d.path("connectionsOpened")) + " opened");
    row(out, "throttles", count(d.path("throttlesLastMinute")) + " in the last minute");
    for (JsonNode c : d.path("classes")) {
      row(
          out,
          "class " + c.path("name").asText(),
          String.format(
              Locale.ROOT,
              "share %.0f%%; %s now; in flight %d (%d reserved); %,d recipients waiting for the"
                  + " rate, %,d sent since start",
              c.path("share").asDouble() * 100,
              rate(c.path("sendRate")),
              c.path("inFlight").asInt(),
              c.path("reservedSlots").asInt(),
              c.path("waitingRecipients").asLong(),
              c.path("grantedRecipients").asLong()));
    }
    for (JsonNode t : d.path("tenants")) {
      row(
          out,
          "tenant " + t.path("tenant").asText(),
          String.format(
              Locale.ROOT,
              "%,d of %,d per %s; window ends %s; %,d held back, waiting for it",
              t.path("used").asLong(),
              t.path("cap").asLong(),
              t.path("window").asText(),
              t.path("windowEnds").asText(),
              t.path("waiting").asLong()));
    }
    SpoolStats q = AdminClient.spoolStats(s);
    StringBuilder queue = new StringBuilder();
    for (SpoolState st : SpoolState.values()) {
      queue
          .append(st.name().toLowerCase(Locale.ROOT))
          .append(' ')
          .append(String.format(Locale.ROOT, "%,d", q.count(st)))
          .append(", ");
    }
    queue.setLength(queue.length() - 2);
    queue
        .append("; total ")
        .append(String.format(Locale.ROOT, "%,d", q.total()))
        .append(", ")
        .append(bytes(q.bytes()))
        .append(q.oldestReceived().map(t -> ", oldest " + QueueCommand.age(t)).orElse(""));
    row(out, "queue", queue.toString());
    JsonNode t = s.path("totals");
    row(
        out,
        "since start",
        "accepted "
            + count(t.path("accepted"))
            + ", delivered "
            + count(t.path("delivered"))
            + ", deferred "
            + count(t.path("deferred"))
            + ", failed "
            + count(t.path("failed")));
    reputation(s.path("reputation"), out);
    JsonNode failures = s.path("recentFailures");
    if (failures.isEmpty()) {
      row(out, "failures", "none lately");
      return;
    }
    out.println("recent failures (newest first):");
    int shown = 0;
    for (JsonNode f : failures) {
      if (shown++ == FAILURES_SHOWN) {
        break;
      }
      out.printf(
          Locale.ROOT,
          "  %s  %s  %-8s %s%n",
          f.path("id").asText(),
          f.path("at").asText(),
          f.path("permanent").asBoolean() ? "failed" : "deferred",
          f.path("reason").asText());
    }
  }

  /**
   * The bounce and complaint rates per window and configuration set, with the counts they come from
   * and SES's thresholds; nothing from a relay that keeps no feedback store.
   */
  static void reputation(JsonNode r, PrintWriter out) {
    if (!r.isObject()) {
      return;
    }
    JsonNode b = r.path("thresholds").path("bounce");
    JsonNode c = r.path("thresholds").path("complaint");
    row(
        out,
        "reputation",
        "SES reviews at "
            + percent(b.path("review"))
            + " bounces or "
            + percent(c.path("review"))
            + " complaints, may pause at "
            + percent(b.path("pause"))
            + " or "
            + percent(c.path("pause")));
    for (JsonNode w : r.path("windows")) {
      String set = w.path("configurationSet").asText();
      long sends = w.path("sends").asLong();
      String line =
          sends == 0
              ? "no sends"
              : "bounces "
                  + rate(w, "bounceRate", "hardBounces", "bounceLevel")
                  + ", complaints "
                  + rate(w, "complaintRate", "complaints", "complaintLevel");
      out.printf(
          Locale.ROOT,
          "  %-20s %-3s  %s%n",
          set.isEmpty() ? "all mail" : set,
          w.path("window").asText(),
          line);
    }
  }

  private static String percent(JsonNode rate) {
    if (!rate.isNumber()) {
      return "-";
    }
    String p = String.format(Locale.ROOT, "%.3f", rate.asDouble() * 100);
    p = p.replaceAll("0+$", "").replaceAll("\\.$", "");
    return p + "%";
  }

  /** "0.5% (5 of 1,000)", then the level when it is not ok: " REVIEW". */
  private static String rate(JsonNode w, String rate, String count, String level) {
    String l = w.path(level).asText("ok");
    return percent(w.path(rate))
        + " ("
        + count(w.path(count))
        + " of "
        + count(w.path("sends"))
        + ")"
        + (l.equals("ok") ? "" : " " + l.toUpperCase(Locale.ROOT));
  }

  /** "accepting", or the refusal with its start, count and the storage's words. */
  static String intake(JsonNode in) {
    if (!in.isObject()) {
      return "-"; // a relay from before the intake state was reported
    }
    String state = in.path("state").asText();
    if (in.path("accepting").asBoolean()) {
      return state;
    }
    StringBuilder b = new StringBuilder(state);
    if (in.path("since").isTextual()) {
      b.append(" since ").append(in.path("since").asText());
    }
    b.append(", ").append(count(in.path("refused"))).append(" refused");
    String detail = in.path("detail").asText("");
    if (!detail.isEmpty()) {
      b.append(" (").append(detail).append(')');
    }
    return b.toString();
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "%-12s %s%n", label, value);
  }

  /** One route: its upstream, rate, quota and health, and where its mail goes when not to it. */
  private static String route(JsonNode r) {
    String name = r.path("name").asText();
    String via = r.path("sendsVia").asText();
    String health = r.path("health").asText();
    String goes =
        via.equals(name)
            ? ""
            : via.isEmpty()
                ? "; its mail waits in the spool (no route on its fail-over chain can send)"
                : "; failing over to " + via;
    JsonNode q = r.path("quota");
    String quota =
        !q.isObject()
            ? "quota not read yet"
            : count(q.path("used"))
                + " sent in 24 h"
                + (q.path("max24HourSend").asDouble() < 0
                    ? ""
                    : " of " + count(q.path("max24HourSend")));
    String region = r.path("region").asText("");
    return r.path("upstream").asText()
        + (region.isEmpty() ? "" : " (" + region + ")")
        + "; "
        + rate(r.path("sendRate"))
        + " now, shaped "
        + rate(r.path("shapedLimit"))
        + " of MaxSendRate "
        + rate(r.path("maxSendRate"))
        + "; "
        + quota
        + "; "
        + count(r.path("inFlight"))
        + " in flight; "
        + health
        + goes;
  }

  private static String quota(JsonNode d) {
    JsonNode q = d.path("quota");
    if (!q.isObject()) {
      return d.path("delivering").asBoolean() ? "not read yet" : "-";
    }
    String used = count(q.path("used")) + " used in the last 24 h";
    JsonNode max = q.path("max24HourSend");
    String paused = d.path("dailyPaused").asBoolean() ? " (sending paused until it has room)" : "";
    String read =
        " (account read "
            + QueueCommand.span(java.time.Duration.ofSeconds(q.path("readAgeSeconds").asLong()))
            + " ago: "
            + count(q.path("sentLast24Hours"))
            + " + "
            + count(q.path("sentSinceRead"))
            + " sent since)";
    if (!max.isNumber() || max.asDouble() < 0) {
      return used + ", unlimited" + read + paused;
    }
    return used + ", " + count(q.path("remaining")) + " left of " + count(max) + read + paused;
  }

  /** A rate from the API: recipients per second, "unlimited" when negative, "-" when unknown. */
  static String rate(JsonNode n) {
    if (!n.isNumber()) {
      return "-";
    }
    double r = n.asDouble();
    if (r < 0) {
      return "unlimited";
    }
    return (r < 10 ? String.format(Locale.ROOT, "%.1f", r) : String.format(Locale.ROOT, "%,.0f", r))
        + "/s";
  }

  private static String count(JsonNode n) {
    return n.isNumber() ? String.format(Locale.ROOT, "%,d", n.asLong()) : "-";
  }

  private static String bytes(long n) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double v = n;
    int i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }
}
