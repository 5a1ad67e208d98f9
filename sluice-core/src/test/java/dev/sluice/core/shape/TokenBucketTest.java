package dev.sluice.core.shape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final ManualClock clock = new ManualClock(0);

  /** Simulates callers that act exactly when the bucket says; returns how many acted by the end. */
  private static long actedWithin(
      TokenBucket b, ManualClock clock, int calls, int n, Duration window) {
    long end = clock.nanos() + window.toNanos();
    long acted = 0;
    long reservedUntil = clock.nanos();
    for (int i = 0; i < calls; i++) {
      long wait = b.reserve(n);
      long at = clock.nanos() + wait;
      reservedUntil = Math.max(reservedUntil, at);
      if (at <= end) {
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
    // 50 recipients at 10/s: 5 s of debt.
    assertThat(b.reserve(50)).isEqualTo(5_000_000_000L);
    assertThat(b.available()).isEqualTo(-50.0);
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
  void unlimited_neverWaits() {
    TokenBucket b = new TokenBucket(-1, 1, clock);
    for (int i = 0; i < 1000; i++) {
      assertThat(b.reserve(50)).isZero();
    }
    assertThat(b.unlimited()).isTrue();
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
