package dev.sluice.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SesEventTest {

  private static SesEvent event(SesEvent.Type type, String bounceType) {
    return new SesEvent(
        "sns-1",
        type,
        "0100-ses",
        Instant.EPOCH,
        List.of(new SesEvent.Recipient("a@example.com", "5.1.1", "")),
        bounceType,
        "",
        "",
        "",
        "",
        Map.of(),
        "{}");
  }

  @Test
  void suppresses_hardBouncesAndComplaintsOnly() {
    assertThat(event(SesEvent.Type.BOUNCE, "Permanent").suppresses()).isTrue();
    assertThat(event(SesEvent.Type.COMPLAINT, "").suppresses()).isTrue();
    assertThat(event(SesEvent.Type.BOUNCE, "Transient").suppresses()).isFalse();
    assertThat(event(SesEvent.Type.BOUNCE, "Undetermined").suppresses()).isFalse();
    for (SesEvent.Type t : SesEvent.Type.values()) {
      if (t != SesEvent.Type.BOUNCE && t != SesEvent.Type.COMPLAINT) {
        assertThat(event(t, "Permanent").suppresses()).as(t.name()).isFalse();
      }
    }
  }
}
