package dev.sluice.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.sluice.core.spool.QueueId;
import dev.sluice.delivery.DeliveryEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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
 * The relay's event JSON: a {@code delivered} {@link DeliveryEvent} written as the delivery log and
 * the webhooks write it (hand-written, {@code DeliveryEvent.writeJson}), beside Jackson's streaming
 * generator writing the same ten fields.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EventJsonBench {
  private final JsonFactory factory = new JsonFactory();
  private DeliveryEvent event;

  /** One delivered event with one recipient and one upstream id. */
  @Setup
  public void setUp() {
    event =
        new DeliveryEvent(
            DeliveryEvent.Type.DELIVERED,
            new QueueId("0Bench7QueueId9x"),
            Instant.parse("2026-12-06T10:00:00.123Z"),
            "bench@example.com",
            List.of("rcpt@example.net"),
            1,
            List.of("0100018d1c2e3f40-5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d-000000"),
            "",
            null,
            List.of());
  }

  /** The event as the relay writes it. */
  @Benchmark
  public String eventJson() {
    StringBuilder b = new StringBuilder(256);
    event.writeJson(b);
    return b.toString();
  }

  /** Baseline: Jackson's streaming generator writing the same fields. */
  @Benchmark
  public String eventJackson() throws IOException {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = factory.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("type", event.type().name().toLowerCase(Locale.ROOT));
      g.writeStringField("queueId", event.queueId().value());
      g.writeStringField("time", event.time().toString());
      g.writeStringField("from", event.from());
      strings(g, "recipients", event.recipients());
      g.writeNumberField("attempts", event.attempts());
      strings(g, "upstreamIds", event.upstreamIds());
      g.writeStringField("reason", event.reason());
      g.writeNullField("nextDue");
      strings(g, "delivered", event.delivered());
      g.writeEndObject();
    }
    return w.toString();
  }

  private static void strings(JsonGenerator g, String name, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(name);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }
}
