package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.simulator.SendStatistics;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.sns.SnsSubscriptionInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SES's feedback counted exactly: 10,000 sends through the relay to its embedded simulator, 5% to
 * {@code bounce+N@} and 0.1% to {@code complaint+N@} mailbox-simulator addresses (the rest to
 * {@code success+N@}), every event the simulator's SNS delivered recorded once (none lost, none
 * twice, though SNS delivers each one twice to the relay's endpoint) in the history, the
 * suppression list and the events log, and the relay's reputation equal to the simulator's own send
 * statistics.
 *
 * <p>To keep the run short on two busy cores the 10,000 sends are 200 messages of 50 recipients
 * (SES's most per call; SES and the relay count sends per recipient), submitted in batches over
 * HTTP, and the embedded simulator's send rate is unlimited. Each message's recipients get one
 * Delivery notification between them, each bounced or complaining recipient one of its own, so the
 * simulator's SNS signs about 710 notifications at its default 100 a second.
 */
class FeedbackAccuracyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SIM = "@simulator.amazonses.com";
  private static final int SENDS = 10_000;
  private static final int PER_MESSAGE = 50;
  private static final int BOUNCES = SENDS * 5 / 100;
  private static final int COMPLAINTS = SENDS / 1000;

  @TempDir Path dir;

  @Test
  void tenThousandSends_everyEventRecordedOnce_ratesEqualTheSimulatorsCounts() throws Exception {
    long seed = new Random().nextLong();
    String why = "seed " + seed;
    List<String> fates = new ArrayList<>(Collections.nCopies(BOUNCES, "bounce"));
    fates.addAll(Collections.nCopies(COMPLAINTS, "complaint"));
    fates.addAll(Collections.nCopies(SENDS - BOUNCES - COMPLAINTS, "success"));
    Collections.shuffle(fates, new Random(seed));
    Map<String, String> fateOf = new HashMap<>();
    List<String> recipients = new ArrayList<>();
    for (int i = 0; i < SENDS; i++) {
      String to = fates.get(i) + "+" + i + SIM;
      recipients.add(to);
      fateOf.put(to, fates.get(i));
    }
    Path log = dir.resolve("events.jsonl");
    try (Relay relay =
        Relay.start(
            RelayConfig.onFreePorts(
                dir.resolve("spool"),
                "smtp.port=off",
                "simulator.max-send-rate=unlimited",
                "events.log=" + log),
            Map.of(),
            dir)) {
      Simulator sim = relay.embeddedSimulator().orElseThrow();
      // A second subscription of the relay's endpoint: SNS delivers every notification twice, as
      // its retries or SNS and SQS together would, and each must be recorded once.
      String topic = sim.core().feedbackTopic();
      URI endpoint = URI.create(subscriptions(sim).getFirst().endpoint());
      sim.sns().subscribeConfirmed(topic, URI.create(endpoint + "?again"));
      assertThat(subscriptions(sim)).hasSize(2);
      List<String> queueIds = submit(relay, recipients, why);
      assertThat(queueIds).hasSize(SENDS / PER_MESSAGE);

      // Every message delivered, and everything the simulator published delivered by its SNS.
      await(() -> relay.spool().stats().total() == 0, "the spool to empty");
      // One Delivery per message, one Bounce or Complaint per such recipient.
      double published = queueIds.size() + BOUNCES + COMPLAINTS;
      await(
          () ->
              gauge(sim, "simulator.feedback.waiting") == 0
                  && counter(sim, "simulator.notifications.published") == published
                  && subscriptions(sim).stream()
                      .allMatch(
                          s ->
                              s.waiting() == 0
                                  && s.delivered() + s.failed() + s.dropped() == published),
          "the simulator's feedback delivered to both subscriptions");
      for (SnsSubscriptionInfo sns : subscriptions(sim)) {
        assertThat(sns.failed()).as(why).isZero();
        assertThat(sns.dropped()).as(why).isZero();
        assertThat((double) sns.delivered()).as(why).isEqualTo(published);
      }
      assertThat(counter(sim, "simulator.feedback", "outcome", "dropped")).as(why).isZero();
      assertThat(counter(sim, "simulator.feedback", "outcome", "no-room")).as(why).isZero();
      assertThat(relayCounter(relay, "sluice.feedback.recorded")).as(why).isEqualTo(published);
      assertThat(relayCounter(relay, "sluice.feedback.duplicate")).as(why).isEqualTo(published);
      assertThat(relayCounter(relay, "sluice.feedback.failed")).as(why).isZero();

      // The history: each recipient's events exactly once, on the message that was sent to it.
      FeedbackStore store = relay.feedback().orElseThrow();
      Map<String, Integer> historyLines = new TreeMap<>();
      for (String q : queueIds) {
        for (HistoryEntry h : store.history(q)) {
          if (h.kind() == HistoryEntry.Kind.EVENT) {
            String type = h.detail().split("[ :]", 2)[0];
            historyLines.merge(type + " " + h.recipient(), 1, Integer::sum);
          }
        }
      }
      assertThat(historyLines)
          .as(why)
          .isEqualTo(expected(fateOf, "DELIVERY", "BOUNCE", "COMPLAINT"));
      assertThat(store.suppressions("", null, "", SENDS).items())
          .as(why)
          .hasSize(BOUNCES + COMPLAINTS)
          .allMatch(s -> !fateOf.get(s.address()).equals("success"));

      // The events log: the same, once each, and each recipient put on the list told once.
      int expectedLines = SENDS - BOUNCES + BOUNCES + COMPLAINTS + (BOUNCES + COMPLAINTS);
      await(
          () -> sesLines(log).size() == expectedLines, expectedLines + " SES and suppressed lines");
      Map<String, Integer> streamLines = new TreeMap<>();
      for (JsonNode n : sesLines(log)) {
        String type =
            switch (n.path("type").asText()) {
              case "ses.delivery" -> "DELIVERY";
              case "ses.bounce" -> "BOUNCE";
              case "ses.complaint" -> "COMPLAINT";
              case "suppressed" -> "SUPPRESSED";
              default -> throw new AssertionError(why + ": unexpected line " + n);
            };
        streamLines.merge(type + " " + n.path("recipient").asText(), 1, Integer::sum);
      }
      Map<String, Integer> wanted = expected(fateOf, "DELIVERY", "BOUNCE", "COMPLAINT");
      fateOf.forEach(
          (to, fate) -> {
            if (!fate.equals("success")) {
              wanted.put("SUPPRESSED " + to, 1);
            }
          });
      sameCounts("events log", wanted, streamLines, why);

      // The rates the relay shows are the simulator's own counts.
      long attempts = 0;
      long bounced = 0;
      long complained = 0;
      for (SendStatistics.DataPoint p :
          sim.core().statistics().points(System.currentTimeMillis())) {
        attempts += p.deliveryAttempts();
        bounced += p.bounces();
        complained += p.complaints();
      }
      assertThat(new long[] {attempts, bounced, complained})
          .as(why)
          .containsExactly(SENDS, BOUNCES, COMPLAINTS);
      JsonNode all24h = stats(relay, "24h");
      assertThat(all24h.path("sends").asLong()).as(why).isEqualTo(attempts);
      assertThat(all24h.path("hardBounces").asLong()).as(why).isEqualTo(bounced);
      assertThat(all24h.path("complaints").asLong()).as(why).isEqualTo(complained);
      assertThat(all24h.path("bounceRate").asDouble())
          .as(why)
          .isEqualTo((double) bounced / attempts);
      assertThat(all24h.path("complaintRate").asDouble())
          .as(why)
          .isEqualTo((double) complained / attempts);
    }
  }

  /** Fails naming the first differences (lost or repeated lines), not the whole of both maps. */
  private static void sameCounts(
      String where, Map<String, Integer> wanted, Map<String, Integer> got, String why) {
    List<String> wrong = new ArrayList<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(wanted.keySet());
    keys.addAll(got.keySet());
    for (String k : keys) {
      int w = wanted.getOrDefault(k, 0);
      int g = got.getOrDefault(k, 0);
      if (w != g) {
        wrong.add(k + ": " + g + " instead of " + w);
      }
    }
    assertThat(wrong)
        .as(
            "%s: %s lines differ in the %s, e.g. %s",
            why, wrong.size(), where, wrong.stream().limit(10).toList())
        .isEmpty();
  }

  /** One line per recipient of each SES event type its fate brings. */
  private static Map<String, Integer> expected(Map<String, String> fateOf, String... types) {
    Map<String, Integer> out = new TreeMap<>();
    fateOf.forEach(
        (to, fate) -> {
          switch (fate) {
            case "success" -> out.put(types[0] + " " + to, 1);
            case "bounce" -> out.put(types[1] + " " + to, 1);
            case "complaint" -> {
              out.put(types[0] + " " + to, 1);
              out.put(types[2] + " " + to, 1);
            }
            default -> throw new IllegalArgumentException(fate);
          }
        });
    return out;
  }

  /** Submits the recipients as messages of 50 in batches of 50 messages; their queue ids. */
  private static List<String> submit(Relay relay, List<String> recipients, String why)
      throws Exception {
    List<String> ids = new ArrayList<>();
    try (HttpClient client = HttpClient.newHttpClient()) {
      int perBatch = 50 * PER_MESSAGE;
      for (int from = 0; from < recipients.size(); from += perBatch) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int m = from; m < Math.min(from + perBatch, recipients.size()); m += PER_MESSAGE) {
          messages.add(
              Map.of(
                  "from",
                  "app@example.com",
                  "bcc",
                  recipients.subList(m, m + PER_MESSAGE),
                  "subject",
                  "accuracy " + m,
                  "text",
                  "Hello."));
        }
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + relay.httpPort() + "/v1/messages/batch"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            JSON.writeValueAsString(Map.of("messages", messages))))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(why + ": " + r.body()).isEqualTo(202);
        JSON.readTree(r.body()).path("ids").forEach(id -> ids.add(id.asText()));
      }
    }
    return ids;
  }

  /** The all-mail reputation over a window, from the admin API's /api/stats. */
  private static JsonNode stats(Relay relay, String window) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      String body =
          client
              .send(
                  HttpRequest.newBuilder(relay.adminUri().resolve("/api/stats")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (JsonNode w : JSON.readTree(body).path("reputation").path("windows")) {
        if (w.path("configurationSet").asText().isEmpty()
            && w.path("window").asText().equals(window)) {
          return w;
        }
      }
      throw new AssertionError("no all-mail " + window + " window in " + body);
    }
  }

  private static List<JsonNode> sesLines(Path log) {
    List<JsonNode> out = new ArrayList<>();
    try {
      if (!Files.exists(log)) {
        return out;
      }
      // Only whole lines: the log may be flushed in the middle of one.
      String text = Files.readString(log);
      for (String l : text.substring(0, text.lastIndexOf('\n') + 1).lines().toList()) {
        if (l.startsWith("{\"type\":\"ses.") || l.startsWith("{\"type\":\"suppressed\"")) {
          out.add(JSON.readTree(l));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** The subscriptions of the simulator's feedback topic: the relay's endpoint's. */
  private static List<SnsSubscriptionInfo> subscriptions(Simulator sim) {
    String topic = sim.core().feedbackTopic();
    return sim.sns().subscriptions().stream().filter(s -> s.topicArn().equals(topic)).toList();
  }

  private static double counter(Simulator sim, String name, String... tags) {
    var c = sim.registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private static double gauge(Simulator sim, String name) {
    return sim.registry().get(name).gauge().value();
  }

  private static double relayCounter(Relay relay, String name) {
    var c = relay.registry().find(name).tag("source", "sns").counter();
    return c == null ? 0 : c.count();
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
