package dev.sluice.app.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.SesEvent;
import dev.sluice.feedback.SesEventRecorder;
import dev.sluice.feedback.intake.SesEventFormatException;
import dev.sluice.feedback.intake.SesEventParser;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.kafka.KafkaSpoolConfig;
import dev.sluice.kafka.SharedTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distributed mode's feedback: every node's feedback store kept in step through two Kafka topics,
 * so that SES's events, each message's history, the reputation counts and the suppression list are
 * the same on every node, whichever node took the event, sent the message or was told to suppress.
 *
 * <ul>
 *   <li>{@code p.feedback} (compacted, and deleted after the history retention): SES's events,
 *       keyed {@code event:} + the event id (a duplicate is compacted away, and each store records
 *       an id once), and the relay's own history lines (accepted, delivered with its SES
 *       MessageIds, deferred, failed), each keyed by a key of its own.
 *   <li>{@code p.suppressions} (compacted, kept): the suppression list, keyed by the normalised
 *       address; a tombstone when it is removed. It holds every suppression, those caused by SES's
 *       events too, so a node that joins after the events have expired still knows them.
 * </ul>
 *
 * <p>A node writes what it does to its own store and shares it: an SES event it takes (SNS, SQS,
 * the embedded simulator's loop) is shared with the suppressions it causes before it is recorded
 * here and acknowledged, so an event acknowledged to SES is in Kafka; a change of the suppression
 * list (the operator's, an import, the SES account list) is shared before it is made here; history
 * lines are shared without waiting, as the history is written (a lost line costs a line). Every
 * node applies what the others shared ({@link SharedTopics} skips its own) to its store, and keeps
 * how far it read in the store, so a restart reads on from there.
 *
 * <p>Thread-safe.
 */
final class SharedFeedback implements SesEventRecorder, FeedbackStore.Sharing, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedFeedback.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE_ID = "kafka.node-id";
  private static final String POSITIONS = "kafka.positions.";
  private static final String EVENT = "event:";
  private static final String LINE = "line:";

  private final FeedbackStore store;
  private final String events;
  private final String suppressions;
  private final AtomicLong lost = new AtomicLong();
  private SharedTopics topics;

  private SharedFeedback(FeedbackStore store, String prefix) {
    this.store = store;
    this.events = prefix + ".feedback";
    this.suppressions = prefix + ".suppressions";
  }

  /**
   * Creates the topics if needed, reads what the other nodes shared since this node last read, and
   * shares this node's changes of the suppression list from now on.
   *
   * @param retention how long the feedback topic keeps events and history lines
   */
  static SharedFeedback open(KafkaSpoolConfig kafka, FeedbackStore store, Duration retention)
      throws IOException {
    SharedFeedback f = new SharedFeedback(store, kafka.topicPrefix());
    String node = store.state(NODE_ID).orElse(null);
    if (node == null) {
      node = UUID.randomUUID().toString();
      store.state(NODE_ID, node);
    }
    f.topics =
        SharedTopics.open(
            kafka,
            node,
            List.of(
                new SharedTopics.Topic(f.events, retention),
                new SharedTopics.Topic(f.suppressions, null)),
            f.new Reader());
    store.share(f);
    return f;
  }

  // ---------------------------------------------------------------- sharing

  @Override
  public boolean record(SesEvent event) throws IOException {
    List<SharedTopics.Shared> out = new ArrayList<>();
    ObjectNode v = JSON.createObjectNode().put("json", event.json());
    out.add(new SharedTopics.Shared(events, EVENT + event.id(), bytes(v)));
    for (Suppression s : store.suppressionsOf(event)) {
      out.add(new SharedTopics.Shared(suppressions, s.address(), suppression(s)));
    }
    topics.publishAll(out);
    return store.record(event);
  }

  @Override
  public void suppressed(List<Suppression> added) throws IOException {
    List<SharedTopics.Shared> out = new ArrayList<>(added.size());
    for (Suppression s : added) {
      out.add(new SharedTopics.Shared(suppressions, s.address(), suppression(s)));
    }
    topics.publishAll(out);
  }

  @Override
  public void unsuppressed(String address) throws IOException {
    topics.publishAll(List.of(new SharedTopics.Shared(suppressions, address, null)));
  }

  /** Shares a history line: a door took the message. */
  void accepted(
      String queueId, Instant time, String door, String client, long size, List<String> to) {
    ObjectNode v = line("accepted", queueId, time);
    v.put("door", door).put("client", client).put("size", size);
    strings(v.putArray("recipients"), to);
    shareLine(v);
  }

  /** Shares a history line: SES took the message. */
  void delivered(String queueId, Instant time, List<String> sesIds, List<String> to, String set) {
    ObjectNode v = line("delivered", queueId, time);
    strings(v.putArray("sesMessageIds"), sesIds);
    strings(v.putArray("recipients"), to);
    v.put("configurationSet", set);
    shareLine(v);
  }

  /** Shares a history line of another kind (deferred, failed). */
  void appended(String queueId, HistoryEntry e) {
    ObjectNode v = line("line", queueId, e.time());
    v.put("kind", e.kind().name())
        .put("recipient", e.recipient())
        .put("sesMessageId", e.sesMessageId())
        .put("detail", e.detail());
    shareLine(v);
  }

  private ObjectNode line(String type, String queueId, Instant time) {
    return JSON.createObjectNode()
        .put("type", type)
        .put("queueId", queueId)
        .put("time", time.toEpochMilli());
  }

  private void shareLine(ObjectNode v) {
    String key = LINE + topics.origin() + ":" + UUID.randomUUID();
    topics
        .publish(events, key, bytes(v))
        .whenComplete(
            (ok, e) -> {
              if (e != null && lost.getAndIncrement() % 1000 == 0) {
                // One warning per thousand lost: Kafka away for long would flood the log.
                log.warn(
                    "{} history line(s) not shared with the other nodes so far: {}",
                    lost.get(),
                    e.toString());
              }
            });
  }

  // ---------------------------------------------------------------- applying

  /** Applies what the other nodes shared. Confined to the shared topics' reading thread. */
  private final class Reader implements SharedTopics.Reader {
    private final Map<String, Map<Integer, Long>> positions = new HashMap<>();

    @Override
    public Map<Integer, Long> positions(String topic) {
      Map<Integer, Long> out = new HashMap<>();
      String kept = store.state(POSITIONS + topic).orElse("");
      for (String part : kept.split(",")) {
        int colon = part.indexOf(':');
        if (colon > 0) {
          out.put(
              Integer.parseInt(part.substring(0, colon)),
              Long.parseLong(part.substring(colon + 1)));
        }
      }
      positions.put(topic, new HashMap<>(out));
      return out;
    }

    @Override
    public void apply(List<SharedTopics.Shared> records, Map<String, Map<Integer, Long>> next)
        throws IOException {
      List<Suppression> adds = new ArrayList<>();
      for (SharedTopics.Shared r : records) {
        if (r.topic().equals(suppressions)) {
          if (r.value() == null) {
            flush(adds);
            store.unsuppressShared(r.key());
          } else {
            adds.add(suppression(r.key(), r.value()));
          }
        } else {
          flush(adds);
          applyFeedback(r);
        }
      }
      flush(adds);
      if (!records.isEmpty()) {
        // What this batch wrote, durable in one sync before the positions move on.
        store.sync();
      }
      for (Map.Entry<String, Map<Integer, Long>> t : next.entrySet()) {
        Map<Integer, Long> p = positions.computeIfAbsent(t.getKey(), k -> new HashMap<>());
        p.putAll(t.getValue());
        StringBuilder b = new StringBuilder();
        p.forEach((part, o) -> b.append(b.isEmpty() ? "" : ",").append(part).append(':').append(o));
        store.state(POSITIONS + t.getKey(), b.toString());
      }
    }

    private void flush(List<Suppression> adds) throws IOException {
      if (!adds.isEmpty()) {
        store.suppressShared(adds);
        adds.clear();
      }
    }

    private void applyFeedback(SharedTopics.Shared r) throws IOException {
      if (r.value() == null) {
        return;
      }
      JsonNode v = JSON.readTree(r.value());
      if (r.key().startsWith(EVENT)) {
        java.util.Optional<SesEvent> event;
        try {
          event = SesEventParser.parse(r.key().substring(EVENT.length()), v.path("json").asText());
        } catch (SesEventFormatException e) {
          log.warn("skipping a shared SES event that cannot be read: {}", e.getMessage());
          return;
        }
        if (event.isPresent()) {
          store.recordShared(event.get());
        }
        return;
      }
      String queueId = v.path("queueId").asText();
      Instant time = Instant.ofEpochMilli(v.path("time").asLong());
      switch (v.path("type").asText()) {
        case "accepted" ->
            store.recordAccepted(
                queueId,
                time,
                v.path("door").asText(),
                v.path("client").asText(),
                v.path("size").asLong(),
                strings(v.path("recipients")));
        case "delivered" ->
            store.recordDeliveredUnsynced(
                queueId,
                time,
                strings(v.path("sesMessageIds")),
                strings(v.path("recipients")),
                v.path("configurationSet").asText());
        case "line" ->
            store.append(
                queueId,
                new HistoryEntry(
                    time,
                    HistoryEntry.Kind.valueOf(v.path("kind").asText()),
                    v.path("recipient").asText(),
                    v.path("sesMessageId").asText(),
                    v.path("detail").asText()));
        default -> log.warn("skipping a shared history line of unknown type {}", v.path("type"));
      }
    }
  }

  // ---------------------------------------------------------------- codecs

  private static byte[] suppression(Suppression s) {
    return bytes(
        JSON.createObjectNode()
            .put("reason", s.reason().name())
            .put("time", s.time().toEpochMilli())
            .put("cause", s.cause())
            .put("source", s.source()));
  }

  private static Suppression suppression(String address, byte[] value) throws IOException {
    JsonNode v = JSON.readTree(value);
    return new Suppression(
        address,
        Suppression.Reason.valueOf(v.path("reason").asText()),
        Instant.ofEpochMilli(v.path("time").asLong()),
        v.path("cause").asText(),
        v.path("source").asText());
  }

  private static byte[] bytes(JsonNode v) {
    return v.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    a.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Stops reading and sharing; what was published is sent first. */
  @Override
  public void close() {
    store.share(null);
    topics.close();
  }
}
