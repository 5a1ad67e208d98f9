package dev.sluice.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.ManualClock;
import dev.sluice.core.Outcome;
import dev.sluice.core.spool.QueueId;
import dev.sluice.core.spool.SpoolEntry;
import dev.sluice.core.spool.SpoolState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {
  private static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");
  private final ManualClock clock = new ManualClock(T0.toEpochMilli());

  private Instant now() {
    return Instant.ofEpochMilli(clock.millis());
  }

  private static SpoolEntry taken(Instant received, int attempts) {
    return new SpoolEntry(
        new QueueId("Q1"),
        new Envelope("app@example.com", List.of("a@example.net")),
        100,
        received,
        "test",
        SpoolState.ACTIVE,
        received,
        attempts,
        "");
  }

  private static Outcome.Deferred deferred(Outcome.Scope scope, Duration retryAfter) {
    return new Outcome.Deferred(scope, "503 Service Unavailable", retryAfter, List.of());
  }

  @Test
  void defaults_areTheDocumentedSchedule() {
    RetryPolicy p = RetryPolicy.defaults();
    assertThat(p.delays())
        .containsExactly(
            Duration.ofMinutes(1),
            Duration.ofMinutes(2),
            Duration.ofMinutes(5),
            Duration.ofMinutes(10),
            Duration.ofMinutes(20),
            Duration.ofMinutes(30),
            Duration.ofHours(1));
    assertThat(p.jitter()).isEqualTo(1.0);
    assertThat(p.minDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.expiry()).isEqualTo(Duration.ofDays(1));
    assertThat(p)
        .hasToString(
            "RetryPolicy[delays=1m,2m,5m,10m,20m,30m,1h jitter=1.0 minDelay=1s expiry=1d]");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 20261128})
  void delay_fullJitter_staysBetweenZeroAndTheScheduledDelay_andSpreadsOverIt(long seed) {
    Random rnd = new Random(seed);
    RetryPolicy p = RetryPolicy.defaults();
    for (int attempt = 1; attempt <= 10; attempt++) {
      Duration scheduled = p.delays().get(Math.min(attempt, p.delays().size()) - 1);
      long low = Long.MAX_VALUE;
      long high = 0;
      for (int i = 0; i < 2000; i++) {
        long d = p.delay(attempt, rnd).toNanos();
        assertThat(d).as("seed %d attempt %d", seed, attempt).isBetween(0L, scheduled.toNanos());
        low = Math.min(low, d);
        high = Math.max(high, d);
      }
      // Full jitter uses the whole range, not a band around the delay.
      assertThat(low).as("seed %d", seed).isLessThan(scheduled.toNanos() / 20);
      assertThat(high).as("seed %d", seed).isGreaterThan(scheduled.toNanos() / 20 * 19);
    }
  }

  @Test
  void delay_partialJitter_staysInItsBand_andNoJitterIsExact() {
    Random rnd = new Random(3);
    RetryPolicy quarter = RetryPolicy.builder().delays("100s").jitter(0.25).build();
    for (int i = 0; i < 1000; i++) {
      assertThat(quarter.delay(1, rnd)).isBetween(Duration.ofSeconds(75), Duration.ofSeconds(100));
    }
    RetryPolicy none = RetryPolicy.builder().delays("1m,2m").jitter(0).build();
    assertThat(none.delay(1, rnd)).isEqualTo(Duration.ofMinutes(1));
    assertThat(none.delay(2, rnd)).isEqualTo(Duration.ofMinutes(2));
    assertThat(none.delay(9, rnd)).isEqualTo(Duration.ofMinutes(2)); // the last one repeats
  }

  @Test
  void onDeferral_ofTheMessageOrUpstream_countsAnAttempt_andFollowsTheSchedule() {
    RetryPolicy p = RetryPolicy.builder().delays("1m,5m").jitter(0).build();
    clock.advance(Duration.ofSeconds(30));
    for (Outcome.Scope scope : List.of(Outcome.Scope.MESSAGE, Outcome.Scope.UPSTREAM)) {
      assertThat(p.onDeferral(taken(T0, 0), deferred(scope, Duration.ZERO), now(), new Random(1)))
          .isEqualTo(new RetryPolicy.Retry(now().plus(Duration.ofMinutes(1)), 1));
      assertThat(p.onDeferral(taken(T0, 3), deferred(scope, Duration.ZERO), now(), new Random(1)))
          .isEqualTo(new RetryPolicy.Retry(now().plus(Duration.ofMinutes(5)), 4));
    }
  }

  @Test
  void onDeferral_neverRetriesSoonerThanRetryAfterOrTheMinimum() {
    Random rnd = new Random(11);
    RetryPolicy p = RetryPolicy.builder().delays("10s").minDelay(Duration.ofSeconds(2)).build();
    for (int i = 0; i < 500; i++) {
      RetryPolicy.Retry r =
          (RetryPolicy.Retry)
              p.onDeferral(
                  taken(T0, 0), deferred(Outcome.Scope.UPSTREAM, Duration.ZERO), now(), rnd);
      assertThat(r.due()).isBetween(now().plusSeconds(2), now().plusSeconds(10));
      RetryPolicy.Retry later =
          (RetryPolicy.Retry)
              p.onDeferral(
                  taken(T0, 0),
                  deferred(Outcome.Scope.MESSAGE, Duration.ofSeconds(30)),
                  now(),
                  rnd);
      assertThat(later.due()).isEqualTo(now().plusSeconds(30));
    }
  }

  @Test
  void onDeferral_ofTheAccount_keepsTheAttemptCount_andRetriesAfterRetryAfter() {
    RetryPolicy p = RetryPolicy.defaults();
    clock.advance(Duration.ofHours(2));
    RetryPolicy.Decision d =
        p.onDeferral(
            taken(T0, 4),
            new Outcome.Deferred(
                Outcome.Scope.ACCOUNT,
                "Daily message quota exceeded.",
                Duration.ofSeconds(60),
                List.of()),
            now(),
            new Random(5));
    assertThat(d).isEqualTo(new RetryPolicy.Retry(now().plusSeconds(60), 4));
    // A rate throttle with a short retryAfter is floored at the minimum delay only.
    assertThat(
            p.onDeferral(
                taken(T0, 0),
                deferred(Outcome.Scope.ACCOUNT, Duration.ofMillis(200)),
                now(),
                new Random(5)))
        .isEqualTo(new RetryPolicy.Retry(now().plusSeconds(1), 0));
  }

  @Test
  void onDeferral_atOrAfterExpiry_expiresWithTheLastError_whateverTheScope() {
    RetryPolicy p = RetryPolicy.defaults();
    clock.advance(Duration.ofDays(1));
    for (Outcome.Scope scope : Outcome.Scope.values()) {
      assertThat(p.onDeferral(taken(T0, 9), deferred(scope, Duration.ZERO), now(), new Random(1)))
          .isEqualTo(new RetryPolicy.Expire("expired after 1d: 503 Service Unavailable"));
    }
  }

  @Test
  void onDeferral_justBeforeExpiry_makesTheLastTryAtExpiry() {
    RetryPolicy p =
        RetryPolicy.builder().delays("1h").jitter(0).expiry(Duration.ofMinutes(90)).build();
    clock.advance(Duration.ofMinutes(80));
    assertThat(
            p.onDeferral(
                taken(T0, 1), deferred(Outcome.Scope.UPSTREAM, Duration.ZERO), now(), new Random()))
        .isEqualTo(new RetryPolicy.Retry(T0.plus(Duration.ofMinutes(90)), 2));
    // ... unless the deferral asks for later: then it gets one try after expiry, and expires then.
    assertThat(
            p.onDeferral(
                taken(T0, 1),
                deferred(Outcome.Scope.ACCOUNT, Duration.ofMinutes(20)),
                now(),
                new Random()))
        .isEqualTo(new RetryPolicy.Retry(now().plus(Duration.ofMinutes(20)), 1));
  }

  @Test
  void parseDelays_readsTheConfigurationForm_andNamesItWhenWrong() {
    assertThat(RetryPolicy.parseDelays("10ms, 1.5s,2m"))
        .containsExactly(Duration.ofMillis(10), Duration.ofMillis(1500), Duration.ofMinutes(2));
    assertThatThrownBy(() -> RetryPolicy.parseDelays("1m,,2m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1m,2m,5m,10m,20m,30m,1h")
        .hasMessageContaining("'1m,,2m'");
  }

  @Test
  void builder_refusesBadValues() {
    assertThatThrownBy(() -> RetryPolicy.builder().delays(new Duration[0]).build())
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> RetryPolicy.builder().delays("0s").build())
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5).build())
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(Double.NaN).build())
        .hasMessageContaining("jitter");
    assertThatThrownBy(() -> RetryPolicy.builder().minDelay(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("minDelay");
    assertThatThrownBy(() -> RetryPolicy.builder().expiry(Duration.ZERO).build())
        .hasMessageContaining("expiry");
    assertThatThrownBy(() -> RetryPolicy.defaults().delay(0, new Random()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
