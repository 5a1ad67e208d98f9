package dev.sluice.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.app.HttpSubmit;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.feedback.store.Reputation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard and the alert rules under {@code ops/} read only metrics a running relay exports: a
 * relay on free ports delivers to its embedded simulator (one message bounced, so SES's feedback
 * counts exist), is restarted on the same spool so its reputation gauges are read at start, and its
 * {@code /metrics} is compared with every series name in the dashboard's and the rules' PromQL.
 * Renaming a metric, or using one that is not exported, fails here.
 */
class OpsMetricsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIM = "@simulator.amazonses.com";

  /** Made by Prometheus for each scrape target, never by the target. */
  private static final Set<String> FROM_THE_SCRAPE = Set.of("up");

  @TempDir Path dir;
  private Relay relay;

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void dashboardAndRules_runningRelay_everyMetricTheyReadIsExported() throws Exception {
    Map<String, Set<String>> used = new TreeMap<>();
    OpsFiles.dashboardQueries().forEach((where, expr) -> note(used, where, expr));
    int fromDashboard = used.size();
    OpsFiles.ruleQueries().forEach((where, expr) -> note(used, where, expr));
    assertThat(fromDashboard).as("series names in the dashboard").isGreaterThan(30);
    assertThat(OpsFiles.ruleQueries()).as("alert rules").hasSizeGreaterThan(10);

    relay = Relay.start(RelayConfig.onFreePorts(dir.resolve("spool")), Map.of(), dir);
    for (String to : new String[] {"success" + SIM, "bounce" + SIM, "complaint" + SIM}) {
      HttpSubmit.accepted(relay.httpPort(), to);
    }
    var store = relay.feedback().orElseThrow();
    await(
        () -> {
          Reputation r = store.reputation("", Duration.ofHours(24));
          return r.sends() >= 3 && r.hardBounces() >= 1 && r.complaints() >= 1;
        },
        "three sends, a bounce and a complaint counted");
    relay.close();

    // A relay reads the reputation counters at start (then every minute): restart to see them now.
    relay = Relay.start(RelayConfig.onFreePorts(dir.resolve("spool")), Map.of(), dir);
    HttpSubmit.accepted(relay.httpPort(), "success" + SIM);
    // A door refusal, so sluice_smtp_refusals_total{code,status} has a series: the bounced address
    // is suppressed now.
    assertThat(smtpRecipient("bounce" + SIM)).startsWith("550 5.1.1");
    // jvm_gc_pause_seconds is exported from the first collection after the binder is bound on.
    System.gc();
    // Reputation gauges appear once the restarted relay has read the counters: poll until every
    // name is there or the deadline passes, then show what is missing.
    Set<String> missing = new TreeSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    do {
      Set<String> exported = exportedSeries(scrape());
      missing.clear();
      used.forEach(
          (name, where) -> {
            if (!exported.contains(name) && !FROM_THE_SCRAPE.contains(name)) {
              missing.add(name + " (" + String.join("; ", where) + ")");
            }
          });
    } while (!missing.isEmpty() && System.nanoTime() < deadline && pause());
    assertThat(missing).as("metrics read by ops/ but not exported").isEmpty();
  }

  private static void note(Map<String, Set<String>> used, String where, String expr) {
    for (String name : PromQlNames.in(expr)) {
      used.computeIfAbsent(name, k -> new TreeSet<>()).add(where);
    }
  }

  /** The series names of an exposition: each sample line's name, _bucket/_count/_sum included. */
  static Set<String> exportedSeries(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  private String scrape() {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(relay.adminUri().resolve("/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return r.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The relay's SMTP answer to RCPT TO the address, in a session of plain commands. */
  private String smtpRecipient(String to) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), relay.smtpPort())) {
      socket.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
      reply(in);
      for (String command : List.of("HELO app.test", "MAIL FROM:<app@example.com>")) {
        out.write(command + "\r\n");
        out.flush();
        assertThat(reply(in)).as(command).startsWith("250");
      }
      out.write("RCPT TO:<" + to + ">\r\n");
      out.flush();
      String answer = reply(in);
      out.write("QUIT\r\n");
      out.flush();
      return answer;
    }
  }

  /** One SMTP reply, its last line (continuation lines have a dash after the code). */
  private static String reply(BufferedReader in) throws IOException {
    String line;
    do {
      line = in.readLine();
      assertThat(line).as("an SMTP reply").isNotNull();
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }

  private static boolean pause() {
    try {
      Thread.sleep(50);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
