package dev.sluice.delivery;

import static dev.sluice.delivery.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.spool.QueueId;
import dev.sluice.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonLinesEventLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static List<JsonNode> parse(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void close_leavesOneParsableJsonObjectPerLine_forEveryEventFromEveryThread() throws Exception {
    Path file = dir.resolve("events.jsonl");
    // A tiny queue makes the callers wait for the writer: nothing may be dropped for it.
    JsonLinesEventLog log = JsonLinesEventLog.open(file, 4, Duration.ofMillis(50));
    Map<String, DeliveryEvent> sent = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      sent.put("Q" + i, Events.delivered(i));
    }
    try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int from = t * 250;
        fs.add(
            threads.submit(
                () -> {
                  for (int i = from; i < from + 250; i++) {
                    log.accept(sent.get("Q" + i));
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    }
    log.close();

    List<JsonNode> lines = parse(file);
    assertThat(lines).hasSize(2000);
    for (JsonNode n : lines) {
      Events.assertSame(n, sent.remove(n.get("queueId").asText()));
    }
    assertThat(sent).isEmpty();
    assertThat(log.written()).isEqualTo(2000);
    assertThat(log.dropped()).isZero();
  }

  @Test
  void publish_otherEvents_writtenAsTheyWriteThemselves_inOrderWithDeliveries() throws Exception {
    Path file = dir.resolve("events.jsonl");
    try (JsonLinesEventLog log = JsonLinesEventLog.open(file, 4, Duration.ofMillis(50))) {
      EventSink all = EventSink.all(EventSink.none(), log);
      all.accept(Events.delivered(1));
      all.publish(b -> b.append("{\"type\":\"ses.bounce\",\"queueId\":\"Q1\"}"));
      all.accept(Events.delivered(2));
    }
    List<JsonNode> lines = parse(file);
    assertThat(lines).hasSize(3);
    Events.assertSame(lines.get(0), Events.delivered(1));
    assertThat(lines.get(1).get("type").asText()).isEqualTo("ses.bounce");
    assertThat(lines.get(1).get("queueId").asText()).isEqualTo("Q1");
    Events.assertSame(lines.get(2), Events.delivered(2));
  }

  @Test
  void lines_areFlushedWithoutClose_withinTheFlushInterval() throws Exception {
    Path file = dir.resolve("events.jsonl");
    try (JsonLinesEventLog log = JsonLinesEventLog.open(file, 100, Duration.ofMillis(50))) {
      log.accept(Events.delivered(1));
      Await.until(
          "the line to reach the file",
          Duration.ofSeconds(10),
          () -> Files.readString(file).endsWith("\n"));
      assertThat(parse(file)).hasSize(1);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void awkwardStrings_roundTrip(long seed) throws Exception {
    Random rnd = new Random(seed);
    String alphabet = "aZ09 \"\\/\n\r\t\u0000\u0001\u001f\u007fé漢\u2028\u2029😀<>&'";
    List<DeliveryEvent> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      events.add(
          new DeliveryEvent(
              DeliveryEvent.Type.values()[rnd.nextInt(4)],
              new QueueId("Q" + i),
              T0.plusNanos(rnd.nextInt(1_000_000_000)),
              random(rnd, alphabet),
              List.of(random(rnd, alphabet), random(rnd, alphabet)),
              rnd.nextInt(20),
              rnd.nextBoolean() ? List.of() : List.of(random(rnd, alphabet)),
              random(rnd, alphabet),
              rnd.nextBoolean() ? null : T0.plusSeconds(rnd.nextInt(100_000)),
              rnd.nextBoolean() ? List.of() : List.of(random(rnd, alphabet))));
    }
    Path file = dir.resolve("awkward.jsonl");
    try (JsonLinesEventLog log = JsonLinesEventLog.open(file)) {
      events.forEach(log::accept);
    }
    List<JsonNode> lines = parse(file);
    assertThat(lines).as("seed %d", seed).hasSize(events.size());
    for (int i = 0; i < events.size(); i++) {
      Events.assertSame(lines.get(i), events.get(i));
    }
  }

  @Test
  void reopen_appends_andEventsAfterCloseAreDroppedAndCounted() throws Exception {
    Path file = dir.resolve("events.jsonl");
    try (JsonLinesEventLog log = JsonLinesEventLog.open(file)) {
      log.accept(Events.delivered(1));
    }
    JsonLinesEventLog log = JsonLinesEventLog.open(file);
    log.accept(Events.delivered(2));
    log.close();
    log.accept(Events.delivered(3));
    log.close(); // idempotent

    assertThat(parse(file)).extracting(n -> n.get("queueId").asText()).containsExactly("Q1", "Q2");
    assertThat(log.dropped()).isEqualTo(1);
  }

  private static String random(Random rnd, String alphabet) {
    StringBuilder b = new StringBuilder();
    for (int i = 0, n = rnd.nextInt(12); i < n; i++) {
      int at = rnd.nextInt(alphabet.length());
      char c = alphabet.charAt(at);
      if (Character.isHighSurrogate(c)) {
        b.append(c).append(alphabet.charAt(at + 1));
      } else if (!Character.isLowSurrogate(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }
}
