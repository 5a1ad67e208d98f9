package dev.sluice.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Chromium;
import dev.sluice.testkit.Pixels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders the HTML report in a real browser, headless Debian Chromium, and checks what it drew.
 *
 * <p>The report and the screenshot stay in {@code target/report-it/} for people to look at. The
 * test fails, never skips, when Chromium is missing: the check is only worth having if it runs.
 */
class HtmlReportChromiumIT {

  private static final Path OUT = Path.of("target", "report-it");

  @TempDir static Path temp;

  private static Path page;

  @BeforeAll
  static void writeReport() throws IOException {
    Chromium.binary();
    Files.createDirectories(OUT);
    page = OUT.resolve("report.html").toAbsolutePath();
    Files.writeString(page, HtmlReport.render(SyntheticRuns.sixLevels()), StandardCharsets.UTF_8);
  }

  @Test
  void dumpDom_sixLevelRun_chartsWithEveryPointAndTheKnee() throws Exception {
    Path dom = OUT.resolve("report.dom.html");

    String html = Chromium.dumpDom(temp, dom, page.toUri().toString());

    assertThat(html).contains("<svg id=\"throughput-chart\"").contains("<svg id=\"latency-chart\"");
    assertThat(count(html, "<circle class=\"point\" data-series=\"throughput\"")).isEqualTo(6);
    assertThat(count(html, "<circle class=\"point\" data-series=\"p50\"")).isEqualTo(6);
    assertThat(count(html, "<circle class=\"point\" data-series=\"p99\"")).isEqualTo(6);
    assertThat(count(html, "<polyline class=\"series ")).isEqualTo(3);
    assertThat(count(html, "<g class=\"knee\" data-concurrency=\"8\">")).isEqualTo(2);
    assertThat(html).contains("&lt;script&gt;alert").doesNotContain("<script>alert");
  }

  @Test
  void screenshot_sixLevelRun_chartsDrawnInTheirColours() throws Exception {
    Path png = OUT.resolve("report.png").toAbsolutePath();

    Chromium.screenshot(
        temp, png, page.toUri().toString(), "--window-size=1200,1600", "--hide-scrollbars");

    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(20_000);
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(image.getHeight()).isEqualTo(1600);
    // The charts sit between the settings table and the levels table.
    Set<Integer> colours = new HashSet<>();
    for (int y = 250; y < 1400; y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        colours.add(image.getRGB(x, y) & 0xffffff);
      }
    }
    assertThat(colours).as("distinct colours in the chart area").hasSizeGreaterThan(50);
    assertThat(Pixels.near(image, 0x1c7ed6)).as("throughput line pixels").isGreaterThan(200);
    assertThat(Pixels.near(image, 0x2b8a3e)).as("p50 line pixels").isGreaterThan(200);
    assertThat(Pixels.near(image, 0xc92a2a)).as("p99 line pixels").isGreaterThan(200);
    assertThat(Pixels.near(image, 0xe8590c)).as("knee marker pixels").isGreaterThan(100);
  }

  private static int count(String text, String literal) {
    Matcher m = Pattern.compile(Pattern.quote(literal)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
