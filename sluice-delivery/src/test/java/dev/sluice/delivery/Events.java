package dev.sluice.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.core.spool.QueueId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Sample events and small helpers shared by the delivery tests. */
final class Events {
  static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");

  private Events() {}

  /** A delivered event for message {@code i}. */
  static DeliveryEvent delivered(int i) {
    return new DeliveryEvent(
        DeliveryEvent.Type.DELIVERED,
        new QueueId("Q" + i),
        T0.plusMillis(i),
        "app@example.com",
        List.of("r" + i + "@example.net"),
        1,
        List.of("0100018d0cfe2a7b-" + i + "-000000"),
        "",
        null,
        List.of());
  }

  /** Checks one parsed event against the event it was written from. */
  static void assertSame(JsonNode n, DeliveryEvent e) {
    assertThat(n.get("type").asText())
        .isEqualTo(e.type().name().toLowerCase(java.util.Locale.ROOT));
    assertThat(n.get("queueId").asText()).isEqualTo(e.queueId().value());
    assertThat(Instant.parse(n.get("time").asText())).isEqualTo(e.time());
    assertThat(n.get("from").asText()).isEqualTo(e.from());
    assertThat(texts(n.get("recipients"))).isEqualTo(e.recipients());
    assertThat(n.get("attempts").asInt()).isEqualTo(e.attempts());
    assertThat(texts(n.get("upstreamIds"))).isEqualTo(e.upstreamIds());
    assertThat(n.get("reason").asText()).isEqualTo(e.reason());
    if (e.nextDue() == null) {
      assertThat(n.get("nextDue").isNull()).isTrue();
    } else {
      assertThat(Instant.parse(n.get("nextDue").asText())).isEqualTo(e.nextDue());
    }
    assertThat(texts(n.get("delivered"))).isEqualTo(e.delivered());
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }
}
