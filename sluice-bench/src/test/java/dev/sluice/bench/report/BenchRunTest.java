package dev.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchRunTest {

  @Test
  void constructor_settingsInAnyOrder_keepsInsertionOrderAndCopies() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("zeta", "1");
    settings.put("alpha", "2");
    settings.put("mid", "3");
    List<LevelResult> levels = new ArrayList<>(SyntheticRuns.curve(1, 2));

    BenchRun run = new BenchRun("t", "smtp", settings, levels, SyntheticRuns.STARTED, null);
    settings.put("late", "4");
    levels.clear();

    assertThat(run.settings().keySet()).containsExactly("zeta", "alpha", "mid");
    assertThat(run.levels()).hasSize(2);
    assertThat(run.kneeNote()).isEmpty();
    assertThatThrownBy(() -> run.settings().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void kneeIndex_sixLevels_sameAsKneeFind() {
    BenchRun run = SyntheticRuns.sixLevels();

    assertThat(run.kneeIndex()).isEqualTo(Knee.find(run.levels())).hasValue(3);
  }

  @Test
  void levelResult_infiniteThroughput_rejectedNamingTheField() {
    assertThatThrownBy(
            () ->
                new LevelResult(
                    1, 1, 1, 1, 0, 0, 0, 0, Double.POSITIVE_INFINITY, 0, LatencySummary.EMPTY, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("throughputPerSecond");
  }
}
