package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.QueueId;
import dev.sluice.delivery.DeliveryEvent;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.feedback.store.ReputationWatch;
import dev.sluice.testkit.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history recorder writes delivered lines without a sync each and makes them durable together,
 * within {@link HistoryRecorder#SYNC_EVERY} and at stop.
 */
class HistoryRecorderSyncTest {
  @TempDir Path dir;

  private static DeliveryEvent delivered(String queueId, int i) {
    return new DeliveryEvent(
        DeliveryEvent.Type.DELIVERED,
        new QueueId(queueId),
        Instant.parse("2026-12-06T10:00:00Z"),
        "sender@example.com",
        List.of("r" + i + "@example.com"),
        1,
        List.of("ses-" + i),
        "",
        null,
        List.of("r" + i + "@example.com"));
  }

  @Test
  void delivery_manyDeliveredLines_allWrittenAndMadeDurableWithoutStopping() throws Exception {
    Clock clock = Clock.system();
    try (FeedbackStore store =
        FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, clock)) {
      HistoryRecorder recorder =
          new HistoryRecorder(
              store, "", new ReputationWatch(store, new SimpleMeterRegistry()), clock);
      try {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          String id = "Q" + String.format("%011d", i);
          ids.add(id);
          recorder.delivery(delivered(id, i));
        }
        Await.until(
            "every delivered line written",
            Duration.ofSeconds(20),
            () ->
                ids.stream()
                    .allMatch(
                        id ->
                            store.history(id).stream()
                                .anyMatch(e -> e.kind() == HistoryEntry.Kind.DELIVERED)));
        // Durable within a sync period of the last write, while the recorder keeps running.
        Await.until("the lines synced", Duration.ofSeconds(10), store::synced);
        assertThat(recorder.dropped()).isZero();
      } finally {
        assertThat(recorder.stop()).isTrue();
      }
      assertThat(store.synced()).isTrue();
    }
  }
}
