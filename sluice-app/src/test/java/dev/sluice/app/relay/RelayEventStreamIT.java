package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One stream per message: with the embedded simulator's feedback loop, SES's events and the
 * suppressions they cause join the relay's delivery events in {@code --events-log} and {@code
 * --events-webhook}; a recipient the HTTP door drops because it is suppressed leaves a {@code
 * suppressed} line in the message's history and a {@code suppressed} event in both.
 */
class RelayEventStreamIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIM = "@simulator.amazonses.com";

  @TempDir Path dir;
  private Relay relay;
  private HttpServer webhook;
  private final List<JsonNode> posted = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    if (relay != null) {
      relay.close();
    }
    if (webhook != null) {
      webhook.stop(0);
    }
  }

  private Path start() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    webhook.createContext(
        "/events",
        x -> {
          try (x) {
            JSON.readTree(x.getRequestBody().readAllBytes()).forEach(posted::add);
            x.sendResponseHeaders(200, -1);
          }
        });
    webhook.start();
    Path log = dir.resolve("events.jsonl");
    relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "smtp.port=off",
                "events.log=" + log,
                "events.webhook=http://127.0.0.1:" + webhook.getAddress().getPort() + "/events"),
            Map.of(),
            dir);
    assertThat(relay.embeddedSimulator()).isPresent();
    return log;
  }

  @Test
  void sesEventsAndSuppressions_joinTheDeliveryEvents_inTheLogAndTheWebhook() throws Exception {
    Path log = start();
    String bounce = "bounce" + SIM;
    String success = "success" + SIM;
    JsonNode first = submit(List.of(bounce, success));
    String q1 = first.path("id").asText();

    Predicate<JsonNode> deliveredQ1 =
        n -> q1.equals(n.path("queueId").asText()) && n.path("type").asText().equals("delivered");
    await(() -> lines(log).stream().anyMatch(deliveredQ1), "the delivered line of " + q1);
    JsonNode delivered = lines(log).stream().filter(deliveredQ1).findFirst().orElseThrow();
    String sesId = delivered.path("upstreamIds").get(0).asText();
    // SES's lines carry the queue id once the relay has recorded the send, which it does before
    // the simulator's notifications are due; an event that overtook it would say null instead.
    Predicate<JsonNode> ofQ1 =
        n -> q1.equals(n.path("queueId").asText()) || sesId.equals(n.path("sesMessageId").asText());
    await(
        () -> lines(log).stream().filter(ofQ1).count() == 4,
        "delivered, ses.delivery, ses.bounce and suppressed for " + q1);
    List<JsonNode> mine = lines(log).stream().filter(ofQ1).toList();
    assertThat(mine)
        .extracting(n -> n.path("queueId"))
        .allMatch(q -> q.isNull() || q.asText().equals(q1));
    JsonNode d = find(mine, "ses.delivery", success);
    assertThat(d.path("sesMessageId").asText()).isEqualTo(sesId);
    JsonNode b = find(mine, "ses.bounce", bounce);
    assertThat(b.path("subType").asText()).isEqualTo("Permanent/General");
    assertThat(b.path("status").asText()).isEqualTo("5.1.1");
    assertThat(b.path("sesMessageId").asText()).isEqualTo(sesId);
    JsonNode listed = find(mine, "suppressed", bounce);
    assertThat(listed.path("subType").asText()).isEqualTo("listed");
    assertThat(listed.path("reason").asText()).isEqualTo("bounce");
    assertThat(listed.path("eventId").asText()).isEqualTo(b.path("eventId").asText());

    // The next message to both: the bounced address is dropped at the door and said so.
    JsonNode second = submit(List.of(bounce, "success+2" + SIM));
    String q2 = second.path("id").asText();
    assertThat(second.path("suppressed").get(0).path("address").asText()).isEqualTo(bounce);
    Predicate<JsonNode> droppedFromQ2 =
        n -> q2.equals(n.path("queueId").asText()) && n.path("type").asText().equals("suppressed");
    await(() -> lines(log).stream().anyMatch(droppedFromQ2), "the drop in the log");
    JsonNode dropped = lines(log).stream().filter(droppedFromQ2).findFirst().orElseThrow();
    assertThat(dropped.path("subType").asText()).isEqualTo("dropped");
    assertThat(dropped.path("recipient").asText()).isEqualTo(bounce);
    assertThat(dropped.path("reason").asText()).isEqualTo("bounce");
    assertThat(dropped.path("sesMessageId").isNull()).isTrue();
    assertThat(dropped.path("diagnostic").asText()).contains("on the relay's suppression list");

    FeedbackStore store = relay.feedback().orElseThrow();
    await(
        () -> store.history(q2).stream().anyMatch(h -> h.kind() == HistoryEntry.Kind.SUPPRESSED),
        "the suppressed line in the history of " + q2);
    HistoryEntry line =
        store.history(q2).stream()
            .filter(h -> h.kind() == HistoryEntry.Kind.SUPPRESSED)
            .findFirst()
            .orElseThrow();
    assertThat(line.recipient()).isEqualTo(bounce);
    assertThat(line.detail()).contains("on the relay's suppression list");

    // The webhook gets the same stream.
    await(
        () -> posted.stream().anyMatch(droppedFromQ2) && posted.stream().filter(ofQ1).count() == 4,
        "the same events posted to the webhook");
    for (JsonNode n : mine) {
      assertThat(posted).as("posted: %s", n).contains(n);
    }
  }

  @Test
  void batch_droppedRecipients_eachTheirMessagesSuppressedLine() throws Exception {
    Path log = start();
    String gone = "gone@example.com";
    relay
        .feedback()
        .orElseThrow()
        .suppress(
            new dev.sluice.core.suppress.Suppression(
                gone,
                dev.sluice.core.suppress.Suppression.Reason.MANUAL,
                java.time.Instant.now(),
                "test",
                "admin"));
    HttpResponse<String> r =
        post(
            "/v1/messages/batch",
            JSON.writeValueAsString(
                Map.of(
                    "messages",
                    List.of(
                        message(List.of("a" + SIM)),
                        message(List.of(gone, "success+b" + SIM)),
                        message(List.of("success+c" + SIM, "Gone@example.com"))))));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    JsonNode ids = JSON.readTree(r.body()).path("ids");
    FeedbackStore store = relay.feedback().orElseThrow();
    for (int i = 1; i <= 2; i++) {
      String q = ids.get(i).asText();
      await(
          () -> store.history(q).stream().anyMatch(h -> h.kind() == HistoryEntry.Kind.SUPPRESSED),
          "the suppressed line in the history of " + q);
      await(
          () ->
              lines(log).stream()
                  .anyMatch(
                      n ->
                          q.equals(n.path("queueId").asText())
                              && n.path("type").asText().equals("suppressed")
                              && n.path("reason").asText().equals("manual")),
          "the drop from " + q + " in the log");
    }
    assertThat(store.history(ids.get(0).asText()))
        .noneMatch(h -> h.kind() == HistoryEntry.Kind.SUPPRESSED);
  }

  private static Map<String, Object> message(List<String> to) {
    return Map.of("from", "app@example.com", "to", to, "subject", "s", "text", "Hello.");
  }

  private JsonNode submit(List<String> to) throws Exception {
    HttpResponse<String> r = post("/v1/messages", JSON.writeValueAsString(message(to)));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return JSON.readTree(r.body());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + relay.httpPort() + path))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  private static JsonNode find(List<JsonNode> lines, String type, String recipient) {
    return lines.stream()
        .filter(n -> n.path("type").asText().equals(type))
        .filter(n -> recipient == null || recipient.equals(n.path("recipient").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " for " + recipient + " in " + lines));
  }

  private static List<JsonNode> lines(Path log) {
    List<JsonNode> out = new ArrayList<>();
    try {
      // Only whole lines: the log may be flushed in the middle of one.
      String text = Files.exists(log) ? Files.readString(log) : "";
      for (String l : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
        out.add(JSON.readTree(l));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
