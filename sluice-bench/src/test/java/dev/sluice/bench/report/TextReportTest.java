package dev.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextReportTest {

  @Test
  void table_sixLevels_kneeMarkOnTheConcurrency8RowOnly() {
    List<String> lines = TextReport.table(SyntheticRuns.sixLevels()).lines().toList();

    List<String> marked = lines.stream().filter(l -> l.contains(TextReport.KNEE_MARK)).toList();
    assertThat(marked).hasSize(1);
    assertThat(marked.get(0).strip()).startsWith("8  ").endsWith("<- knee");
    assertThat(lines.get(4)).isEqualTo(marked.get(0));
  }

  @Test
  void table_sixLevels_headerAndRowsAlignedColumnByColumn() {
    List<String> lines = TextReport.table(SyntheticRuns.sixLevels()).lines().toList();
    List<String> table =
        lines.subList(0, 7).stream().map(l -> l.replace("  " + TextReport.KNEE_MARK, "")).toList();

    assertThat(table).extracting(String::length).containsOnly(table.get(0).length());
    // Right-aligned: a column ends where the header has a cell's last character before the
    // two-space gap, and every row has a character there and a space after it.
    String header = table.get(0);
    int columns = 0;
    for (int i = 0; i < header.length() - 2; i++) {
      if (header.charAt(i) != ' ' && header.startsWith("  ", i + 1)) {
        columns++;
        for (String row : table) {
          assertThat(row.charAt(i)).as("row %s col %d", row, i).isNotEqualTo(' ');
          assertThat(row.charAt(i + 1)).as("row %s col %d", row, i + 1).isEqualTo(' ');
        }
      }
    }
    assertThat(columns).isEqualTo(11);
  }

  @Test
  void table_sixLevels_rowShowsEveryFigure() {
    String row = TextReport.table(SyntheticRuns.sixLevels()).lines().toList().get(4);

    assertThat(row.trim().split(" +"))
        .containsExactly(
            "8", "1", "610.0", "1220", "13.10", "24.05", "35.00", "52.50", "70.00", "2", "1/0", "8",
            "<-", "knee");
  }

  @Test
  void table_hugeLatency_widensTheColumnWithoutTruncating() {
    BenchRun run =
        SyntheticRuns.run(
            List.of(
                SyntheticRuns.level(1, 10, 5, 9),
                SyntheticRuns.level(2, 0, 123_456_789, 987_654_321)));

    String table = TextReport.table(run);

    assertThat(table).contains("123456789").contains("987654321").doesNotContain("NaN");
  }

  @Test
  void table_noLevels_headerAndNotice() {
    String table = TextReport.table(SyntheticRuns.run(List.of()));

    assertThat(table).startsWith("conc").contains("(no levels measured)");
    assertThat(table).doesNotContain(TextReport.KNEE_MARK);
  }

  @Test
  void table_kneeNote_printedAfterTheLegend() {
    List<String> lines = TextReport.table(SyntheticRuns.sixLevels()).lines().toList();

    assertThat(lines.get(lines.size() - 1)).startsWith("knee at concurrency 8");
  }

  @Test
  void heading_namesTargetAndShapingWhenTheRunHasThem() {
    java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("target", "the bench's own throwaway simulator at ses-v2+http://127.0.0.1:1");
    settings.put("levels", "[1]");
    settings.put("shaping", "none: the target's MaxSendRate is unlimited");
    BenchRun run =
        new BenchRun("x", "sesv2-http", settings, List.of(), java.time.Instant.EPOCH, "");

    assertThat(TextReport.heading(run))
        .isEqualTo(
            "target   the bench's own throwaway simulator at ses-v2+http://127.0.0.1:1\n"
                + "shaping  none: the target's MaxSendRate is unlimited\n");
    assertThat(TextReport.heading(SyntheticRuns.run(List.of()))).isEmpty();
  }
}
