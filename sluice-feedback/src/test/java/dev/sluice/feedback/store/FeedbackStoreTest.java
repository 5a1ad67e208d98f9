package dev.sluice.feedback.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.ManualClock;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.feedback.SesEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedbackStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-06T04:00:00Z");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());

  private FeedbackStore open() throws IOException {
    return open(FeedbackSettings.DEFAULTS);
  }

  private FeedbackStore open(FeedbackSettings s) throws IOException {
    return FeedbackStore.open(dir.resolve("feedback"), s, clock);
  }

  @Test
  void record_randomInterleavingWithDuplicates_eachEventAppliedOnce() throws IOException {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int messages = 200;
    List<SesEvent> events = new ArrayList<>();
    int bounces = 0;
    int complaints = 0;
    try (FeedbackStore store = open()) {
      for (int i = 0; i < messages; i++) {
        String to = "r" + i + "@example.com";
        store.recordAccepted("q" + i, T0, "smtp", "127.0.0.1", 100, List.of(to));
        store.recordDelivered("q" + i, T0, List.of("ses-" + i), List.of(to), "marketing");
        events.add(Events.delivery("d" + i, "ses-" + i, T0, to));
        int roll = random.nextInt(100);
        if (roll < 5) {
          events.add(Events.hardBounce("b" + i, "ses-" + i, T0, "marketing", to));
          bounces++;
        } else if (roll < 7) {
          events.add(Events.complaint("c" + i, "ses-" + i, T0, "marketing", to));
          complaints++;
        }
      }
      List<SesEvent> delivered = new ArrayList<>(events);
      for (int i = 0; i < events.size() / 2; i++) {
        delivered.add(events.get(random.nextInt(events.size())));
      }
      Collections.shuffle(delivered, random);
      int fresh = 0;
      for (SesEvent e : delivered) {
        if (store.record(e)) {
          fresh++;
        }
      }
      assertEquals(events.size(), fresh, "seed " + seed);
    }
    // Counts and histories after a reopen: nothing applied twice, nothing lost.
    try (FeedbackStore store = open()) {
      Reputation r = store.reputation("", Duration.ofDays(1));
      assertEquals(new Reputation(messages, bounces, complaints), r, "seed " + seed);
      assertEquals(r, store.reputation("marketing", Duration.ofDays(7)), "seed " + seed);
      for (SesEvent e : events) {
        String q = "q" + e.sesMessageId().substring(4);
        long lines =
            store.history(q).stream()
                .filter(h -> h.kind() == HistoryEntry.Kind.EVENT)
                .filter(h -> h.detail().startsWith(e.type().name()))
                .count();
        assertEquals(1, lines, "seed " + seed + ", " + e.id());
        assertFalse(store.record(e), "seed " + seed + ", duplicate after reopen " + e.id());
      }
      int suppressed = store.suppressions("", null, "", 10_000).items().size();
      assertEquals(bounces + complaints, suppressed, "seed " + seed);
    }
  }

  @Test
  void record_hardBounce_historyTimelineAndSuppression() throws IOException {
    try (FeedbackStore store = open()) {
      store.recordAccepted("q1", T0, "smtp", "10.0.0.1", 1234, List.of("Bounce@Example.com"));
      store.append(
          "q1", new HistoryEntry(T0.plusSeconds(1), HistoryEntry.Kind.ATTEMPT, "", "", "200 OK"));
      store.recordDelivered(
          "q1", T0.plusSeconds(1), List.of("ses-1"), List.of("bounce@example.com"), "");
      assertTrue(
          store.record(
              Events.hardBounce("ev1", "ses-1", T0.plusSeconds(5), "", "Bounce@Example.com")));

      List<HistoryEntry> h = store.history("q1");
      assertEquals(
          List.of(
              HistoryEntry.Kind.ACCEPTED,
              HistoryEntry.Kind.ATTEMPT,
              HistoryEntry.Kind.DELIVERED,
              HistoryEntry.Kind.EVENT),
          h.stream().map(HistoryEntry::kind).toList());
      assertEquals("by smtp from 10.0.0.1, 1234 bytes, 1 recipient", h.get(0).detail());
      assertEquals("ses-1", h.get(2).sesMessageId());
      assertEquals("BOUNCE Permanent/General: 5.1.1", h.get(3).detail());
      assertEquals("bounce@example.com", h.get(3).recipient());
      assertEquals("q1", store.queueIdOf("ses-1").orElseThrow());

      Suppression s = store.find("BOUNCE@example.COM").orElseThrow();
      assertEquals(Suppression.Reason.BOUNCE, s.reason());
      assertEquals(T0.plusSeconds(5), s.time());
      assertTrue(s.cause().contains("ses-1") && s.cause().contains("ev1"), s.cause());
      assertEquals(
          "<Bounce@Example.com>: on the relay's suppression list since 2026-12-06 (hard bounce);"
              + " not sent",
          s.refusal("Bounce@Example.com"));
    }
  }

  @Test
  void recordDeliveredUnsynced_visibleAtOnce_durableAfterSync_andTiesEventsToTheMessage()
      throws IOException {
    try (FeedbackStore store = open()) {
      store.recordAccepted("q1", T0, "smtp", "127.0.0.1", 100, List.of("a@example.com"));
      store.sync();
      assertTrue(store.synced());
      store.recordDeliveredUnsynced("q1", T0, List.of("ses-1"), List.of("a@example.com"), "mkt");
      assertFalse(store.synced());
      assertEquals(
          List.of(HistoryEntry.Kind.ACCEPTED, HistoryEntry.Kind.DELIVERED),
          store.history("q1").stream().map(HistoryEntry::kind).toList());
      store.sync();
      assertTrue(store.synced());
      // An event for the SES MessageId lands in the message's history and counts for its set.
      store.record(Events.hardBounce("b1", "ses-1", T0, "mkt", "a@example.com"));
      assertTrue(
          store.history("q1").stream()
              .anyMatch(
                  e -> e.kind() == HistoryEntry.Kind.EVENT && e.sesMessageId().equals("ses-1")));
      assertEquals(1, store.reputation("mkt", Duration.ofDays(1)).sends());
    }
  }

  @Test
  void record_softBounceAndDelivery_notSuppressed() throws IOException {
    try (FeedbackStore store = open()) {
      store.record(Events.softBounce("e1", "ses-1", T0, "ooto@example.com"));
      store.record(Events.delivery("e2", "ses-1", T0, "ooto@example.com"));
      assertTrue(store.find("ooto@example.com").isEmpty());
      assertEquals(new Reputation(0, 0, 0), store.reputation("", Duration.ofDays(1)));
    }
  }

  @Test
  void record_suppressOnWithoutComplaint_complaintOnlyRecorded() throws IOException {
    var settings =
        new FeedbackSettings(Duration.ofDays(7), 100, EnumSet.of(Suppression.Reason.BOUNCE));
    try (FeedbackStore store = open(settings)) {
      store.record(Events.complaint("e1", "ses-1", T0, "", "c@example.com"));
      assertTrue(store.find("c@example.com").isEmpty());
      assertEquals(1, store.reputation("", Duration.ofDays(1)).complaints());
    }
  }

  @Test
  void record_accountSuppressionListBounce_suppressedAsSesNotCounted() throws IOException {
    try (FeedbackStore store = open()) {
      store.record(
          Events.event(
              "e1",
              SesEvent.Type.BOUNCE,
              "ses-1",
              T0,
              "Permanent",
              "OnAccountSuppressionList",
              "",
              "s@example.com"));
      assertEquals(Suppression.Reason.SES, store.find("s@example.com").orElseThrow().reason());
      assertEquals(0, store.reputation("", Duration.ofDays(1)).hardBounces());
    }
  }

  @Test
  void record_unknownSesMessageId_keptAndMovedWhenSendRecordedLater() throws IOException {
    try (FeedbackStore store = open()) {
      assertTrue(store.record(Events.hardBounce("e1", "ses-x", T0, "", "x@example.com")));
      assertEquals("ses:ses-x", store.queueIdOf("ses-x").orElseThrow());
      assertEquals(1, store.history("ses:ses-x").size());
      assertEquals(
          List.of(new RecipientHit(T0, "ses:ses-x")),
          store.messagesTo("x@example.com", "", 10).items());
      assertTrue(store.find("x@example.com").isPresent());

      store.recordDelivered(
          "q9", T0.minusSeconds(1), List.of("ses-x"), List.of("x@example.com"), "");
      assertEquals("q9", store.queueIdOf("ses-x").orElseThrow());
      assertEquals(
          List.of(HistoryEntry.Kind.DELIVERED, HistoryEntry.Kind.EVENT),
          store.history("q9").stream().map(HistoryEntry::kind).toList());
      assertTrue(store.history("ses:ses-x").isEmpty());
    }
  }

  @Test
  void messagesTo_manyMessages_newestFirstInPages() throws IOException {
    try (FeedbackStore store = open()) {
      for (int i = 0; i < 25; i++) {
        store.recordAccepted(
            "q" + i, T0.plusSeconds(i), "http", "c", 1, List.of("a@example.com", "b@x.org"));
      }
      List<String> seen = new ArrayList<>();
      String after = "";
      int pages = 0;
      do {
        Page<RecipientHit> p = store.messagesTo("A@EXAMPLE.com", after, 10);
        p.items().forEach(h -> seen.add(h.queueId()));
        after = p.next();
        pages++;
      } while (!after.isEmpty());
      assertEquals(3, pages);
      List<String> expected = new ArrayList<>();
      for (int i = 24; i >= 0; i--) {
        expected.add("q" + i);
      }
      assertEquals(expected, seen);
    }
  }

  @Test
  void sweep_afterRetention_historyAndIndexesGoneSuppressionsStay() throws IOException {
    var settings =
        new FeedbackSettings(Duration.ofDays(7), 100, FeedbackSettings.DEFAULTS.suppressOn());
    try (FeedbackStore store = open(settings)) {
      store.recordAccepted("old", T0, "smtp", "c", 1, List.of("a@example.com"));
      store.recordDelivered("old", T0, List.of("ses-old"), List.of("a@example.com"), "");
      store.record(Events.hardBounce("e-old", "ses-old", T0, "", "a@example.com"));
      clock.advance(Duration.ofDays(6));
      store.recordAccepted("new", T0, "smtp", "c", 1, List.of("a@example.com"));
      assertEquals(0, store.sweep());
      assertEquals(3, store.history("old").size());

      clock.advance(Duration.ofDays(1).plusSeconds(1));
      assertEquals(3, store.sweep());
      assertTrue(store.history("old").isEmpty());
      assertTrue(store.queueIdOf("ses-old").isEmpty());
      assertEquals(
          List.of("new"),
          store.messagesTo("a@example.com", "", 10).items().stream()
              .map(RecipientHit::queueId)
              .toList());
      assertEquals(1, store.history("new").size());
      assertTrue(store.find("a@example.com").isPresent(), "suppressions never expire");
      // The event id expired with the history: a replay that late is recorded again.
      assertTrue(store.record(Events.hardBounce("e-old", "ses-old", T0, "", "a@example.com")));
    }
  }

  @Test
  void reputation_windows_countOnlyTheirHours() throws IOException {
    try (FeedbackStore store = open()) {
      store.recordDelivered("q1", T0, List.of("s1"), List.of("a@x.org", "b@x.org"), "");
      store.record(Events.hardBounce("e1", "s1", T0, "", "a@x.org"));
      clock.advance(Duration.ofDays(2));
      Instant now = T0.plus(Duration.ofDays(2));
      store.recordDelivered("q2", now, List.of("s2"), List.of("c@x.org", "d@x.org"), "set");
      store.record(Events.complaint("e2", "s2", now, "set", "c@x.org"));
      assertEquals(new Reputation(2, 0, 1), store.reputation("", Duration.ofDays(1)));
      assertEquals(new Reputation(4, 1, 1), store.reputation("", Duration.ofDays(7)));
      assertEquals(new Reputation(2, 0, 1), store.reputation("set", Duration.ofDays(7)));
      assertEquals(0.5, store.reputation("", Duration.ofDays(1)).complaintRate().getAsDouble());
      assertEquals(List.of("set"), store.configurationSets());
      clock.advance(Duration.ofDays(9));
      store.sweep();
      assertEquals(new Reputation(0, 0, 0), store.reputation("", Duration.ofDays(30)));
      assertEquals(List.of(), store.configurationSets());
    }
  }

  @Test
  void record_notificationNamingNoSet_countsForTheSetTheMessageWasSentWith() throws IOException {
    try (FeedbackStore store = open()) {
      store.recordDelivered("q1", T0, List.of("s1"), List.of("a@x.org", "b@x.org"), "marketing");
      // Identity notifications (notificationType) carry no configuration set.
      store.record(Events.hardBounce("e1", "s1", T0, "", "a@x.org"));
      store.record(Events.complaint("e2", "s1", T0, "", "b@x.org"));
      assertEquals(new Reputation(2, 1, 1), store.reputation("marketing", Duration.ofDays(1)));
      assertEquals(new Reputation(2, 1, 1), store.reputation("", Duration.ofDays(1)));
      assertEquals(java.util.Optional.of("q1"), store.queueIdOf("s1"));
    }
  }

  @Test
  void recordDelivered_noSesMessageId_lineKeptAndSendsCounted() throws IOException {
    try (FeedbackStore store = open()) {
      store.recordDelivered("q", T0, List.of(), List.of("a@x.org", "b@x.org"), "");
      assertEquals(
          List.of(HistoryEntry.Kind.DELIVERED),
          store.history("q").stream().map(HistoryEntry::kind).toList());
      assertEquals(2, store.reputation("", Duration.ofDays(1)).sends());
    }
  }

  @Test
  void open_directoryHeldByAnotherStore_storeInUse() throws IOException {
    try (FeedbackStore store = open()) {
      StoreInUseException e =
          org.junit.jupiter.api.Assertions.assertThrows(StoreInUseException.class, this::open);
      assertTrue(e.getMessage().contains("is in use: another process"), e.getMessage());
      assertTrue(store.find("a@x.org").isEmpty());
    }
  }

  @Test
  void append_pastMaxEntries_dropsAndCounts() throws IOException {
    var settings = new FeedbackSettings(Duration.ofDays(7), 5, Set.of());
    try (FeedbackStore store = open(settings)) {
      for (int i = 0; i < 8; i++) {
        store.append("q", new HistoryEntry(T0, HistoryEntry.Kind.ATTEMPT, "", "", "try " + i));
      }
      assertEquals(5, store.history("q").size());
      assertEquals("try 4", store.history("q").getLast().detail());
      assertEquals(3, store.droppedEntries());
    }
  }

  @Test
  void suppressions_prefixReasonAndPages_listed() throws IOException {
    try (FeedbackStore store = open()) {
      for (int i = 0; i < 30; i++) {
        Suppression.Reason r =
            i % 3 == 0 ? Suppression.Reason.COMPLAINT : Suppression.Reason.MANUAL;
        assertTrue(store.suppress(new Suppression("u" + (100 + i) + "@x.org", r, T0, "", "admin")));
      }
      assertFalse(
          store.suppress(
              new Suppression("U100@X.org", Suppression.Reason.BOUNCE, T0, "", "admin")));
      assertEquals(Suppression.Reason.COMPLAINT, store.find("u100@x.org").orElseThrow().reason());
      assertEquals(10, store.suppressions("u11", null, "", 100).items().size());
      List<String> complaints = new ArrayList<>();
      String after = "";
      do {
        Page<Suppression> p = store.suppressions("", Suppression.Reason.COMPLAINT, after, 4);
        p.items().forEach(s -> complaints.add(s.address()));
        after = p.next();
      } while (!after.isEmpty());
      assertEquals(10, complaints.size());
      assertTrue(store.unsuppress("U100@x.org"));
      assertFalse(store.unsuppress("u100@x.org"));
      assertTrue(store.find("u100@x.org").isEmpty());
    }
    try (FeedbackStore store = open()) {
      assertEquals(29, store.suppressions("", null, "", 100).items().size());
    }
  }
}
