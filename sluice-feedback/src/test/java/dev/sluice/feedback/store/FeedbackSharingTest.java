package dev.sluice.feedback.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.ManualClock;
import dev.sluice.core.suppress.Suppression;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's side of distributed mode: what it hands over to share, and what it takes. */
class FeedbackSharingTest {
  private static final Instant T0 = Instant.parse("2026-12-06T04:00:00Z");

  @TempDir Path dir;

  private FeedbackStore open() throws IOException {
    return FeedbackStore.open(
        dir.resolve("feedback"), FeedbackSettings.DEFAULTS, new ManualClock(T0.toEpochMilli()));
  }

  /** Records what it is handed, or refuses everything. */
  private static final class Recorded implements FeedbackStore.Sharing {
    final List<String> changes = new ArrayList<>();
    boolean refuse;

    @Override
    public void suppressed(List<Suppression> added) throws IOException {
      if (refuse) {
        throw new IOException("Kafka is away");
      }
      added.forEach(s -> changes.add("+" + s.address()));
    }

    @Override
    public void unsuppressed(String address) throws IOException {
      if (refuse) {
        throw new IOException("Kafka is away");
      }
      changes.add("-" + address);
    }
  }

  private static Suppression manual(String address) {
    return new Suppression(address, Suppression.Reason.MANUAL, T0, "", "admin");
  }

  @Test
  void suppressAll_sharing_handsOverOnlyNewAddressesAndTheSharedOnesNot() throws IOException {
    try (FeedbackStore store = open()) {
      Recorded shared = new Recorded();
      store.share(shared);
      store.suppress(manual("a@example.com"));
      store.suppressAll(List.of(manual("A@example.com"), manual("b@example.com")));
      store.suppressShared(List.of(manual("c@example.com")));
      store.unsuppress("b@example.com");
      store.unsuppress("nobody@example.com");
      store.unsuppressShared("c@example.com");

      assertEquals(List.of("+a@example.com", "+b@example.com", "-b@example.com"), shared.changes);
      assertTrue(store.find("a@example.com").isPresent());
      assertFalse(store.find("c@example.com").isPresent());
    }
  }

  @Test
  void suppress_sharingFails_nothingChangesHere() throws IOException {
    try (FeedbackStore store = open()) {
      store.suppress(manual("kept@example.com"));
      Recorded shared = new Recorded();
      shared.refuse = true;
      store.share(shared);

      assertThrows(IOException.class, () -> store.suppress(manual("new@example.com")));
      assertThrows(IOException.class, () -> store.unsuppress("kept@example.com"));
      assertFalse(store.find("new@example.com").isPresent());
      assertTrue(store.find("kept@example.com").isPresent());
    }
  }

  @Test
  void recordShared_hardBounce_inTheHistoryButSuppressesNoOne() throws IOException {
    try (FeedbackStore store = open()) {
      store.queueForSes(true);
      var bounce = Events.hardBounce("b1", "ses-1", T0, "", "x@example.com");

      assertEquals(List.of("x@example.com"), addresses(store.suppressionsOf(bounce)));
      assertTrue(store.recordShared(bounce));
      assertFalse(store.record(bounce), "the same event id once");
      assertEquals(1, store.history(FeedbackStore.UNKNOWN + "ses-1").size());
      assertFalse(store.find("x@example.com").isPresent());
      assertTrue(store.pendingForSes(10).isEmpty());
    }
  }

  private static List<String> addresses(List<Suppression> s) {
    return s.stream().map(Suppression::address).toList();
  }
}
