package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.app.relay.Relay;
import dev.sluice.app.relay.RelayConfig;
import dev.sluice.kafka.EmbeddedKafka;
import dev.sluice.simulator.ReceivedMessage;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import dev.sluice.testkit.Await;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes in distributed mode: two relay nodes on one Kafka broker (KRaft, in this JVM), two routes
 * to two simulators (MaxSendRate 20/s and 40/s), mail picked for both by header and by rule and
 * taken in through both nodes. Each node takes its share of each route's rate, so neither account
 * is ever throttled, and every message reaches its route's simulator exactly once.
 */
class KafkaRoutesIT {
  private static final int TO_SMALL = 120;
  private static final int TO_LARGE = 240;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private EmbeddedKafka kafka;
  private Simulator small;
  private Simulator large;
  private final List<Relay> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(Relay::close);
    for (AutoCloseable c : new AutoCloseable[] {small, large, kafka}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static Simulator simulator(String rate) {
    return Simulator.start(
        SimulatorConfig.onFreePorts(
            "https-port=off", "smtp-port=off", "inbox-size=5000", "max-send-rate=" + rate));
  }

  private Relay node(int n) {
    String url = "ses-v2+http://127.0.0.1:";
    return Relay.start(
        RelayConfig.onFreePorts(
            dir.resolve("node" + n),
            "spool.backend=kafka",
            "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "kafka.topic-prefix=routes",
            "kafka.group-id=routes",
            "kafka.partitions=6",
            "kafka.replication-factor=1",
            "kafka.min-insync-replicas=1",
            "kafka.retry-tiers=1s,5s",
            "retry.delays=1s",
            "upstream=" + url + large.httpEndpoint().getPort(),
            "route.small.upstream=" + url + small.httpEndpoint().getPort(),
            "route-rule.10=sender-domain small.example -> small"),
        Map.of(),
        dir.resolve("node" + n));
  }

  @Test
  void twoNodesTwoRoutes_eachNodeTakesItsShareOfEachRoute_noThrottleAndEachMessageOnce()
      throws Exception {
    kafka = new EmbeddedKafka().start();
    small = simulator("20/s");
    large = simulator("40/s");
    nodes.add(node(1));
    nodes.add(node(2));
    Await.until(
        "the partitions to be split between the nodes",
        Duration.ofSeconds(60),
        () -> nodes.stream().allMatch(r -> r.sender().share() == 0.5),
        this::shares);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int n = 0; n < nodes.size(); n++) {
      int port = nodes.get(n).httpPort();
      String node = "n" + n + "-";
      clients.add(
          CompletableFuture.runAsync(() -> submit(port, node), r -> Thread.ofVirtual().start(r)));
    }
    for (CompletableFuture<Void> c : clients) {
      c.get(60, TimeUnit.SECONDS);
    }
    Await.until(
        "every message at its route's simulator",
        Duration.ofSeconds(60),
        () -> small.core().inbox().total() + large.core().inbox().total() >= TO_SMALL + TO_LARGE,
        () -> "small " + small.core().inbox().total() + ", large " + large.core().inbox().total());
    Map<String, Integer> seen = new HashMap<>();
    for (Simulator sim : new Simulator[] {small, large}) {
      List<Long> t =
          sim.core().inbox().recent(10_000, m -> true).stream()
              .map(ReceivedMessage::timestampMillis)
              .sorted()
              .toList();
      int max = 0;
      for (int i = 0, j = 0; i < t.size(); i++) {
        while (t.get(i) - t.get(j) >= 1000) j++;
        max = Math.max(max, i - j + 1);
      }
      System.out.printf(
          "kafka routes: %s: %d messages in %d ms, at most %d in one second%n",
          sim == small ? "20/s" : "40/s", t.size(), t.get(t.size() - 1) - t.get(0), max);
    }
    List<ReceivedMessage> onSmall = small.core().inbox().recent(10_000, m -> true);
    List<ReceivedMessage> onLarge = large.core().inbox().recent(10_000, m -> true);
    onSmall.forEach(m -> seen.merge(m.subject(), 1, Integer::sum));
    onLarge.forEach(m -> seen.merge(m.subject(), 1, Integer::sum));
    assertThat(seen).hasSize(TO_SMALL + TO_LARGE);
    assertThat(seen.entrySet().stream().filter(e -> e.getValue() != 1).toList())
        .as("messages received more than once")
        .isEmpty();
    assertThat(onSmall).extracting(ReceivedMessage::subject).allMatch(s -> s.contains("small"));
    assertThat(onLarge).extracting(ReceivedMessage::subject).noneMatch(s -> s.contains("small"));
    assertThat(throttles(small)).as("throttles at the 20/s account").isZero();
    for (Relay r : nodes) {
      assertThat(r.routes().values())
          .as("each route's share on each node; " + shares())
          .allMatch(s -> s.share() == 0.5);
    }
    assertThat(throttles(large)).as("throttles at the 40/s account").isZero();
  }

  /**
   * One batch through a node's HTTP door, so the whole backlog waits in the spool and delivery runs
   * at the routes' rates: a third of it for the small route, half of that picked by the {@code
   * X-Sluice-Route} header and half by the sender-domain rule; the rest for the default route.
   */
  private static void submit(int port, String prefix) {
    ArrayNode batch = JSON.createArrayNode();
    for (int i = 0; i < (TO_SMALL + TO_LARGE) / 2; i++) {
      ObjectNode m = batch.addObject();
      m.put("to", "to@example.net").put("text", "Hello.");
      switch (i % 6) {
        case 0 -> {
          m.put("from", "app@large.example").put("subject", prefix + i + "-small-by-header");
          m.putObject("headers").put("X-Sluice-Route", "small");
        }
        case 3 -> m.put("from", "app@small.example").put("subject", prefix + i + "-small-by-rule");
        default -> m.put("from", "app@large.example").put("subject", prefix + i + "-large");
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.set("messages", batch);
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages/batch"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String shares() {
    StringBuilder b = new StringBuilder("shares:");
    for (Relay r : nodes) {
      r.routes().forEach((name, s) -> b.append(' ').append(name).append('=').append(s.share()));
      b.append(';');
    }
    return b.toString();
  }

  private static double throttles(Simulator s) {
    return s.registry().find("simulator.sends").tag("outcome", "rate_exceeded").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
