package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.Submission;
import dev.sluice.delivery.DeliveryEvent;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.feedback.store.HistoryEntry;
import dev.sluice.feedback.store.ReputationWatch;
import dev.sluice.ingress.Accepted;
import dev.sluice.spool.RocksSpool;
import dev.sluice.spool.RocksSpoolConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay's own history lines, written from what the doors tell, on a real store and spool. */
class HistoryRecorderTest {
  private static final Instant RECEIVED = Instant.parse("2026-12-06T10:00:00Z");

  @TempDir Path dir;

  private static Submission submission(String headers) {
    byte[] content =
        (headers + "From: app@example.com\r\nSubject: hi\r\n\r\nHello.\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    return new Submission(
        new Envelope("app@example.com", List.of("a@example.net", "b@example.net")),
        content,
        RECEIVED,
        "smtp 127.0.0.1 user=app");
  }

  private static DeliveryEvent delivered(QueueId id) {
    return new DeliveryEvent(
        DeliveryEvent.Type.DELIVERED,
        id,
        RECEIVED.plusSeconds(1),
        "app@example.com",
        List.of("a@example.net", "b@example.net"),
        0,
        List.of("0100-ses-id"),
        "",
        null,
        List.of("a@example.net", "b@example.net"));
  }

  @Test
  void accepted_messageAlreadyGoneFromTheSpool_writesItsLineAndCountsItsSet() throws Exception {
    try (Spool spool = RocksSpool.open(RocksSpoolConfig.builder(dir.resolve("spool")).build());
        FeedbackStore store =
            FeedbackStore.open(
                dir.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system())) {
      Submission s = submission("X-SES-CONFIGURATION-SET: marketing\r\n");
      SpoolEntry stored = spool.appendEntries(List.of(s)).get().get(0);
      QueueId id = stored.id();
      // Delivered before the history's writer comes to it: nothing of it is left to read back.
      assertThat(spool.complete(id).get()).isTrue();
      assertThat(spool.find(id)).isEmpty();
      assertThat(spool.content(id)).isEmpty();

      HistoryRecorder history =
          new HistoryRecorder(store, "alerts", new ReputationWatch(store, null), Clock.system());
      history.accepted(List.of(new Accepted(stored, "marketing")));
      history.delivery(delivered(id));
      assertThat(history.stop()).isTrue();

      List<HistoryEntry> lines = store.history(id.value());
      assertThat(lines)
          .extracting(HistoryEntry::kind)
          .containsExactly(HistoryEntry.Kind.ACCEPTED, HistoryEntry.Kind.DELIVERED);
      assertThat(lines.get(0).time()).isEqualTo(RECEIVED);
      assertThat(lines.get(0).detail())
          .isEqualTo(
              "by smtp from 127.0.0.1 user=app, " + s.content().length + " bytes, 2 recipients");
      assertThat(lines.get(1).detail())
          .as("the sends count for the set the message named, not the default")
          .isEqualTo("2 recipients, configuration set marketing");
      assertThat(store.configurationSets()).containsExactly("marketing");
      assertThat(history.dropped()).isZero();
    }
  }

  @Test
  void accepted_namingNoSet_sendsCountForTheDefault() throws Exception {
    try (FeedbackStore store =
        FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system())) {
      SpoolEntry e = SpoolEntry.queued(new QueueId("0000000000000007"), submission(""));
      HistoryRecorder history =
          new HistoryRecorder(store, "alerts", new ReputationWatch(store, null), Clock.system());
      history.accepted(List.of(new Accepted(e, "")));
      history.delivery(delivered(e.id()));
      assertThat(history.stop()).isTrue();

      assertThat(store.history(e.id().value()))
          .extracting(HistoryEntry::detail)
          .endsWith("2 recipients, configuration set alerts");
    }
  }
}
