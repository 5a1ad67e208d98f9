package dev.sluice.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The machine-readable report written by {@code sluice bench --json}, and its reader.
 *
 * <p>Design note: the document is built field by field as a tree instead of letting Jackson reflect
 * over the records, so the field names and their order are this class's contract (a renamed record
 * component cannot silently change the output), and {@link Instant} needs no extra Jackson module.
 * Field names are the record components' camelCase names; {@code formatVersion} is raised when a
 * field changes meaning; {@code kneeIndex} and {@code kneeConcurrency} are derived (null when there
 * are no levels) and ignored on reading. Stateless and thread-safe.
 */
public final class JsonReport {

  /** The version written in {@code formatVersion}. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonReport() {}

  /** Returns the run as pretty-printed JSON with stable camelCase field names. */
  public static String toJson(BenchRun run) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("target", run.target());
    root.put("transport", run.transport());
    root.put("started", run.started().toString());
    ObjectNode settings = root.putObject("settings");
    run.settings().forEach(settings::put);
    OptionalInt knee = run.kneeIndex();
    if (knee.isPresent()) {
      root.put("kneeIndex", knee.getAsInt());
      root.put("kneeConcurrency", run.levels().get(knee.getAsInt()).concurrency());
    } else {
      root.putNull("kneeIndex");
      root.putNull("kneeConcurrency");
    }
    root.put("kneeNote", run.kneeNote());
    ArrayNode levels = root.putArray("levels");
    for (LevelResult level : run.levels()) {
      levels.add(level(level));
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write a tree of plain values as JSON", e);
    }
  }

  /**
   * Reads a run back from the JSON {@link #toJson} wrote, e.g. a baseline to compare against.
   *
   * @throws IllegalArgumentException if the text is not such a document
   */
  public static BenchRun fromJson(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("a bench report is a JSON object");
    }
    int version = required(root, "formatVersion").asInt();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion " + version + " is not supported (expected " + FORMAT_VERSION + ")");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : required(root, "settings").properties()) {
      settings.put(field.getKey(), field.getValue().asText());
    }
    List<LevelResult> levels = new ArrayList<>();
    for (JsonNode level : required(root, "levels")) {
      levels.add(level(level));
    }
    return new BenchRun(
        required(root, "target").asText(),
        required(root, "transport").asText(),
        settings,
        levels,
        started(required(root, "started").asText()),
        root.path("kneeNote").asText(""));
  }

  private static ObjectNode level(LevelResult level) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("concurrency", level.concurrency());
    node.put("processes", level.processes());
    node.put("attempts", level.attempts());
    node.put("accepted", level.accepted());
    node.put("throttled", level.throttled());
    node.put("transientErrors", level.transientErrors());
    node.put("permanentErrors", level.permanentErrors());
    node.put("seconds", level.seconds());
    node.put("throughputPerSecond", level.throughputPerSecond());
    node.put("recipientsPerSecond", level.recipientsPerSecond());
    LatencySummary latency = level.latency();
    ObjectNode l = node.putObject("latency");
    l.put("count", latency.count());
    l.put("p50Millis", latency.p50Millis());
    l.put("p90Millis", latency.p90Millis());
    l.put("p99Millis", latency.p99Millis());
    l.put("p999Millis", latency.p999Millis());
    l.put("maxMillis", latency.maxMillis());
    l.put("meanMillis", latency.meanMillis());
    node.put("connectionsOpened", level.connectionsOpened());
    return node;
  }

  private static LevelResult level(JsonNode node) {
    JsonNode l = required(node, "latency");
    return new LevelResult(
        required(node, "concurrency").asInt(),
        required(node, "processes").asInt(),
        required(node, "attempts").asLong(),
        required(node, "accepted").asLong(),
        required(node, "throttled").asLong(),
        required(node, "transientErrors").asLong(),
        required(node, "permanentErrors").asLong(),
        required(node, "seconds").asDouble(),
        required(node, "throughputPerSecond").asDouble(),
        required(node, "recipientsPerSecond").asDouble(),
        new LatencySummary(
            required(l, "count").asLong(),
            required(l, "p50Millis").asDouble(),
            required(l, "p90Millis").asDouble(),
            required(l, "p99Millis").asDouble(),
            required(l, "p999Millis").asDouble(),
            required(l, "maxMillis").asDouble(),
            required(l, "meanMillis").asDouble()),
        required(node, "connectionsOpened").asLong());
  }

  private static Instant started(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("started is not an ISO-8601 instant: " + text, e);
    }
  }

  private static JsonNode required(JsonNode parent, String name) {
    JsonNode value = parent.get(name);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("bench report lacks field " + name);
    }
    return value;
  }
}
