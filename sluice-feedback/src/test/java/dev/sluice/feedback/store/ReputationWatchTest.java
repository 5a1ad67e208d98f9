package dev.sluice.feedback.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.core.ManualClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReputationWatchTest {
  private static final Instant T0 = Instant.parse("2026-12-06T04:00:00Z");

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private int sequence;

  private FeedbackStore open() throws IOException {
    return FeedbackStore.open(dir.resolve("feedback"), FeedbackSettings.DEFAULTS, clock);
  }

  /** Delivers {@code sends} recipients now, of whom {@code bounces} hard-bounce. */
  private void send(FeedbackStore store, String set, int sends, int bounces, int complaints)
      throws IOException {
    Instant now = Instant.ofEpochMilli(clock.millis());
    String ses = "ses-" + ++sequence;
    List<String> to =
        IntStream.range(0, sends).mapToObj(i -> "r" + i + "-" + sequence + "@x.org").toList();
    store.recordDelivered("q" + sequence, now, List.of(ses), to, set);
    if (bounces > 0) {
      store.record(
          Events.hardBounce(
              "b" + sequence, ses, now, set, to.subList(0, bounces).toArray(String[]::new)));
    }
    if (complaints > 0) {
      store.record(
          Events.complaint(
              "c" + sequence,
              ses,
              now,
              set,
              to.subList(bounces, bounces + complaints).toArray(String[]::new)));
    }
  }

  private Double gauge(String name, String window, String set) {
    Gauge g =
        registry
            .find("sluice.reputation." + name)
            .tag("window", window)
            .tag("configuration_set", set)
            .gauge();
    return g == null ? null : g.value();
  }

  @Test
  void reputation_thresholds_reachedExactlyAtTheirRates() {
    assertEquals(Reputation.Level.REVIEW, new Reputation(100, 5, 0).bounceLevel());
    assertEquals(Reputation.Level.OK, new Reputation(101, 5, 0).bounceLevel());
    assertEquals(Reputation.Level.PAUSE, new Reputation(100, 10, 0).bounceLevel());
    assertEquals(Reputation.Level.REVIEW, new Reputation(101, 10, 0).bounceLevel());
    assertEquals(Reputation.Level.REVIEW, new Reputation(1000, 0, 1).complaintLevel());
    assertEquals(Reputation.Level.OK, new Reputation(1001, 0, 1).complaintLevel());
    assertEquals(Reputation.Level.PAUSE, new Reputation(1000, 0, 5).complaintLevel());
    assertEquals(Reputation.Level.REVIEW, new Reputation(1001, 0, 5).complaintLevel());
    assertEquals(0.05, new Reputation(100, 5, 0).bounceRate().getAsDouble());
  }

  @Test
  void check_nothingSent_noRateNoWarning() throws IOException {
    try (FeedbackStore store = open()) {
      ReputationWatch watch = new ReputationWatch(store, registry);
      List<ReputationWatch.Reading> r = watch.check();
      assertEquals(
          List.of(
              new ReputationWatch.Reading("", "24h", new Reputation(0, 0, 0)),
              new ReputationWatch.Reading("", "7d", new Reputation(0, 0, 0))),
          r);
      assertTrue(r.getFirst().reputation().bounceRate().isEmpty());
      assertTrue(r.getFirst().reputation().complaintRate().isEmpty());
      assertEquals(Reputation.Level.OK, r.getFirst().reputation().bounceLevel());
      assertEquals(0, watch.warnings());
      assertEquals(0.0, gauge("sends", "24h", ""));
      assertNull(gauge("bounce_rate", "24h", ""), "no rate over no sends");
    }
  }

  @Test
  void check_windowsAndSets_eachCountsItsOwnHoursAndMail() throws IOException {
    try (FeedbackStore store = open()) {
      send(store, "marketing", 100, 5, 0); // exactly 5%: review
      clock.advance(Duration.ofDays(3));
      send(store, "", 1000, 0, 1); // exactly 0.1% of this window's sends: review
      ReputationWatch watch = new ReputationWatch(store, registry);
      List<ReputationWatch.Reading> r = watch.check();
      assertEquals(
          List.of(
              new ReputationWatch.Reading("", "24h", new Reputation(1000, 0, 1)),
              new ReputationWatch.Reading("", "7d", new Reputation(1100, 5, 1)),
              new ReputationWatch.Reading("marketing", "24h", new Reputation(0, 0, 0)),
              new ReputationWatch.Reading("marketing", "7d", new Reputation(100, 5, 0))),
          r);
      assertEquals(0.001, gauge("complaint_rate", "24h", ""));
      assertEquals(0.05, gauge("bounce_rate", "7d", "marketing"));
      assertEquals(5.0, gauge("hard_bounces", "7d", "marketing"));
      assertNull(gauge("bounce_rate", "24h", "marketing"), "no sends in the last day");
      // all mail's 24 h complaints and marketing's 7 d bounces are at review; 1/1100 is not.
      assertEquals(2, watch.warnings());
    }
  }

  @Test
  void check_rateStaysAbove_warnsOnceAndAgainAfterFallingBelow() throws IOException {
    try (FeedbackStore store = open()) {
      ReputationWatch watch = new ReputationWatch(store, null);
      send(store, "", 100, 5, 0);
      watch.check();
      List<Long> seen = new ArrayList<>();
      seen.add(watch.warnings()); // 24 h and 7 d both at review
      watch.check();
      seen.add(watch.warnings()); // still above: no new warning
      send(store, "", 100, 5, 0);
      watch.check();
      seen.add(watch.warnings());
      send(store, "", 100, 10, 0); // 20 of 300: still review, no pause
      watch.check();
      seen.add(watch.warnings());
      send(store, "", 200, 0, 0); // 20 of 500: back below
      watch.check();
      seen.add(watch.warnings());
      send(store, "", 10, 10, 0); // 30 of 510: above again
      watch.check();
      seen.add(watch.warnings());
      send(store, "", 50, 50, 0); // 80 of 560: pause
      watch.check();
      seen.add(watch.warnings());
      assertEquals(List.of(2L, 2L, 2L, 2L, 2L, 4L, 6L), seen);
    }
  }
}
