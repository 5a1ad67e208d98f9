package dev.sluice.bench.report;

import static dev.sluice.bench.report.SyntheticRuns.curve;
import static dev.sluice.bench.report.SyntheticRuns.level;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class KneeTest {

  @Test
  void find_noLevels_empty() {
    assertThat(Knee.find(List.of())).isEmpty();
  }

  @Test
  void find_oneLevel_thatLevel() {
    assertThat(Knee.find(curve(120))).hasValue(0);
  }

  @Test
  void find_linearGrowth_lastLevel() {
    assertThat(Knee.find(curve(100, 200, 300, 400, 500, 600, 700, 800))).hasValue(7);
  }

  @Test
  void find_doublingGrowth_lastLevel() {
    assertThat(Knee.find(curve(100, 200, 400, 800, 1600))).hasValue(4);
  }

  @Test
  void find_saturatingCurve_firstLevelOfThePlateau() {
    assertThat(Knee.find(curve(100, 200, 400, 500, 520, 530, 535))).hasValue(3);
  }

  @Test
  void find_noisyPlateau_noiseBelowMinGainDoesNotMoveTheKnee() {
    assertThat(Knee.find(curve(100, 190, 360, 400, 430, 380, 435, 395))).hasValue(3);
  }

  @Test
  void find_dropAfterThePeak_kneeStaysAtThePeak() {
    assertThat(Knee.find(curve(100, 200, 400, 300, 200, 100))).hasValue(2);
  }

  @Test
  void find_equalThroughputs_firstLevel() {
    assertThat(Knee.find(curve(250, 250, 250, 250))).hasValue(0);
  }

  @Test
  void find_allZeroThroughput_firstLevel() {
    assertThat(Knee.find(curve(0, 0, 0))).hasValue(0);
  }

  @Test
  void find_zeroThenGrowth_firstLevelWithThroughputCounts() {
    assertThat(Knee.find(curve(0, 0, 50, 52))).hasValue(2);
  }

  @Test
  void find_slowCreepAddingUpPastMinGain_kneeMovesWhenTheSumIsAGain() {
    // 5% per step: steps 2 and 4 are each >= 10% above the knee before them.
    assertThat(Knee.find(curve(100, 105, 110.25, 115.76, 121.55))).hasValue(4);
  }

  @Test
  void find_gainExactlyMinGain_countsAsGain() {
    assertThat(Knee.find(curve(100, 125), 0.25)).hasValue(1);
  }

  @Test
  void find_gainJustBelowMinGain_notAGain() {
    assertThat(Knee.find(curve(100, 124.9), 0.25)).hasValue(0);
  }

  @Test
  void find_zeroMinGain_anyStrictIncreaseIsAGain() {
    assertThat(Knee.find(curve(100, 100.5, 100.5, 101), 0)).hasValue(3);
  }

  @Test
  void find_largeMinGain_onlyBigStepsCount() {
    assertThat(Knee.find(curve(100, 140, 149, 160), 0.5)).hasValue(3);
    assertThat(Knee.find(curve(100, 140, 149), 0.5)).hasValue(0);
  }

  @Test
  void find_levelsOutOfOrder_indexIntoTheCallersList() {
    List<LevelResult> shuffled =
        List.of(
            level(16, 640, 25, 80),
            level(1, 100, 10, 14),
            level(8, 600, 13, 35),
            level(4, 350, 11, 21),
            level(2, 190, 10, 16));
    assertThat(Knee.find(shuffled)).isEqualTo(OptionalInt.of(2));
  }

  @Test
  void find_negativeOrNaNMinGain_rejected() {
    assertThatThrownBy(() -> Knee.find(curve(1, 2), -0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("minGain");
    assertThatThrownBy(() -> Knee.find(curve(1, 2), Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describe_saturatingRun_namesKneeAndWhatTheNextLevelBought() {
    String note = Knee.describe(SyntheticRuns.sixLevels().levels());

    assertThat(note)
        .isEqualTo(
            "knee at concurrency 8: 610.0 calls/s, p99 35.00 ms;"
                + " concurrency 16 gave 640.0 calls/s (+5%) at p99 80.20 ms");
  }

  @Test
  void describe_kneeAtTheLastLevel_saysTheRampEndedWhileGrowing() {
    assertThat(Knee.describe(curve(100, 200, 400)))
        .startsWith("knee at concurrency 4:")
        .endsWith("the ramp ended while throughput was still growing");
  }

  @Test
  void describe_oneLevel_saysOnlyOneWasMeasured() {
    assertThat(Knee.describe(curve(80))).endsWith("; only one level was measured");
  }

  @Test
  void describe_zeroThroughputAtTheKnee_noPercentage() {
    assertThat(Knee.describe(curve(0, 0)))
        .isEqualTo(
            "knee at concurrency 1: 0.0 calls/s, p99 14.00 ms;"
                + " concurrency 2 gave 0.0 calls/s at p99 17.00 ms");
  }

  @Test
  void describe_noLevels_empty() {
    assertThat(Knee.describe(List.of())).isEmpty();
  }
}
