package dev.sluice.bench.report;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The HTML report: one self-contained page with the run's settings, a throughput chart, a latency
 * chart and the levels table.
 *
 * <p>Design note: everything is inline (CSS in a {@code <style>} element, charts as SVG drawn by
 * {@link SvgChart}), so the file can be mailed, attached to an issue or opened offline and looks
 * the same; there is no script at all. The markup is also well-formed XML (void elements closed,
 * numeric character references only), so tests and tools can parse it with any XML parser. Every
 * piece of text from the run goes through {@link Markup#escape}, so a setting such as {@code
 * <script>} shows as text. Stateless and thread-safe.
 */
public final class HtmlReport {

  private static final String THROUGHPUT_COLOR = "#1c7ed6";
  private static final String P50_COLOR = "#2b8a3e";
  private static final String P99_COLOR = "#c92a2a";

  private static final String CSS =
      """
      body { font-family: sans-serif; font-size: 14px; color: #222222; background: #ffffff;
             margin: 0 auto; padding: 16px 24px; max-width: 1040px; }
      h1 { font-size: 22px; margin: 8px 0 4px; }
      h2 { font-size: 17px; margin: 24px 0 8px; }
      p.meta { color: #555555; margin: 0 0 8px; }
      p.knee-note { border-left: 4px solid #e8590c; padding: 4px 10px; background: #fff4e6; }
      table { border-collapse: collapse; }
      div.scroll { overflow-x: auto; }
      th, td { border: 1px solid #dddddd; padding: 3px 8px; }
      th { background: #f1f3f5; text-align: left; }
      table.levels { font-size: 13px; }
      table.levels th, table.levels td { padding: 3px 6px; }
      table.levels td { text-align: right; font-variant-numeric: tabular-nums; }
      table.levels tr.knee-row td { background: #fff4e6; font-weight: bold; }
      table.settings td { font-family: monospace; }
      svg.chart { display: block; width: 100%; height: auto; max-width: 880px; }
      """;

  private HtmlReport() {}

  /** Returns the run as one complete, self-contained HTML document. */
  public static String render(BenchRun run) {
    List<LevelResult> levels = run.levels();
    OptionalInt knee = run.kneeIndex();
    int[] concurrencies = levels.stream().mapToInt(LevelResult::concurrency).toArray();
    String title = "sluice bench: " + run.target();
    StringBuilder html = new StringBuilder(32_768);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<title>")
        .append(Markup.escape(title))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n");
    html.append("<h1>").append(Markup.escape(title)).append("</h1>\n");
    html.append("<p class=\"meta\">transport ")
        .append(Markup.escape(run.transport()))
        .append(" &#183; started ")
        .append(
            Markup.escape(
                DateTimeFormatter.ISO_INSTANT.format(
                    run.started().truncatedTo(ChronoUnit.SECONDS))))
        .append(" &#183; ")
        .append(levels.size())
        .append(levels.size() == 1 ? " level" : " levels")
        .append("</p>\n");
    if (!run.kneeNote().isBlank()) {
      html.append("<p class=\"knee-note\">").append(Markup.escape(run.kneeNote())).append("</p>\n");
    }
    settings(html, run.settings());

    html.append("<h2>Throughput</h2>\n");
    html.append(
        SvgChart.render(
            "throughput-chart",
            "Accepted calls per second against concurrency",
            "accepted calls/s",
            concurrencies,
            List.of(
                new SvgChart.Series(
                    "throughput",
                    "calls/s",
                    THROUGHPUT_COLOR,
                    "calls/s",
                    levels.stream().mapToDouble(LevelResult::throughputPerSecond).toArray())),
            knee));
    html.append("<h2>Latency</h2>\n");
    html.append(
        SvgChart.render(
            "latency-chart",
            "Round-trip latency p50 and p99 against concurrency",
            "latency (ms)",
            concurrencies,
            List.of(
                new SvgChart.Series(
                    "p50",
                    "p50",
                    P50_COLOR,
                    "ms",
                    levels.stream().mapToDouble(l -> l.latency().p50Millis()).toArray()),
                new SvgChart.Series(
                    "p99",
                    "p99",
                    P99_COLOR,
                    "ms",
                    levels.stream().mapToDouble(l -> l.latency().p99Millis()).toArray())),
            knee));
    levelsTable(html, levels, knee);
    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static void settings(StringBuilder html, Map<String, String> settings) {
    html.append("<h2>Settings</h2>\n");
    if (settings.isEmpty()) {
      html.append("<p class=\"meta\">none recorded</p>\n");
      return;
    }
    html.append("<table class=\"settings\">\n");
    settings.forEach(
        (name, value) ->
            html.append("<tr><th>")
                .append(Markup.escape(name))
                .append("</th><td>")
                .append(Markup.escape(value))
                .append("</td></tr>\n"));
    html.append("</table>\n");
  }

  private static void levelsTable(StringBuilder html, List<LevelResult> levels, OptionalInt knee) {
    html.append("<h2>Levels</h2>\n<div class=\"scroll\">\n<table class=\"levels\">\n<tr>");
    for (String header :
        List.of(
            "concurrency",
            "processes",
            "calls/s",
            "recipients/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "throttled",
            "errors transient/permanent",
            "connections opened",
            "")) {
      html.append("<th>").append(Markup.escape(header)).append("</th>");
    }
    html.append("</tr>\n");
    for (int i = 0; i < levels.size(); i++) {
      LevelResult level = levels.get(i);
      LatencySummary latency = level.latency();
      boolean isKnee = knee.isPresent() && knee.getAsInt() == i;
      html.append(isKnee ? "<tr class=\"knee-row\">" : "<tr>");
      for (String cell :
          List.of(
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
              Long.toString(level.connectionsOpened()),
              isKnee ? "knee" : "")) {
        html.append("<td>").append(Markup.escape(cell)).append("</td>");
      }
      html.append("</tr>\n");
    }
    html.append("</table>\n</div>\n");
  }
}
