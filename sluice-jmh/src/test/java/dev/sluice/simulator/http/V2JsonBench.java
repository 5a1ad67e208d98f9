package dev.sluice.simulator.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulator's JSON on a v2 SendEmail of a 2 KB raw message: the request read as {@link V2Api}
 * reads it (a Jackson tree, then the sender, the recipients and the decoded message taken from it),
 * beside the same fields taken with Jackson's streaming parser; and the answer written as the
 * simulator writes it (string concatenation) beside Jackson writing the same object. The benchmark
 * sits in the API's package because the API is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class V2JsonBench {
  private static final String MESSAGE_ID =
      "0100018d1c2e3f40-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d-000000";

  private final ObjectMapper reader = V2Api.reader(40L << 20);
  private final JsonFactory factory = reader.getFactory();
  private byte[] body;

  /** What the simulator takes from a SendEmail with raw content. */
  record Fields(String from, List<String> to, byte[] message) {}

  /** The request body. */
  @Setup
  public void setUp() {
    byte[] raw = new byte[2048];
    Arrays.fill(raw, (byte) 'x');
    body =
        ("{\"Content\":{\"Raw\":{\"Data\":\""
                + Base64.getEncoder().encodeToString(raw)
                + "\"}},\"Destination\":{\"ToAddresses\":[\"rcpt@example.net\"]},"
                + "\"FromEmailAddress\":\"bench@example.com\"}")
            .getBytes(StandardCharsets.UTF_8);
  }

  /** The request as the simulator reads it: a tree, then its fields. */
  @Benchmark
  public Fields requestTree() throws V2Api.BadRequest {
    JsonNode req = V2Api.parse(reader, body);
    return new Fields(
        V2Api.text(req, "FromEmailAddress"),
        V2Api.destination(req.path("Destination")),
        Base64s.decode(V2Api.text(req.path("Content").path("Raw"), "Data")));
  }

  /** Baseline: the same fields with the streaming parser, no tree. */
  @Benchmark
  public Fields requestStreaming() throws IOException {
    String from = null;
    List<String> to = new ArrayList<>();
    byte[] message = null;
    try (JsonParser p = factory.createParser(body)) {
      List<String> path = new ArrayList<>();
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case FIELD_NAME -> field = p.currentName();
          case START_OBJECT -> {
            if (field != null) {
              path.add(field);
            }
            field = null;
          }
          case END_OBJECT -> {
            if (!path.isEmpty()) {
              path.removeLast();
            }
          }
          case VALUE_STRING -> {
            if (path.isEmpty() && "FromEmailAddress".equals(field)) {
              from = p.getText();
            } else if ("Data".equals(field) && path.equals(List.of("Content", "Raw"))) {
              message = p.getBinaryValue();
            } else if ("ToAddresses".equals(field)) {
              to.add(p.getText());
            }
          }
          default -> {}
        }
      }
    }
    return new Fields(from, to, message);
  }

  /** The answer as the simulator writes it. */
  @Benchmark
  public ApiResponse responseConcat() {
    return ApiResponse.json(200, "{\"MessageId\":\"" + MESSAGE_ID + "\"}");
  }

  /** Baseline: Jackson writing the same object. */
  @Benchmark
  public byte[] responseJackson() throws IOException {
    ObjectNode n = reader.createObjectNode();
    n.put("MessageId", MESSAGE_ID);
    return reader.writeValueAsBytes(n);
  }
}
