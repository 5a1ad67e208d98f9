package dev.sluice.bench.report;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * Draws one line chart of values against concurrency as inline SVG: x on a log2 scale, y linear
 * from zero, one polyline and one circle per level for each series, and the knee marked.
 *
 * <p>Design note: the charts are generated here rather than by a script in the page so the report
 * opens anywhere (no JavaScript, nothing fetched) and a unit test can count what is drawn. The x
 * axis is log2 because the ramp doubles concurrency, which spaces its levels evenly; ticks are the
 * measured levels themselves, with a label dropped when it would crowd its left neighbour. The y
 * axis always starts at zero (a throughput chart that does not is misleading) and ends at a "nice"
 * value at least 5% above the largest point. The legend sits below the x axis and the knee label
 * above the plot, so neither can collide with the other wherever the knee falls. Non-finite values
 * are drawn as zero so the markup is NaN-free. Stateless and thread-safe.
 */
final class SvgChart {

  /** One line on the chart: its CSS class (also its {@code data-series}), legend label, colour. */
  record Series(String name, String label, String color, String unit, double[] values) {}

  static final int WIDTH = 880;
  static final int HEIGHT = 420;
  private static final double LEFT = 84;
  private static final double RIGHT = 36;
  private static final double TOP = 36;
  private static final double BOTTOM = 92;
  private static final double MIN_LABEL_GAP = 34;
  private static final String KNEE_COLOR = "#e8590c";

  private final double x0 = LEFT;
  private final double x1 = WIDTH - RIGHT;
  private final double y0 = TOP;
  private final double y1 = HEIGHT - BOTTOM;
  private final double lo;
  private final double hi;
  private final double yMax;
  private final double yStep;

  private SvgChart(int[] concurrencies, List<Series> series) {
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (int c : concurrencies) {
      min = Math.min(min, log2(c));
      max = Math.max(max, log2(c));
    }
    if (concurrencies.length == 0) {
      min = 0;
      max = 0;
    }
    if (max - min < 1e-9) {
      min -= 1;
      max += 1;
    }
    double pad = Math.max(0.25, 0.04 * (max - min));
    this.lo = min - pad;
    this.hi = max + pad;
    double top = 0;
    for (Series s : series) {
      for (double v : s.values()) {
        top = Math.max(top, NumberText.finite(v));
      }
    }
    if (top <= 0) {
      top = 1;
    }
    this.yStep = niceStep(top * 1.05 / 5);
    this.yMax = Math.ceil(top * 1.05 / yStep) * yStep;
  }

  /** Returns an {@code <svg>} element with the given id drawing {@code series} over the levels. */
  static String render(
      String id,
      String description,
      String yTitle,
      int[] concurrencies,
      List<Series> series,
      OptionalInt knee) {
    return new SvgChart(concurrencies, series)
        .draw(id, description, yTitle, concurrencies, series, knee);
  }

  private String draw(
      String id,
      String description,
      String yTitle,
      int[] concurrencies,
      List<Series> series,
      OptionalInt knee) {
    StringBuilder svg = new StringBuilder(8192);
    svg.append(
            String.format(
                Locale.ROOT,
                "<svg id=\"%s\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\""
                    + " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\""
                    + " aria-labelledby=\"%s-title\">\n",
                id,
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT,
                id))
        .append("<title id=\"")
        .append(id)
        .append("-title\">")
        .append(Markup.escape(description))
        .append("</title>\n");
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect class=\"background\" x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
            WIDTH,
            HEIGHT));
    yAxis(svg, yTitle);
    xAxis(svg, concurrencies);
    if (concurrencies.length == 0) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=\"empty\" x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"14\""
                  + " fill=\"#555555\">no levels measured</text>\n",
              n((x0 + x1) / 2),
              n((y0 + y1) / 2)));
    }
    if (knee.isPresent() && knee.getAsInt() < concurrencies.length) {
      knee(svg, concurrencies, series, knee.getAsInt());
    }
    for (Series s : series) {
      series(svg, concurrencies, s);
    }
    legend(svg, series, knee.isPresent() && knee.getAsInt() < concurrencies.length);
    svg.append("</svg>\n");
    return svg.toString();
  }

  private void yAxis(StringBuilder svg, String yTitle) {
    svg.append("<g class=\"axis y-axis\" font-size=\"12\" fill=\"#333333\">\n");
    int ticks = (int) Math.round(yMax / yStep);
    for (int t = 0; t <= ticks; t++) {
      double value = t * yStep;
      double y = y(value);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\"/>\n",
              n(x0 - 5),
              n(y),
              n(x1),
              n(y),
              t == 0 ? "#333333" : "#e3e3e3"));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=\"tick-label\" x=\"%s\" y=\"%s\" text-anchor=\"end\">%s</text>\n",
              n(x0 - 9),
              n(y + 4),
              Markup.escape(NumberText.tick(value, yStep))));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text class=\"axis-title\" transform=\"translate(20 %s) rotate(-90)\""
                + " text-anchor=\"middle\" font-size=\"13\">%s</text>\n",
            n((y0 + y1) / 2),
            Markup.escape(yTitle)));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#333333\"/>\n",
            n(x0),
            n(y0),
            n(x0),
            n(y1)));
    svg.append("</g>\n");
  }

  private void xAxis(StringBuilder svg, int[] concurrencies) {
    svg.append("<g class=\"axis x-axis\" font-size=\"12\" fill=\"#333333\">\n");
    double lastLabel = Double.NEGATIVE_INFINITY;
    TreeSet<Integer> distinct = new TreeSet<>();
    for (int c : concurrencies) {
      distinct.add(c);
    }
    for (int c : distinct) {
      double x = x(c);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"tick\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"#333333\"/>\n",
              n(x),
              n(y1),
              n(x),
              n(y1 + 5)));
      if (x - lastLabel >= MIN_LABEL_GAP) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<text class=\"tick-label\" x=\"%s\" y=\"%s\" text-anchor=\"middle\">%d</text>\n",
                n(x),
                n(y1 + 20),
                c));
        lastLabel = x;
      }
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text class=\"axis-title\" x=\"%s\" y=\"%s\" text-anchor=\"middle\""
                + " font-size=\"13\">concurrency (calls in flight, log2 scale)</text>\n",
            n((x0 + x1) / 2),
            n(y1 + 42)));
    svg.append("</g>\n");
  }

  private void knee(StringBuilder svg, int[] concurrencies, List<Series> series, int index) {
    double x = x(concurrencies[index]);
    svg.append(
        String.format(
            Locale.ROOT,
            "<g class=\"knee\" data-concurrency=\"%d\">\n"
                + "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\""
                + " stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
                + "<text x=\"%s\" y=\"%s\" text-anchor=\"middle\" font-size=\"13\""
                + " font-weight=\"bold\" fill=\"%s\">knee</text>\n",
            concurrencies[index],
            n(x),
            n(y0),
            n(x),
            n(y1),
            KNEE_COLOR,
            n(x),
            n(y0 - 10),
            KNEE_COLOR));
    for (Series s : series) {
      if (index < s.values().length) {
        svg.append(
            String.format(
                Locale.ROOT,
                "<circle class=\"knee-point\" cx=\"%s\" cy=\"%s\" r=\"8\" fill=\"none\""
                    + " stroke=\"%s\" stroke-width=\"2\"/>\n",
                n(x),
                n(y(s.values()[index])),
                KNEE_COLOR));
      }
    }
    svg.append("</g>\n");
  }

  private void series(StringBuilder svg, int[] concurrencies, Series s) {
    int count = Math.min(concurrencies.length, s.values().length);
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    // The line joins the levels left to right even if the ramp reported them out of order.
    Arrays.sort(order, (a, b) -> Integer.compare(concurrencies[a], concurrencies[b]));
    StringBuilder points = new StringBuilder();
    for (int i : order) {
      if (!points.isEmpty()) {
        points.append(' ');
      }
      points.append(n(x(concurrencies[i]))).append(',').append(n(y(s.values()[i])));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<polyline class=\"series %s\" points=\"%s\" fill=\"none\" stroke=\"%s\""
                + " stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n",
            Markup.escape(s.name()),
            points,
            s.color()));
    for (int i : order) {
      double value = NumberText.finite(s.values()[i]);
      svg.append(
          String.format(
              Locale.ROOT,
              "<circle class=\"point\" data-series=\"%s\" data-concurrency=\"%d\""
                  + " data-value=\"%s\" cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"%s\">"
                  + "<title>concurrency %d: %s %s</title></circle>\n",
              Markup.escape(s.name()),
              concurrencies[i],
              n(value),
              n(x(concurrencies[i])),
              n(y(value)),
              s.color(),
              concurrencies[i],
              Markup.escape(
                  s.unit().equals("ms") ? NumberText.millis(value) : NumberText.rate(value)),
              Markup.escape(s.unit())));
    }
  }

  private void legend(StringBuilder svg, List<Series> series, boolean withKnee) {
    // Approximate text width (7 px a character at 12 px) centres the legend under the plot.
    double total = withKnee ? legendWidth("knee") : 0;
    for (Series s : series) {
      total += legendWidth(s.label());
    }
    double x = (x0 + x1) / 2 - total / 2;
    double y = y1 + 68;
    svg.append("<g class=\"legend\" font-size=\"12\" fill=\"#333333\">\n");
    for (Series s : series) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"2.5\"/>"
                  + "<circle cx=\"%s\" cy=\"%s\" r=\"4\" fill=\"%s\"/>"
                  + "<text x=\"%s\" y=\"%s\">%s</text>\n",
              n(x),
              n(y),
              n(x + 24),
              n(y),
              s.color(),
              n(x + 12),
              n(y),
              s.color(),
              n(x + 30),
              n(y + 4),
              Markup.escape(s.label())));
      x += legendWidth(s.label());
    }
    if (withKnee) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1.5\""
                  + " stroke-dasharray=\"6 4\"/><text x=\"%s\" y=\"%s\">knee</text>\n",
              n(x),
              n(y),
              n(x + 24),
              n(y),
              KNEE_COLOR,
              n(x + 30),
              n(y + 4)));
    }
    svg.append("</g>\n");
  }

  private static double legendWidth(String label) {
    return 30 + 7 * label.length() + 24;
  }

  private double x(int concurrency) {
    return x0 + (log2(concurrency) - lo) / (hi - lo) * (x1 - x0);
  }

  private double y(double value) {
    double v = Math.min(Math.max(NumberText.finite(value), 0), yMax);
    return y1 - v / yMax * (y1 - y0);
  }

  /** Returns the smallest 1, 2, 2.5 or 5 times a power of ten that is at least {@code raw}. */
  static double niceStep(double raw) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= raw * (1 - 1e-9)) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static double log2(int c) {
    return Math.log(Math.max(c, 1)) / Math.log(2);
  }

  private static String n(double v) {
    return String.format(Locale.ROOT, "%.1f", NumberText.finite(v));
  }
}
