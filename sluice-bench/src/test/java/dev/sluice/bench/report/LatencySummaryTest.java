package dev.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  private static final long MS = 1_000_000L;

  @Test
  void of_oneToThousandMillis_percentilesInMillis() {
    Histogram h = new Histogram(3);
    for (long ms = 1; ms <= 1000; ms++) {
      h.recordValue(ms * MS);
    }

    LatencySummary s = LatencySummary.of(h);

    // Three significant digits: HdrHistogram answers within 0.1% of the recorded value.
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.p50Millis()).isCloseTo(500, withPercentage(0.2));
    assertThat(s.p90Millis()).isCloseTo(900, withPercentage(0.2));
    assertThat(s.p99Millis()).isCloseTo(990, withPercentage(0.2));
    assertThat(s.p999Millis()).isCloseTo(999, withPercentage(0.2));
    assertThat(s.maxMillis()).isCloseTo(1000, withPercentage(0.2));
    assertThat(s.meanMillis()).isCloseTo(500.5, withPercentage(0.2));
  }

  @Test
  void of_skewedHistogram_tailSeparatesFromMedian() {
    Histogram h = new Histogram(3);
    h.recordValueWithCount(2 * MS, 990);
    h.recordValueWithCount(250 * MS, 9);
    h.recordValue(4000 * MS);

    LatencySummary s = LatencySummary.of(h);

    assertThat(s.p50Millis()).isCloseTo(2, withPercentage(0.2));
    assertThat(s.p90Millis()).isCloseTo(2, withPercentage(0.2));
    assertThat(s.p99Millis()).isCloseTo(2, withPercentage(0.2));
    assertThat(s.p999Millis()).isCloseTo(250, withPercentage(0.2));
    assertThat(s.maxMillis()).isCloseTo(4000, withPercentage(0.2));
    assertThat(s.meanMillis()).isCloseTo((990 * 2 + 9 * 250 + 4000) / 1000.0, withPercentage(0.2));
  }

  @Test
  void of_subMillisecondValues_fractionsKept() {
    Histogram h = new Histogram(3);
    h.recordValue(250_000); // 0.25 ms

    LatencySummary s = LatencySummary.of(h);

    assertThat(s.p50Millis()).isCloseTo(0.25, within(0.001));
    assertThat(s.maxMillis()).isCloseTo(0.25, within(0.001));
  }

  @Test
  void of_emptyHistogram_emptySummaryWithoutNaN() {
    LatencySummary s = LatencySummary.of(new Histogram(3));

    assertThat(s).isEqualTo(LatencySummary.EMPTY);
    assertThat(s.meanMillis()).isZero();
  }

  @Test
  void constructor_negativeOrNaNFigure_rejectedNamingTheField() {
    assertThatThrownBy(() -> new LatencySummary(1, 1, 1, Double.NaN, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p99Millis");
    assertThatThrownBy(() -> new LatencySummary(1, 1, 1, 1, 1, -1, 1))
        .hasMessageContaining("maxMillis");
    assertThatThrownBy(() -> new LatencySummary(-1, 1, 1, 1, 1, 1, 1))
        .hasMessageContaining("count");
  }
}
