package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.kafka.EmbeddedKafka;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import io.micrometer.core.instrument.Counter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed mode end to end: one Kafka broker (KRaft, in this JVM), one simulator with a
 * MaxSendRate, and three relay processes sharing the topics. Mail goes in through all three; one
 * node is killed with SIGKILL while delivering. Every accepted message must reach the simulator,
 * duplicates must stay within what the dead node had in flight or uncommitted, and the three nodes
 * together must never send faster than the account allows: the simulator throttles nothing.
 */
class DistributedRelayIT {
  private static final Pattern PORT = Pattern.compile("SMTP smtp://127\\.0\\.0\\.1:(\\d+)");
  private static final int NODES = 3;
  private static final int CLIENTS_PER_NODE = 3;
  private static final int RATE = 60;

  @TempDir Path dir;

  @Test
  void threeNodes_oneKilledMidRun_deliverEverythingOnce_atMostAtTheAccountRate() throws Exception {
    Path props = dir.resolve("kafka-client.properties");
    // The dead node's partitions move after its session times out: keep that short for the test.
    Files.writeString(props, "session.timeout.ms=6000\nheartbeat.interval.ms=1000\n");
    try (EmbeddedKafka kafka = new EmbeddedKafka().start();
        Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "https-port=off",
                    "smtp-port=off",
                    "max-send-rate=" + RATE + "/s",
                    "max-24h-send=unlimited",
                    "latency=10ms",
                    "inbox-size=100000"))) {
      String upstream = "ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort();
      List<Process> nodes = new ArrayList<>();
      List<Integer> ports = new ArrayList<>();
      try {
        for (int i = 0; i < NODES; i++) {
          nodes.add(startNode(kafka.bootstrapServers(), upstream, props));
        }
        for (Process p : nodes) {
          int port = smtpPortOf(p);
          assertThat(port).as("a node's SMTP port").isPositive();
          ports.add(port);
        }

        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> clients = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
          for (int c = 0; c < CLIENTS_PER_NODE; c++) {
            String prefix = "n" + n + "c" + c + "-";
            int port = ports.get(n);
            clients.add(Thread.ofVirtual().start(() -> load(port, prefix, accepted, stop, 120)));
          }
        }
        // Kill the second node once delivery is well under way.
        awaitTrue(() -> received(sim).size() >= 150, 90, "the first deliveries");
        nodes.get(1).toHandle().destroyForcibly();
        assertThat(nodes.get(1).waitFor(10, TimeUnit.SECONDS)).isTrue();
        for (Thread t : clients) {
          t.join(60_000);
        }
        stop.set(true);
        assertThat(accepted).as("the load reached the nodes").hasSizeGreaterThan(500);

        Map<String, Integer> seen = new HashMap<>();
        awaitTrue(
            () -> {
              seen.clear();
              for (ReceivedMessage m : received(sim)) {
                seen.merge(m.subject().substring("dist ".length()), 1, Integer::sum);
              }
              if (seen.keySet().containsAll(accepted)) {
                return true;
              }
              List<String> missing =
                  accepted.stream().filter(id -> !seen.containsKey(id)).sorted().toList();
              missingSample = missing.subList(0, Math.min(20, missing.size())).toString();
              return false;
            },
            180,
            "every accepted message at the simulator (" + accepted.size() + " accepted)");
        int duplicates = seen.values().stream().mapToInt(k -> k - 1).sum();
        double throttled = count(sim, "rate_exceeded");
        double calls = count(sim, null);
        System.out.printf(
            "distributed: %d accepted, %d delivered, %d duplicates, %.0f calls, %.0f throttled%n",
            accepted.size(), seen.size(), duplicates, calls, throttled);
        // What the dead node had taken but not committed: its in-flight limit (4 x 64) at most.
        assertThat(duplicates).isLessThanOrEqualTo(256);
        assertThat(throttled).as("calls over the account's rate").isZero();
      } finally {
        for (Process p : nodes) {
          p.destroy();
        }
        for (Process p : nodes) {
          if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
      }
    }
  }

  private Process startNode(String bootstrap, String upstream, Path props) throws Exception {
    Path jar = Path.of("target", "sluice.jar");
    assertThat(jar).exists();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-Xmx256m",
            "-jar",
            jar.toString(),
            "relay",
            "--smtp-port",
            "0",
            "--http-port",
            "off",
            "--admin-port",
            "off",
            "--spool-backend",
            "kafka",
            "--kafka-bootstrap-servers",
            bootstrap,
            "--kafka-partitions",
            "6",
            "--kafka-replication-factor",
            "1",
            "--kafka-min-insync-replicas",
            "1",
            "--kafka-retry-tiers",
            "1s,5s",
            "--kafka-client-properties",
            props.toString(),
            "--retry-delays",
            "1s",
            "--upstream",
            upstream,
            "--max-send-rate",
            "account");
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** Reads a node's banner up to "ready" and returns its SMTP port; the rest is drained. */
  private static int smtpPortOf(Process node) throws java.io.IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    int port = -1;
    StringBuilder banner = new StringBuilder();
    for (String line; (line = out.readLine()) != null && !line.startsWith("relay: ready"); ) {
      banner.append(line).append('\n');
      Matcher m = PORT.matcher(line);
      if (m.find()) {
        port = Integer.parseInt(m.group(1));
      }
    }
    if (port < 0) {
      System.out.print(banner);
    }
    Thread.ofVirtual()
        .start(
            () -> {
              try {
                for (String line; (line = out.readLine()) != null; ) {
                  if (line.contains("distributed:")
                      || line.contains("ERROR")
                      || line.contains("WARN")) {
                    System.out.println("node: " + line);
                  }
                }
              } catch (java.io.IOException e) {
                // the node is gone
              }
            });
    return port;
  }

  /** Sends up to {@code max} messages over one connection, until stopped or the node dies. */
  private static void load(
      int port, String prefix, Set<String> accepted, AtomicBoolean stop, int max) {
    SmtpClientConfig config =
        SmtpClientConfig.builder("127.0.0.1", port)
            .startTls(SmtpClientConfig.StartTls.NEVER, null)
            .build();
    try (SmtpClient client = SmtpClient.connect(config)) {
      for (int n = 0; n < max && !stop.get(); n++) {
        String id = prefix + n;
        byte[] body =
            ("From: app@example.com\r\nTo: to@example.net\r\nSubject: dist "
                    + id
                    + "\r\n\r\nHello "
                    + id
                    + ".\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        SendResult r = client.send("app@example.com", List.of("r-" + id + "@example.net"), body);
        if (!(r instanceof SendResult.Accepted)) {
          return;
        }
        accepted.add(id);
      }
    } catch (Exception e) {
      // the node died: this client's last message may or may not have been accepted
    }
  }

  private static List<ReceivedMessage> received(Simulator sim) {
    List<ReceivedMessage> all = sim.core().inbox().recent(1_000_000, m -> true);
    receivedCount = all.size();
    return all;
  }

  /** Send calls the simulator answered with {@code outcome}, or all of them when null. */
  private static double count(Simulator sim, String outcome) {
    return sim.registry().find("simulator.sends").counters().stream()
        .filter(c -> outcome == null || outcome.equals(c.getId().getTag("outcome")))
        .mapToDouble(Counter::count)
        .sum();
  }

  private static volatile int receivedCount;
  private static volatile String missingSample = "";

  private static void awaitTrue(java.util.function.BooleanSupplier done, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after "
                + seconds
                + " s waiting for "
                + what
                + "; the simulator has "
                + receivedCount
                + " messages; missing "
                + missingSample);
      }
      Thread.sleep(200);
    }
  }
}
