package dev.sluice.core.shape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AimdRateTest {
  private final ManualClock clock = new ManualClock(0);

  private AimdRate aimd(double ceiling) {
    return new AimdRate(ceiling, 0.7, 0.05, 200_000_000L, 1, clock);
  }

  @Test
  void onThrottle_cutsOncePerSpacing_deepFirstThenGentle() {
    AimdRate a = aimd(1000);
    assertThat(a.onThrottle()).isTrue();
    assertThat(a.current()).isEqualTo(700.0);
    // The in-flight tail throttles too, but does not cut again.
    for (int i = 0; i < 50; i++) {
      assertThat(a.onThrottle()).isFalse();
    }
    clock.advance(Duration.ofMillis(200));
    // After a cut the rate climbs slowly: a tenth of 5% of the ceiling per second.
    assertThat(a.current()).isCloseTo(701.0, org.assertj.core.data.Offset.offset(1e-6));
    // Throttled again below the previous throttle: the limit is near, so the cut is gentler.
    assertThat(a.onThrottle()).isTrue();
    assertThat(a.current()).isCloseTo(701 * 0.9, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(a.throttles()).isEqualTo(52);
    assertThat(a.cuts()).isEqualTo(2);
  }

  @Test
  void rescale_movesTheCurrentRateInProportion_unlikeSetCeiling() {
    AimdRate a = aimd(1000);
    a.onThrottle(); // 700
    a.rescale(500); // a share halved
    assertThat(a.ceiling()).isEqualTo(500.0);
    assertThat(a.current()).isEqualTo(350.0);
    a.rescale(2000);
    assertThat(a.current()).isEqualTo(1400.0);
    // The throttle's rate moved too: a throttle at 1400 is not "below the last one".
    clock.advance(Duration.ofMillis(200));
    double before = a.current();
    a.onThrottle();
    assertThat(a.current()).isCloseTo(before * 0.9, org.assertj.core.data.Offset.offset(1e-6));
    // setCeiling, by contrast, leaves a lower current rate where it is.
    AimdRate b = aimd(100);
    b.setCeiling(1);
    b.setCeiling(100);
    assertThat(b.current()).isEqualTo(1.0);
    AimdRate c = aimd(100);
    c.rescale(1);
    c.rescale(100);
    assertThat(c.current()).isEqualTo(100.0);
  }

  @Test
  void rescale_toOrFromUnlimited_isSetCeiling() {
    AimdRate a = aimd(-1);
    a.rescale(50);
    assertThat(a.current()).isEqualTo(50.0);
    a.rescale(-1);
    assertThat(a.current()).isNegative();
  }

  @Test
  void quietPeriod_restoresFullSpeedRecovery() {
    AimdRate a = aimd(1000);
    a.onThrottle();
    clock.advance(Duration.ofNanos(AimdRate.QUIET_NANOS));
    double before = a.current();
    clock.advance(Duration.ofSeconds(1));
    assertThat(a.current() - before).isCloseTo(50.0, org.assertj.core.data.Offset.offset(1e-6));
  }

  /**
   * A sender set to twice the real limit against an upstream that throttles whenever the rate is
   * above it: the rate must fall below the limit within 5 s and stay near it.
   */
  @Test
  void rateSetTwiceTooHigh_convergesBelowTheLimitWithinFiveSeconds() {
    double limit = 500;
    AimdRate a = aimd(2 * limit);
    double firstBelow = Double.NaN;
    double sumAfter = 0;
    int samplesAfter = 0;
    double maxAfter = 0;
    for (int ms = 0; ms < 60_000; ms += 10) {
      double r = a.current();
      if (r > limit) {
        a.onThrottle();
      } else if (Double.isNaN(firstBelow)) {
        firstBelow = ms;
      }
      if (ms >= 10_000) {
        sumAfter += r;
        samplesAfter++;
        maxAfter = Math.max(maxAfter, r);
      }
      clock.advance(Duration.ofMillis(10));
    }
    assertThat(firstBelow).isLessThan(5_000);
    // After settling it spends its time just under the limit.
    assertThat(sumAfter / samplesAfter).isBetween(0.9 * limit, limit);
    assertThat(maxAfter).isLessThan(1.05 * limit);
  }

  @Test
  void increase_isCappedAtTheCeiling() {
    AimdRate a = aimd(100);
    a.onThrottle();
    clock.advance(Duration.ofHours(1));
    assertThat(a.current()).isEqualTo(100.0);
  }

  @Test
  void setCeiling_lowerCapsAndUnlimitedPassesThrough() {
    AimdRate a = aimd(100);
    a.setCeiling(50);
    assertThat(a.current()).isEqualTo(50.0);
    a.setCeiling(-1);
    assertThat(a.current()).isNegative();
    assertThat(a.onThrottle()).isFalse();
    a.setCeiling(20);
    assertThat(a.current()).isEqualTo(20.0);
  }

  @Test
  void floor_isNeverCrossed() {
    AimdRate a = new AimdRate(10, 0.5, 0, 0, 2, clock);
    for (int i = 0; i < 20; i++) {
      a.onThrottle();
    }
    assertThat(a.current()).isEqualTo(2.0);
  }
}
