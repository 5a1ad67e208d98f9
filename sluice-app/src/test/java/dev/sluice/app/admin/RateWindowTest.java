package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class RateWindowTest {
  private static final long T0 = 1_790_000_000_000L;

  @Test
  void add_inOneSecond_sumsAndShowsInTheSeries() {
    RateWindow w = RateWindow.counts(5);
    w.add(T0, 2);
    w.add(T0 + 999, 3);
    w.add(T0 + 1000, 7);

    RateWindow.Series s = w.series(T0 + 1500);
    assertThat(s.endSecond()).isEqualTo(T0 / 1000 + 1);
    assertThat(s.values()).containsExactly(0, 0, 0, 5, 7);
    assertThat(w.sum(T0 + 1500, 2)).isEqualTo(12);
    assertThat(w.perSecond(T0 + 1500, 1)).as("the filling second is left out").isEqualTo(5);
  }

  @Test
  void add_afterAnIdleSpanLongerThanTheWindow_forgetsEverything() {
    RateWindow w = RateWindow.counts(10);
    w.add(T0, 100);
    w.add(T0 + 60_000, 1);

    assertThat(w.series(T0 + 60_000).values()).containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
    assertThat(w.sum(T0 + 60_000, 10)).isEqualTo(1);
  }

  @Test
  void add_forASecondOlderThanItsCellHolds_isDropped() {
    RateWindow w = RateWindow.counts(10);
    w.add(T0 + 10_000, 4);
    w.add(T0, 100); // same cell, ten seconds earlier: a wall clock stepped back

    assertThat(w.sum(T0 + 10_000, 10)).isEqualTo(4);
  }

  @Test
  void levels_keepTheLastSampleOfEachSecondAndNaNWhereNone() {
    RateWindow w = RateWindow.levels(4);
    w.set(T0, 14);
    w.set(T0 + 500, 9.8);
    w.set(T0 + 2000, 10.5);

    assertThat(w.series(T0 + 3000).values()).containsExactly(9.8, Double.NaN, 10.5, Double.NaN);
    assertThatThrownBy(() -> w.add(T0, 1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> RateWindow.counts(4).set(T0, 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void spans_largerThanTheWindow_areRefused() {
    RateWindow w = RateWindow.counts(60);
    assertThatThrownBy(() -> w.sum(T0, 61)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> w.perSecond(T0, 60)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RateWindow.counts(0)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Against a model that remembers every event: random bursts, gaps and jumps past the window, with
   * time only moving forward; every series, sum and rate agrees.
   */
  @RepeatedTest(20)
  void counts_matchAModelOfEveryEvent(RepetitionInfo info) {
    long seed = 0x5EED_0000L + info.getCurrentRepetition();
    Random random = new Random(seed);
    int seconds = 1 + random.nextInt(90);
    RateWindow w = RateWindow.counts(seconds);
    Map<Long, Double> model = new HashMap<>();
    long now = T0 + random.nextInt(1000);
    for (int step = 0; step < 2000; step++) {
      int r = random.nextInt(100);
      now += r < 70 ? random.nextInt(300) : r < 97 ? random.nextInt(3000) : random.nextInt(200_000);
      int n = 1 + random.nextInt(50);
      w.add(now, n);
      model.merge(Math.floorDiv(now, 1000), (double) n, Double::sum);
      if (step % 50 == 0) {
        long at = now + random.nextInt(2000);
        long end = Math.floorDiv(at, 1000);
        double[] got = w.series(at).values();
        for (int k = 0; k < seconds; k++) {
          assertThat(got[k])
              .as("seed %d, second %d of %d", seed, k, seconds)
              .isEqualTo(model.getOrDefault(end - seconds + 1 + k, 0.0));
        }
        int span = 1 + random.nextInt(seconds);
        double sum = 0;
        for (long t = end - span + 1; t <= end; t++) {
          sum += model.getOrDefault(t, 0.0);
        }
        assertThat(w.sum(at, span)).as("seed %d, sum of %d", seed, span).isEqualTo(sum);
        if (span < seconds) {
          double before = 0;
          for (long t = end - span; t < end; t++) {
            before += model.getOrDefault(t, 0.0);
          }
          assertThat(w.perSecond(at, span)).as("seed %d", seed).isEqualTo(before / span);
        }
      }
    }
  }
}
