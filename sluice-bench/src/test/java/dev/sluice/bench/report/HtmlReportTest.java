package dev.sluice.bench.report;

import static dev.sluice.bench.report.SyntheticRuns.level;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class HtmlReportTest {

  @Test
  void render_sixLevels_wellFormedWithBothCharts() throws Exception {
    Document page = parse(HtmlReport.render(SyntheticRuns.sixLevels()));

    assertThat(count(page, "//svg[@id='throughput-chart']")).isEqualTo(1);
    assertThat(count(page, "//svg[@id='latency-chart']")).isEqualTo(1);
    assertThat(count(page, "//script")).isZero();
    assertThat(count(page, "//link")).isZero();
  }

  @Test
  void render_sixLevels_onePointPerLevelPerSeries() throws Exception {
    Document page = parse(HtmlReport.render(SyntheticRuns.sixLevels()));

    assertThat(points(page, "throughput-chart", "throughput"))
        .containsExactly("1", "2", "4", "8", "16", "32");
    assertThat(points(page, "latency-chart", "p50")).hasSize(6);
    assertThat(points(page, "latency-chart", "p99")).hasSize(6);
    assertThat(count(page, "//svg[@id='throughput-chart']//polyline[@class='series throughput']"))
        .isEqualTo(1);
    assertThat(count(page, "//svg[@id='latency-chart']//polyline[@class='series p50']"))
        .isEqualTo(1);
    assertThat(count(page, "//svg[@id='latency-chart']//polyline[@class='series p99']"))
        .isEqualTo(1);
  }

  @Test
  void render_sixLevels_kneeMarkedAtConcurrency8InBothCharts() throws Exception {
    Document page = parse(HtmlReport.render(SyntheticRuns.sixLevels()));

    for (String chart : List.of("throughput-chart", "latency-chart")) {
      NodeList knees = nodes(page, "//svg[@id='" + chart + "']//*[@class='knee']");
      assertThat(knees.getLength()).isEqualTo(1);
      Element knee = (Element) knees.item(0);
      assertThat(knee.getAttribute("data-concurrency")).isEqualTo("8");
      assertThat(knee.getTextContent()).contains("knee");
      assertThat(count(page, "//svg[@id='" + chart + "']//g[@class='legend']/text[.='knee']"))
          .isEqualTo(1);
    }
    assertThat(count(page, "//table[@class='levels']//tr[@class='knee-row']/td[1][.='8']"))
        .isEqualTo(1);
  }

  @Test
  void render_kneePoint_sitsOnTheKneeLevelsPoint() throws Exception {
    Document page = parse(HtmlReport.render(SyntheticRuns.sixLevels()));

    Element point =
        (Element)
            nodes(
                    page,
                    "//svg[@id='throughput-chart']//circle[@class='point'][@data-concurrency='8']")
                .item(0);
    Element ring =
        (Element) nodes(page, "//svg[@id='throughput-chart']//circle[@class='knee-point']").item(0);
    assertThat(ring.getAttribute("cx")).isEqualTo(point.getAttribute("cx"));
    assertThat(ring.getAttribute("cy")).isEqualTo(point.getAttribute("cy"));
  }

  @Test
  void render_hostileSetting_escaped() {
    String html = HtmlReport.render(SyntheticRuns.sixLevels());

    assertThat(html).doesNotContain("<script>");
    assertThat(html)
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;friends&quot;");
  }

  @Test
  void render_hostileTargetAndTransport_escapedInTitleAndHeading() throws Exception {
    BenchRun run =
        new BenchRun(
            "</title><b>x",
            "a&b",
            java.util.Map.of("k", "v"),
            SyntheticRuns.curve(1),
            SyntheticRuns.STARTED,
            "<i>note</i>");

    String html = HtmlReport.render(run);

    assertThat(html).doesNotContain("<b>x").doesNotContain("<i>note");
    assertThat(parse(html).getElementsByTagName("title").item(0).getTextContent())
        .isEqualTo("sluice bench: </title><b>x");
  }

  @Test
  void render_settings_tableInRunOrder() throws Exception {
    Document page = parse(HtmlReport.render(SyntheticRuns.sixLevels()));

    NodeList names = nodes(page, "//table[@class='settings']//th");
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < names.getLength(); i++) {
      shown.add(names.item(i).getTextContent());
    }
    assertThat(shown)
        .containsExactly("duration per level", "max concurrency", "sender", "recipients per call");
  }

  @Test
  void render_oneLevel_onePointPerSeriesAndKnee() throws Exception {
    String html = HtmlReport.render(SyntheticRuns.run(List.of(level(4, 80, 3, 9))));
    Document page = parse(html);

    assertThat(points(page, "throughput-chart", "throughput")).containsExactly("4");
    assertThat(points(page, "latency-chart", "p99")).containsExactly("4");
    assertThat(count(page, "//*[@class='knee'][@data-concurrency='4']")).isEqualTo(2);
    assertFinite(html);
  }

  @Test
  void render_zeroThroughputAndLatency_noNaN() throws Exception {
    List<LevelResult> zeros = List.of(level(1, 0, 0, 0), level(2, 0, 0, 0));
    String html = HtmlReport.render(SyntheticRuns.run(zeros));

    parse(html);
    assertFinite(html);
    assertThat(html).contains("class=\"series throughput\"");
  }

  @Test
  void render_hugeLatencies_compactTickLabelsAndPointsInsideThePlot() throws Exception {
    List<LevelResult> levels =
        List.of(level(1, 10, 5, 9), level(2, 11, 40_000, 3_600_000), level(4, 11, 90_000, 9e8));
    String html = HtmlReport.render(SyntheticRuns.run(levels));
    Document page = parse(html);

    assertFinite(html);
    List<String> ticks =
        texts(
            page, "//svg[@id='latency-chart']//g[@class='axis y-axis']/text[@class='tick-label']");
    assertThat(ticks).first().isEqualTo("0");
    assertThat(ticks).last().isEqualTo("1G");
    assertThat(ticks).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(6));
    NodeList circles = nodes(page, "//svg[@id='latency-chart']//circle[@class='point']");
    for (int i = 0; i < circles.getLength(); i++) {
      double cy = Double.parseDouble(((Element) circles.item(i)).getAttribute("cy"));
      assertThat(cy).isBetween(0.0, (double) SvgChart.HEIGHT);
    }
  }

  @Test
  void render_manyCloseLevels_xLabelsNeverCrowd() throws Exception {
    List<LevelResult> levels = new ArrayList<>();
    for (int c = 1; c <= 64; c++) {
      levels.add(level(c, c * 10, 5, 9));
    }
    Document page = parse(HtmlReport.render(SyntheticRuns.run(levels)));

    NodeList labels =
        nodes(
            page,
            "//svg[@id='throughput-chart']//g[@class='axis x-axis']/text[@class='tick-label']");
    double last = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < labels.getLength(); i++) {
      double x = Double.parseDouble(((Element) labels.item(i)).getAttribute("x"));
      assertThat(x - last).isGreaterThanOrEqualTo(34);
      last = x;
    }
    assertThat(labels.getLength()).isBetween(7, 30);
    assertThat(points(page, "throughput-chart", "throughput")).hasSize(64);
  }

  @Test
  void render_noLevels_chartsSayNoLevels() throws Exception {
    String html = HtmlReport.render(SyntheticRuns.run(List.of()));
    Document page = parse(html);

    assertThat(count(page, "//svg[@id='throughput-chart']//text[@class='empty']")).isEqualTo(1);
    assertThat(count(page, "//*[@class='knee']")).isZero();
    assertThat(count(page, "//g[@class='legend']/text[.='knee']")).isZero();
    assertFinite(html);
  }

  private static void assertFinite(String html) {
    assertThat(html).doesNotContain("NaN").doesNotContain("Infinity");
  }

  private static List<String> points(Document page, String chart, String series) throws Exception {
    NodeList circles =
        nodes(
            page,
            "//svg[@id='" + chart + "']//circle[@class='point'][@data-series='" + series + "']");
    List<String> concurrencies = new ArrayList<>();
    for (int i = 0; i < circles.getLength(); i++) {
      concurrencies.add(((Element) circles.item(i)).getAttribute("data-concurrency"));
    }
    return concurrencies;
  }

  private static List<String> texts(Document page, String xpath) throws Exception {
    NodeList found = nodes(page, xpath);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < found.getLength(); i++) {
      texts.add(found.item(i).getTextContent());
    }
    return texts;
  }

  private static int count(Document page, String xpath) throws Exception {
    return nodes(page, xpath).getLength();
  }

  private static NodeList nodes(Document page, String xpath) throws Exception {
    return (NodeList)
        XPathFactory.newInstance().newXPath().evaluate(xpath, page, XPathConstants.NODESET);
  }

  /** Parses the page as XML: the report promises well-formed markup. */
  static Document parse(String html) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setExpandEntityReferences(false);
    return factory.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
  }
}
