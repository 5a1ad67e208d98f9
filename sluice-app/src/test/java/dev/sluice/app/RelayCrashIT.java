package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolFilter;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise behind {@code 250}: a relay process under SMTP load is killed with SIGKILL at a
 * random moment, three times over the same spool. After each kill, every message that got {@code
 * 250} is in the spool with its exact content; anything else in the spool is a message whose {@code
 * 250} was lost with the process (at most one per client connection), never a fragment.
 */
class RelayCrashIT {
  private static final int CLIENTS = 16;
  private static final Pattern PORT = Pattern.compile("SMTP smtp://127\\.0\\.0\\.1:(\\d+)");
  private static final Pattern HELD = Pattern.compile("(\\d+) messages held");
  private static final Pattern TEST_ID = Pattern.compile("\r\nX-Crash-Test: (c\\d+-\\d+)\r\n");

  @TempDir Path dir;

  @Test
  void sigkillUnderLoad_losesNoAcceptedMessageAndStoresNoFragment() throws Exception {
    Random random = new Random(20261128);
    Path spool = dir.resolve("spool");
    Set<String> everAccepted = new HashSet<>();
    Set<String> everAttempted = new HashSet<>();
    int spooledBefore = 0;
    for (int round = 0; round < 3; round++) {
      Process relay = startRelay(spool, "off");
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
        int port = -1;
        int held = -1;
        for (String line; (line = out.readLine()) != null && !line.contains("ready"); ) {
          Matcher m = PORT.matcher(line);
          if (m.find()) {
            port = Integer.parseInt(m.group(1));
          }
          Matcher h = HELD.matcher(line);
          if (h.find()) {
            held = Integer.parseInt(h.group(1));
          }
        }
        assertThat(port).as("SMTP port in the banner").isPositive();
        assertThat(held).as("messages found at start, round " + round).isEqualTo(spooledBefore);
        Thread.ofVirtual().start(() -> drain(out));

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        Set<String> attempted = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          String prefix = "c" + (round * CLIENTS + c) + "-";
          int smtpPort = port;
          clients.add(
              Thread.ofVirtual().start(() -> load(smtpPort, prefix, attempted, accepted, stop)));
        }
        Thread.sleep(600 + random.nextInt(1200));
        relay.destroyForcibly(); // SIGKILL
        assertThat(relay.waitFor(10, TimeUnit.SECONDS)).isTrue();
        stop.set(true);
        for (Thread t : clients) {
          t.join(10_000);
        }
        assertThat(accepted).as("the load reached the relay in round " + round).isNotEmpty();

        Map<String, Integer> spooled = readSpool(spool);
        everAccepted.addAll(accepted);
        everAttempted.addAll(attempted);
        assertThat(spooled.keySet()).as("every 250 survives").containsAll(everAccepted);
        assertThat(spooled.values()).as("no message stored twice").allMatch(n -> n == 1);
        Set<String> extra = new HashSet<>(spooled.keySet());
        extra.removeAll(everAccepted);
        assertThat(everAttempted).containsAll(extra);
        assertThat(extra.size())
            .as("stored without a 250 seen: only what was in flight at the kill")
            .isLessThanOrEqualTo(CLIENTS * (round + 1));
        System.out.printf(
            "round %d: %d accepted, %d stored without a 250 seen, %d in the spool%n",
            round, accepted.size(), extra.size(), spooled.size());
        spooledBefore = spooled.size();
      } finally {
        relay.destroyForcibly();
      }
    }
  }

  @Test
  void sigterm_stopsBothDoorsAndKeepsWhatWasAccepted() throws Exception {
    Path spool = dir.resolve("spool");
    Process relay = startRelay(spool, "0");
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
      int smtpPort = -1;
      int httpPort = -1;
      Pattern http = Pattern.compile("HTTP http://127\\.0\\.0\\.1:(\\d+)/v1/messages");
      for (String line; (line = out.readLine()) != null && !line.contains("ready"); ) {
        Matcher m = PORT.matcher(line);
        if (m.find()) {
          smtpPort = Integer.parseInt(m.group(1));
        }
        Matcher h = http.matcher(line);
        if (h.find()) {
          httpPort = Integer.parseInt(h.group(1));
        }
      }
      assertThat(smtpPort).isPositive();
      assertThat(httpPort).isPositive();
      try (SmtpClient c =
          SmtpClient.connect(
              SmtpClientConfig.builder("127.0.0.1", smtpPort)
                  .startTls(SmtpClientConfig.StartTls.NEVER, null)
                  .build())) {
        assertThat(c.send("app@example.com", List.of("to@example.net"), message("c0-0")))
            .isInstanceOf(SendResult.Accepted.class);
      }
      HttpResponse<String> r;
      try (HttpClient client = HttpClient.newHttpClient()) {
        r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + httpPort
                                + "/v1/messages?from=app%40example.com&to=to%40example.net"))
                    .header("Content-Type", "message/rfc822")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message("c1-0")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      relay.destroy(); // SIGTERM
      assertThat(relay.waitFor(20, TimeUnit.SECONDS)).isTrue();
      drain(out);
    } finally {
      relay.destroyForcibly();
    }
    assertThat(readSpool(spool)).containsOnlyKeys("c0-0", "c1-0");
  }

  private Process startRelay(Path spool, String httpPort) throws Exception {
    return startRelay(spool, httpPort, "--hold");
  }

  private Process startRelay(Path spool, String httpPort, String... more) throws Exception {
    Path jar = Path.of("target", "sluice.jar");
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toString(),
                "relay",
                "--smtp-port",
                "0",
                "--http-port",
                httpPort,
                // Never a default port: someone may be running a relay beside the tests.
                "--admin-port",
                "0",
                "--spool-dir",
                spool.toString()));
    cmd.addAll(List.of(more));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /**
   * Reads the banner up to "ready" and returns the SMTP port; the rest of the output is drained.
   */
  private static int smtpPortOf(Process relay) throws java.io.IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8));
    int port = -1;
    for (String line; (line = out.readLine()) != null && !line.contains("ready"); ) {
      Matcher m = PORT.matcher(line);
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      }
    }
    Thread.ofVirtual().start(() -> drain(out));
    return port;
  }

  @Test
  void sigkillWhileDelivering_everyAcceptedMessageReachesSesAtLeastOnce() throws Exception {
    Random random = new Random(1128);
    Path spool = dir.resolve("spool");
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "https-port=off",
                "smtp-port=off",
                "max-send-rate=unlimited",
                "latency=10ms",
                "inbox-size=100000",
                "inbox-bytes=512MB"))) {
      String upstream = "ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort();
      for (int round = 0; round < 3; round++) {
        Process relay = startRelay(spool, "off", "--upstream", upstream);
        try {
          int port = smtpPortOf(relay);
          assertThat(port).isPositive();
          Set<String> attempted = ConcurrentHashMap.newKeySet();
          AtomicBoolean stop = new AtomicBoolean();
          List<Thread> clients = new ArrayList<>();
          for (int c = 0; c < CLIENTS; c++) {
            String prefix = "c" + (round * CLIENTS + c) + "-";
            clients.add(
                Thread.ofVirtual().start(() -> load(port, prefix, attempted, accepted, stop)));
          }
          Thread.sleep(800 + random.nextInt(1500));
          relay.toHandle().destroyForcibly(); // SIGKILL, mid-delivery
          assertThat(relay.waitFor(10, TimeUnit.SECONDS)).isTrue();
          stop.set(true);
          for (Thread t : clients) {
            t.join(10_000);
          }
        } finally {
          relay.destroyForcibly();
        }
      }
      // A last start delivers whatever the kills left in the spool.
      Process relay = startRelay(spool, "off", "--upstream", upstream);
      Map<String, Integer> seen = new HashMap<>();
      try {
        smtpPortOf(relay);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        do {
          Thread.sleep(200);
          seen.clear();
          for (var m : sim.core().inbox().recent(1_000_000, m -> true)) {
            seen.merge(m.subject().substring("crash ".length()), 1, Integer::sum);
          }
        } while (!seen.keySet().containsAll(accepted) && System.nanoTime() < deadline);
        relay.destroy();
        assertThat(relay.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        relay.destroyForcibly();
      }
      assertThat(accepted).as("the load reached the relay").hasSizeGreaterThan(100);
      assertThat(seen.keySet()).as("every 250 reached SES").containsAll(accepted);
      int duplicates = seen.values().stream().mapToInt(n -> n - 1).sum();
      System.out.printf(
          "delivery crash test: %d accepted, %d delivered, %d duplicates%n",
          accepted.size(), seen.size(), duplicates);
      // At most what was in flight at each kill is delivered twice: 4 x max-in-flight (64).
      assertThat(duplicates).isLessThanOrEqualTo(3 * 256);
    }
  }

  /** Sends messages over one connection until told to stop or the connection dies. */
  private static void load(
      int port, String prefix, Set<String> attempted, Set<String> accepted, AtomicBoolean stop) {
    SmtpClientConfig config =
        SmtpClientConfig.builder("127.0.0.1", port)
            .startTls(SmtpClientConfig.StartTls.NEVER, null)
            .build();
    try (SmtpClient client = SmtpClient.connect(config)) {
      for (int n = 0; !stop.get(); n++) {
        String id = prefix + n;
        attempted.add(id);
        SendResult r = client.send("app@example.com", List.of("to@example.net"), message(id));
        if (r instanceof SendResult.Accepted) {
          accepted.add(id);
        } else {
          return;
        }
      }
    } catch (Exception e) {
      // the relay died: this client's last message may or may not be stored
    }
  }

  /** A 2 KB message whose body is a function of its id, so the spool's copy can be checked. */
  static byte[] message(String id) {
    StringBuilder b = new StringBuilder(2300);
    b.append("From: app@example.com\r\nTo: to@example.net\r\nSubject: crash ")
        .append(id)
        .append("\r\nX-Crash-Test: ")
        .append(id)
        .append("\r\n\r\n");
    Random r = new Random(id.hashCode());
    for (int line = 0; line < 28; line++) {
      for (int i = 0; i < 70; i++) {
        b.append((char) ('a' + r.nextInt(26)));
      }
      b.append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Opens the spool the killed relay left, checks each message and counts them by test id. */
  private static Map<String, Integer> readSpool(Path spool) {
    Map<String, Integer> seen = new HashMap<>();
    try (RocksSpool s = RocksSpool.open(RocksSpoolConfig.builder(spool).build())) {
      QueueId after = null;
      for (List<SpoolEntry> page; !(page = s.list(SpoolFilter.ALL, after, 500)).isEmpty(); ) {
        for (SpoolEntry e : page) {
          byte[] content = s.content(e.id()).orElseThrow();
          String text = new String(content, StandardCharsets.US_ASCII);
          Matcher m = TEST_ID.matcher(text);
          assertThat(m.find()).as("test id in " + e.id()).isTrue();
          String id = m.group(1);
          String original = new String(message(id), StandardCharsets.US_ASCII);
          assertThat(text).as("content of " + id).startsWith("Received: ").endsWith(original);
          assertThat(e.size()).isEqualTo(content.length);
          assertThat(e.envelope().recipients()).containsExactly("to@example.net");
          seen.merge(id, 1, Integer::sum);
        }
        after = page.get(page.size() - 1).id();
      }
    }
    return seen;
  }

  private static void drain(BufferedReader out) {
    try {
      while (out.readLine() != null) {
        // keep the pipe from filling
      }
    } catch (java.io.IOException e) {
      // the process is gone
    }
  }
}
