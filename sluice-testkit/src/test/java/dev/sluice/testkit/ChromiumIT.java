package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-shot runner and the driven page, in the real headless Chromium. */
class ChromiumIT {
  private static final String PAGE =
      "<!doctype html><title>t</title><body style=\"margin:0;background:#1c7ed6\">"
          + "<p id=\"out\">before</p>"
          + "<script>document.getElementById('out').textContent = 'after ' + (6 * 7);</script>";

  @TempDir Path dir;

  private Path page() throws Exception {
    Path html = dir.resolve("page.html");
    Files.writeString(html, PAGE, StandardCharsets.UTF_8);
    return html;
  }

  @Test
  void dumpDom_pageWithAScript_returnsTheDomAfterTheScriptRan() throws Exception {
    Path dom = dir.resolve("page.dom.html");

    String html = Chromium.dumpDom(dir, dom, page().toUri().toString());

    assertThat(html).contains("<p id=\"out\">after 42</p>");
    assertThat(Files.readString(dom)).isEqualTo(html);
  }

  @Test
  void screenshot_bluePage_savesAPngOfTheWindowInThatColour() throws Exception {
    Path png = dir.resolve("page.png");

    Chromium.screenshot(
        dir, png, page().toUri().toString(), "--window-size=300,200", "--hide-scrollbars");

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(300);
    assertThat(image.getHeight()).isEqualTo(200);
    assertThat(Pixels.near(image, 0x1c7ed6)).as("page-coloured pixels").isGreaterThan(300 * 190);
  }

  @Test
  void run_browserExitsNonZero_failsWithItsStatusAndErrors() throws Exception {
    // /bin/false stands in for a browser that fails: exit status 1, whatever the arguments.
    withChromium(
        "/bin/false",
        () ->
            assertThatThrownBy(() -> Chromium.run(dir, dir.resolve("run.out"), "about:blank"))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("Chromium exited 1: [/bin/false, --headless"));
  }

  @Test
  void binary_missing_failsNamingHowToInstallIt() {
    Path missing = dir.resolve("no-chromium-here");
    withChromium(
        missing.toString(),
        () ->
            assertThatThrownBy(Chromium::binary)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Chromium not found at " + missing)
                .hasMessageContaining("apt-get install -y chromium"));
  }

  private static void withChromium(String binary, Runnable check) {
    String before = System.getProperty("sluice.chromium");
    System.setProperty("sluice.chromium", binary);
    try {
      check.run();
    } finally {
      if (before == null) {
        System.clearProperty("sluice.chromium");
      } else {
        System.setProperty("sluice.chromium", before);
      }
    }
  }

  @Test
  void chromiumPage_navigateEvalClick_readsTheDomAsItChanges() throws Exception {
    Path html = dir.resolve("click.html");
    Files.writeString(
        html,
        "<!doctype html><button id=\"b\" style=\"width:200px;height:50px\""
            + " onclick=\"this.textContent='clicked'\">press</button>",
        StandardCharsets.UTF_8);
    try (ChromiumPage p = ChromiumPage.start(dir)) {
      p.navigate(html.toUri().toString());
      p.waitFor("document.getElementById('b') !== null", 20);
      assertThat(p.eval("6 * 7").asInt()).isEqualTo(42);

      int button =
          p.send(
                  "DOM.querySelector",
                  ChromiumPage.obj()
                      .put("nodeId", p.dom().path("nodeId").asInt())
                      .put("selector", "#b"))
              .path("nodeId")
              .asInt();
      p.click(button);

      p.waitFor("document.getElementById('b').textContent === 'clicked'", 20);
    }
  }
}
