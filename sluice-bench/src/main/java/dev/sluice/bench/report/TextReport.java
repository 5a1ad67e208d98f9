package dev.sluice.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The terminal report: one aligned row per concurrency level, the knee's row marked {@value
 * #KNEE_MARK}.
 *
 * <p>Every column is right-aligned to its widest cell, so numbers line up by their last digit;
 * widths grow with the values, never truncating them. Stateless and thread-safe.
 */
public final class TextReport {

  /** The marker appended to the knee's row. */
  public static final String KNEE_MARK = "<- knee";

  private static final List<String> HEADERS =
      List.of(
          "conc",
          "procs",
          "calls/s",
          "rcpts/s",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "p99.9 ms",
          "max ms",
          "throttled",
          "errors t/p",
          "conns");

  private static final String GAP = "  ";

  private TextReport() {}

  /**
   * Returns what was measured and how fast it was allowed to go, one line each, as the run's {@code
   * target} and {@code shaping} settings say (empty when it has neither): a reader of the table
   * must know whether it measured SES or a throwaway simulator, and at what rate.
   */
  public static String heading(BenchRun run) {
    StringBuilder out = new StringBuilder();
    for (String key : List.of("target", "shaping")) {
      String v = run.settings().get(key);
      if (v != null) {
        out.append(String.format(java.util.Locale.ROOT, "%-8s %s", key, v)).append('\n');
      }
    }
    return out.toString();
  }

  /** Returns the levels of the run as an aligned plain-text table ending in a newline. */
  public static String table(BenchRun run) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (LevelResult level : run.levels()) {
      rows.add(row(level));
    }
    int[] widths = new int[HEADERS.size()];
    for (List<String> row : rows) {
      for (int c = 0; c < row.size(); c++) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    OptionalInt knee = run.kneeIndex();
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      List<String> row = rows.get(r);
      for (int c = 0; c < row.size(); c++) {
        if (c > 0) {
          line.append(GAP);
        }
        line.append(" ".repeat(widths[c] - row.get(c).length())).append(row.get(c));
      }
      if (knee.isPresent() && knee.getAsInt() == r - 1) {
        line.append(GAP).append(KNEE_MARK);
      }
      out.append(line).append('\n');
    }
    if (run.levels().isEmpty()) {
      out.append("(no levels measured)\n");
    }
    out.append("latency in ms; errors t/p = transient/permanent; conns = connections opened\n");
    if (!run.kneeNote().isBlank()) {
      out.append(run.kneeNote().strip()).append('\n');
    }
    return out.toString();
  }

  private static List<String> row(LevelResult level) {
    LatencySummary latency = level.latency();
    return List.of(
        Integer.toString(level.concurrency()),
        Integer.toString(level.processes()),
        NumberText.rate(level.throughputPerSecond()),
        NumberText.rate(level.recipientsPerSecond()),
        NumberText.millis(latency.p50Millis()),
        NumberText.millis(latency.p90Millis()),
        NumberText.millis(latency.p99Millis()),
        NumberText.millis(latency.p999Millis()),
        NumberText.millis(latency.maxMillis()),
        Long.toString(level.throttled()),
        level.transientErrors() + "/" + level.permanentErrors(),
        Long.toString(level.connectionsOpened()));
  }
}
