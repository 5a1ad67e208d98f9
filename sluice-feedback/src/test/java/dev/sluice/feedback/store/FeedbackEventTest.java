package dev.sluice.feedback.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.core.ManualClock;
import dev.sluice.core.suppress.Suppression;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the feedback store tells its listener, and the JSON lines the event stream writes of it. */
class FeedbackEventTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-12-06T04:00:00Z");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());
  private final List<FeedbackEvent> told = Collections.synchronizedList(new ArrayList<>());

  private FeedbackStore open() throws Exception {
    FeedbackStore store = FeedbackStore.open(dir, FeedbackSettings.DEFAULTS, clock);
    store.listen(told::addAll);
    return store;
  }

  private static JsonNode json(FeedbackEvent e) throws Exception {
    StringBuilder b = new StringBuilder();
    e.writeJson(b);
    return JSON.readTree(b.toString());
  }

  @Test
  void record_hardBounce_toldPerRecipientThenListed_withTheQueueIdAndSet() throws Exception {
    try (FeedbackStore store = open()) {
      store.recordDelivered("q1", T0, List.of("ses-1"), List.of("a@x.com", "b@x.com"), "mkt");
      assertTrue(store.record(Events.hardBounce("ev1", "ses-1", T0.plusSeconds(5), "", "A@x.com")));

      assertEquals(2, told.size());
      JsonNode bounce = json(told.get(0));
      assertEquals("ses.bounce", bounce.get("type").asText());
      assertEquals("q1", bounce.get("queueId").asText());
      assertEquals("2026-12-06T04:00:05Z", bounce.get("time").asText());
      assertEquals("A@x.com", bounce.get("recipient").asText());
      assertEquals("ses-1", bounce.get("sesMessageId").asText());
      assertEquals("Permanent/General", bounce.get("subType").asText());
      // The notification named no set: the one the relay sent the message with.
      assertEquals("mkt", bounce.get("configurationSet").asText());
      assertEquals("5.1.1", bounce.get("status").asText());
      assertTrue(bounce.get("diagnostic").isNull());
      assertTrue(bounce.get("reason").isNull());
      assertEquals("ev1", bounce.get("eventId").asText());

      JsonNode listed = json(told.get(1));
      assertEquals("suppressed", listed.get("type").asText());
      assertEquals("listed", listed.get("subType").asText());
      assertEquals("bounce", listed.get("reason").asText());
      assertEquals("a@x.com", listed.get("recipient").asText());
      assertEquals("q1", listed.get("queueId").asText());
      assertEquals("ev1", listed.get("eventId").asText());
      List<String> fields = new ArrayList<>();
      listed.fieldNames().forEachRemaining(fields::add);
      List<String> bounceFields = new ArrayList<>();
      bounce.fieldNames().forEachRemaining(bounceFields::add);
      assertEquals(bounceFields, fields, "every line has the same fields, in the same order");
    }
  }

  @Test
  void record_sameEventAgainOrAfterReopen_toldOnlyOnce() throws Exception {
    try (FeedbackStore store = open()) {
      assertTrue(store.record(Events.complaint("c1", "ses-9", T0, "set", "c@x.com")));
      assertFalse(store.record(Events.complaint("c1", "ses-9", T0, "set", "c@x.com")));
    }
    try (FeedbackStore store = open()) {
      assertFalse(store.record(Events.complaint("c1", "ses-9", T0, "set", "c@x.com")));
    }
    assertEquals(List.of("ses.complaint", "suppressed"), told.stream().map(e -> e.type()).toList());
    // Sent by no relay this store knows: no queue id.
    assertEquals(null, told.get(0).queueId());
  }

  @Test
  void record_bounceOfAnAddressAlreadyListed_toldButNotListedAgain() throws Exception {
    try (FeedbackStore store = open()) {
      store.recordDelivered("q1", T0, List.of("ses-1"), List.of("a@x.com"), "");
      store.record(Events.hardBounce("e1", "ses-1", T0, "", "a@x.com"));
      store.record(Events.hardBounce("e2", "ses-1", T0, "", "a@x.com"));
      store.record(Events.softBounce("e3", "ses-1", T0, "a@x.com"));
    }
    assertEquals(
        List.of("ses.bounce", "suppressed", "ses.bounce", "ses.bounce"),
        told.stream().map(FeedbackEvent::type).toList());
    assertEquals("Transient/MailboxFull", told.get(3).subType());
  }

  @Test
  void recordDropped_suppressedLineInTheHistory_andToldAsDropped() throws Exception {
    Suppression s =
        new Suppression("gone@x.com", Suppression.Reason.COMPLAINT, T0, "ses-0 COMPLAINT", "event");
    try (FeedbackStore store = open()) {
      store.recordAccepted("q7", T0, "http", "127.0.0.1", 10, List.of("ok@x.com"));
      store.recordDropped("q7", T0.plusMillis(1), "mkt", List.of(s));
      List<HistoryEntry> h = store.history("q7");
      assertEquals(
          List.of(HistoryEntry.Kind.ACCEPTED, HistoryEntry.Kind.SUPPRESSED),
          h.stream().map(HistoryEntry::kind).toList());
      assertEquals("gone@x.com", h.get(1).recipient());
      assertTrue(h.get(1).detail().contains("on the relay's suppression list"), h.get(1).detail());
    }
    assertEquals(1, told.size());
    JsonNode d = json(told.get(0));
    assertEquals("suppressed", d.get("type").asText());
    assertEquals("dropped", d.get("subType").asText());
    assertEquals("q7", d.get("queueId").asText());
    assertEquals("complaint", d.get("reason").asText());
    assertEquals("mkt", d.get("configurationSet").asText());
    assertTrue(d.get("sesMessageId").isNull());
    assertTrue(d.get("eventId").isNull());
  }

  @Test
  void writeJson_awkwardStrings_roundTrip() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String alphabet = "aZ09 \"\\/\n\r\t\u0000\u0001\u001f\u007fé漢\u2028\u2029😀<>&'";
    for (int i = 0; i < 200; i++) {
      StringBuilder w = new StringBuilder();
      int n = random.nextInt(20);
      for (int k = 0; k < n; k++) {
        w.appendCodePoint(
            alphabet.codePointAt(
                alphabet.offsetByCodePoints(
                    0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      FeedbackEvent e =
          new FeedbackEvent(
              "ses.bounce", "q", T0, "r", "s", null, null, null, w.toString(), null, "id");
      String line = toLine(e);
      assertFalse(line.contains("\n"), "seed " + seed);
      assertEquals(w.toString(), JSON.readTree(line).get("diagnostic").asText(), "seed " + seed);
    }
  }

  private static String toLine(FeedbackEvent e) {
    StringBuilder b = new StringBuilder();
    e.writeJson(b);
    return b.toString();
  }
}
