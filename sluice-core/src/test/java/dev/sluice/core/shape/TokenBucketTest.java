package dev.sluice.core.shape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final ManualClock clock = new ManualClock(0);

  /** Simulates callers that act exactly when the bucket says; returns how many acted by the end. */
  private static long actedWithin(
      TokenBucket b, ManualClock clock, int calls, int n, Duration window) {
    long end = clock.nanos() + window.toNanos();
    long acted = 0;
    for (int i = 0; i < calls; i++) {
      long wait = b.reserve(n);
      if (clock.nanos() + wait <= end) {
        acted += n;
      }
    }
    return acted;
  }

  @Test
  void reserve_manyCallersAtOnce_areSpacedAtTheRate() {
    TokenBucket b = new TokenBucket(100, 0.1, clock);
    // 10 tokens of burst, then one per 10 ms.
    for (int i = 0; i < 10; i++) {
      assertThat(b.reserve(1)).isZero();
    }
    assertThat(b.reserve(1)).isEqualTo(10_000_000L);
    assertThat(b.reserve(1)).isEqualTo(20_000_000L);
    clock.advance(Duration.ofMillis(20));
    assertThat(b.reserve(1)).isEqualTo(10_000_000L);
  }

  @Test
  void reserve_overAWindow_neverExceedsRateTimesWindowPlusBurst() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int trial = 0; trial < 50; trial++) {
      double rate = 1 + r.nextInt(1000);
      ManualClock c = new ManualClock(0);
      TokenBucket b = new TokenBucket(rate, 0.1, c);
      int n = 1 + r.nextInt(5);
      long acted = actedWithin(b, c, 20_000, n, Duration.ofSeconds(10));
      double bound = rate * 10 + Math.max(1, rate * 0.1) + n;
      assertThat((double) acted)
          .as("seed %d rate %s n %d", seed, rate, n)
          .isLessThanOrEqualTo(bound);
      assertThat((double) acted).as("seed %d", seed).isGreaterThanOrEqualTo(rate * 10 - n);
    }
  }

  @Test
  void reserve_multiRecipientCall_chargesEveryRecipient() {
    TokenBucket b = new TokenBucket(10, 0.1, clock);
    assertThat(b.reserve(1)).isZero();
    // The bucket (1 token) is empty: a call of 50 waits until it is full again, 0.1 s, and then
    // leaves 49 tokens of debt behind it.
    assertThat(b.reserve(50)).isEqualTo(100_000_000L);
    assertThat(b.available()).isEqualTo(-50.0);
    // The next single recipient waits for all of it: 5.1 s.
    assertThat(b.reserve(1)).isEqualTo(5_100_000_000L);
  }

  @Test
  void reserve_callLargerThanTheBucket_goesAtOnceFromAFullBucket() {
    // The defaults a user starts with: 14/s with a 0.2 s burst holds 2.8 tokens; 20 recipients
    // never fit. SES admits such a call while budget is left, and so does the bucket.
    TokenBucket b = new TokenBucket(14, 0.2, clock);
    assertThat(b.reserve(20)).isZero();
    // 17.2 tokens of debt, then one more token for the next recipient: 18.2 / 14 s.
    assertThat(b.reserve(1)).isEqualTo((long) Math.ceil(18.2 / 14 * 1e9));
  }

  @Test
  void reserve_sandboxRate_threeRecipientsAreNotStuck() {
    // 1/s with a 0.2 s burst: the bucket holds one token, never three.
    TokenBucket b = new TokenBucket(1, 0.2, clock);
    assertThat(b.reserve(3)).isZero();
    // The next call of three waits until one token is back: 3 s (2 of debt, 1 to hold).
    long wait = b.reserve(3);
    assertThat(wait).isEqualTo(3_000_000_000L);
  }

  @Test
  void reserve_callLargerThanTheBucket_waitsAtMostUntilTheBucketIsFull() {
    TokenBucket b = new TokenBucket(10, 0.5, clock); // holds 5
    assertThat(b.reserve(3)).isZero(); // 2 left
    // 50 recipients: wait for the 3 missing tokens (0.3 s), not for 48.
    assertThat(b.reserve(50)).isEqualTo(300_000_000L);
  }

  @Test
  void reserve_seededMatrixOfRatesBurstsAndCalls_alwaysProgressesAndNeverOverdrawsTheAccount() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int trial = 0; trial < 300; trial++) {
      double rate = pickRate(r);
      double burst = new double[] {0.05, 0.2, 1, 2}[r.nextInt(4)];
      int maxN = 1 + r.nextInt(50);
      ManualClock c = new ManualClock(0);
      TokenBucket b = new TokenBucket(rate, burst, c);
      double capacity = b.capacity();
      // The account as SES keeps it: admits a call while any budget is left, then charges it all;
      // same rate, and a bucket at least as large as ours.
      double accountTokens = capacity;
      long accountAt = 0;
      String context =
          String.format(
              "seed %d trial %d rate %s burst %s maxN %d", seed, trial, rate, burst, maxN);

      int calls = 200 + r.nextInt(300);
      long now = 0;
      long lastAct = 0;
      double charged = 0;
      List<long[]> acts = new ArrayList<>(); // {at nanos, n}
      for (int i = 0; i < calls; i++) {
        // Callers arrive in bursts or spread out; sometimes all at once.
        now += r.nextInt(4) == 0 ? 0 : (long) (r.nextDouble() * 3e9 / rate * maxN);
        c.advance(Duration.ofNanos(now - c.nanos()));
        int n = 1 + r.nextInt(maxN);
        double before = b.available();
        long wait = b.reserve(n);
        // Progress: the wait is what the bucket owes ahead of the call plus what the call needs,
        // never more; in particular a call larger than the bucket is not parked.
        double bound = (Math.max(0, -before) + Math.min(n, capacity)) / rate * 1e9 * (1 + 1e-9) + 2;
        assertThat((double) wait).as(context + " call %d n %d", i, n).isLessThanOrEqualTo(bound);
        long at = now + wait;
        // First come, first served.
        assertThat(at).as(context).isGreaterThanOrEqualTo(lastAct);
        lastAct = at;
        acts.add(new long[] {at, n});
        charged += n;
      }
      // Replay the acts against the account: none is throttled; each finds the budget it was
      // promised (all its recipients, or a full bucket for a call larger than the bucket).
      for (long[] act : acts) {
        accountTokens = Math.min(capacity, accountTokens + (act[0] - accountAt) * rate / 1e9);
        accountAt = act[0];
        assertThat(accountTokens)
            .as(context + " account balance when a call of %d arrives at %d ns", act[1], act[0])
            .isGreaterThanOrEqualTo(Math.min(act[1], capacity) - 1e-6);
        accountTokens -= act[1];
      }
      // Long run: everything charged by the last act fits the rate, the bucket and one overdraft.
      double seconds = lastAct / 1e9;
      assertThat(charged)
          .as(context + " charged over %.3f s", seconds)
          .isLessThanOrEqualTo(capacity + rate * seconds + Math.max(0, maxN - capacity) + 1e-6);
    }
  }

  private static double pickRate(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> 1;
      case 1 -> 14;
      case 2 -> 1 + r.nextInt(1000);
      default -> Math.round(r.nextDouble() * 1000 * 10) / 10.0 + 0.5;
    };
  }

  @Test
  void remainingNanos_rateRisesWhileWaiting_theReservationKeepsItsPlaceAndComesSooner() {
    TokenBucket b = new TokenBucket(10, 0.1, clock);
    b.reserve(1);
    TokenBucket.Reservation first = b.tryReserve(20, Long.MAX_VALUE);
    TokenBucket.Reservation second = b.tryReserve(1, Long.MAX_VALUE);
    assertThat(b.remainingNanos(first)).isEqualTo(100_000_000L);
    assertThat(b.remainingNanos(second)).isEqualTo(2_100_000_000L);
    clock.advance(Duration.ofMillis(100));
    assertThat(b.remainingNanos(first)).isZero();
    b.setRate(100);
    // 20 tokens still owed, now at 100/s.
    assertThat(b.remainingNanos(second)).isEqualTo(200_000_000L);
    b.setRate(1);
    assertThat(b.remainingNanos(second)).isEqualTo(20_000_000_000L);
  }

  @Test
  void tryReserve_waitLongerThanAllowed_takesNothing() {
    TokenBucket b = new TokenBucket(1, 1, clock);
    assertThat(b.tryReserve(50, 0)).isNotNull(); // from a full bucket: at once
    assertThat(b.waitNanos(1)).isEqualTo(50_000_000_000L);
    assertThat(b.tryReserve(1, 49_000_000_000L)).isNull();
    assertThat(b.available()).isEqualTo(-49.0);
    assertThat(b.tryReserve(1, 50_000_000_000L)).isNotNull();
    assertThat(b.available()).isEqualTo(-50.0);
  }

  @Test
  void cancel_givesTheTokensBack() {
    TokenBucket b = new TokenBucket(1, 1, clock);
    TokenBucket.Reservation r = b.tryReserve(5, Long.MAX_VALUE);
    assertThat(b.debtSeconds()).isEqualTo(4.0);
    b.cancel(r);
    assertThat(b.debtSeconds()).isZero();
    assertThat(b.reserve(1)).isZero();
  }

  @Test
  void setRate_lowerRate_repaysDebtAtTheNewRate() {
    TokenBucket b = new TokenBucket(100, 0.01, clock);
    b.reserve(1);
    b.reserve(10);
    b.setRate(10);
    assertThat(b.reserve(1)).isEqualTo(1_100_000_000L);
  }

  @Test
  void reserve_rateZero_waitsWithoutEnd() {
    TokenBucket b = new TokenBucket(0, 1, clock);
    b.reserve(1);
    assertThat(b.reserve(1)).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void unlimited_neverWaits() {
    TokenBucket b = new TokenBucket(-1, 1, clock);
    for (int i = 0; i < 1000; i++) {
      assertThat(b.reserve(50)).isZero();
    }
    assertThat(b.unlimited()).isTrue();
    assertThat(b.debtSeconds()).isZero();
  }

  @Test
  void refund_returnsUnusedTokens() {
    TokenBucket b = new TokenBucket(1, 1, clock);
    b.reserve(1);
    assertThat(b.reserve(1)).isPositive();
    b.refund(1);
    b.refund(1);
    assertThat(b.reserve(1)).isZero();
  }
}
