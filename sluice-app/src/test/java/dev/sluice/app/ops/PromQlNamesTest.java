package dev.sluice.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlNamesTest {
  @Test
  void in_selectorsWithLabelsAndRanges_namesTheSeriesOnly() {
    assertThat(
            PromQlNames.in(
                "rate(sluice_relay_accepted_total{job=\"sluice\",instance=~\"$instance\"}[5m])"))
        .containsExactly("sluice_relay_accepted_total");
    assertThat(PromQlNames.in("up")).containsExactly("up");
    assertThat(PromQlNames.in("sluice_spool_oldest_age_seconds > 3600"))
        .containsExactly("sluice_spool_oldest_age_seconds");
  }

  @Test
  void in_aggregationsWithLabelLists_skipsTheLabels() {
    assertThat(
            PromQlNames.in(
                "histogram_quantile(0.99, sum by (le, result)"
                    + " (rate(sluice_upstream_call_duration_seconds_bucket[$__rate_interval])))"))
        .containsExactly("sluice_upstream_call_duration_seconds_bucket");
    assertThat(PromQlNames.in("sum(rate(x_total[5m])) without (instance, le) / on(job) y"))
        .containsExactly("x_total", "y");
    assertThat(PromQlNames.in("SUM BY (state) (sluice_spool_messages)"))
        .containsExactly("sluice_spool_messages");
  }

  @Test
  void in_binaryOperatorsAndModifiers_namesBothSides() {
    assertThat(
            PromQlNames.in(
                "a_used / ignoring(x) group_left(y, z) b_max > bool 0.9"
                    + " and c offset 1h unless d @ 1609746000 or e[5m:30s]"))
        .containsExactly("a_used", "b_max", "c", "d", "e");
    // group_left without a list: the next parentheses are a call, not labels.
    assertThat(PromQlNames.in("a * on(k) group_left rate(b_total[1m])"))
        .containsExactly("a", "b_total");
  }

  @Test
  void in_numbersDurationsStringsAndVariables_areNotNames() {
    assertThat(
            PromQlNames.in(
                "predict_linear(free_bytes[6h], 24 * 3600) < 1e-3 + 0x1f + 10 * 1024"
                    + " + label_replace(m, \"dst\", \"$1\", \"src\", \"(.*)\")"
                    + " + x{a='b}c'} + y{d=`e\"f`} + z[${range}] + inf + NaN"))
        .containsExactly("free_bytes", "m", "x", "y", "z");
    assertThat(PromQlNames.in("vector(1) + time()")).isEmpty();
  }

  @Test
  void in_grafanaLabelValues_namesItsSelector() {
    assertThat(
            PromQlNames.in("label_values(sluice_relay_accepted_total{job=\"sluice\"}, instance)"))
        .containsExactly("sluice_relay_accepted_total");
  }

  @Test
  void in_colonsInRecordingRuleNames_keepThem() {
    assertThat(PromQlNames.in("job:sluice_sent:rate5m > 0"))
        .containsExactly("job:sluice_sent:rate5m");
  }
}
