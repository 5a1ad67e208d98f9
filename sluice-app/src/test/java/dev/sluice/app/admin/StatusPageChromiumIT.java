package dev.sluice.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sluice.core.Clock;
import dev.sluice.feedback.store.FeedbackSettings;
import dev.sluice.feedback.store.FeedbackStore;
import dev.sluice.ingress.Intake;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads the status page from a running admin server in a real browser, headless Debian Chromium,
 * and checks what it shows after its script has fetched {@code /api/stats}: the queue counts of a
 * real spool, delivery numbers, a failure with markup in its reason shown as text, and the chart.
 *
 * <p>The DOM dumps and the screenshot stay in {@code target/status-page-it/} for people to look at.
 * The test fails, never skips, when Chromium is missing.
 */
class StatusPageChromiumIT {
  private static final Path CHROMIUM =
      Path.of(System.getProperty("sluice.chromium", "/usr/bin/chromium"));
  private static final long TIMEOUT_SECONDS = 60;
  private static final Path OUT = Path.of("target", "status-page-it");
  private static final String TOKEN = "status-page-token-0123456789";

  @TempDir static Path temp;

  private static AdminFixture fx;
  private static AdminServer server;
  private static String base;

  @BeforeAll
  static void startServer() throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(
          "Chromium not found at "
              + CHROMIUM
              + ": this browser test needs it; run `apt-get install -y chromium`"
              + " (or point -Dsluice.chromium at a Chromium binary)");
    }
    Files.createDirectories(OUT);
    fx = new AdminFixture(temp);
    server =
        new AdminServer(
            AdminSettings.defaults().withBind("127.0.0.1", 0).withToken(TOKEN),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed)),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.system());
    server.start();
    base = "http://127.0.0.1:" + server.port() + "/";
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
    if (fx != null) {
      fx.spool.close();
    }
  }

  @Test
  void dumpDom_withTheTokenInTheFragment_showsQueueRatesQuotaFailuresAndChart() throws Exception {
    Path dom = OUT.resolve("status.dom.html");
    run(dom, "--dump-dom", base + "#token=" + TOKEN);
    String html = Files.readString(dom, StandardCharsets.UTF_8);

    assertThat(html)
        .contains("id=\"count-queued\">3<")
        .contains("id=\"count-active\">1<")
        .contains("id=\"count-deferred\">1<")
        .contains("id=\"count-failed\">1<")
        .contains("id=\"count-total\">6<")
        .contains("delivering to the test upstream")
        .contains("id=\"send-rate\">12/s<")
        .contains("id=\"shaped-limit\">14/s<")
        .contains("id=\"max-send-rate\">14/s<")
        .contains("id=\"in-flight\">7 (12 s booked ahead for the send rate)<")
        .contains("id=\"connections\">9<")
        .contains("id=\"throttles\">2<")
        .contains("id=\"quota-used\">1,234<")
        .contains("id=\"quota-left\">48,766 of 50,000<")
        .contains(
            "id=\"quota-read\">the account said 1,218 when read 40 s ago; this relay has sent 16"
                + " since<")
        .contains("id=\"total-accepted\">101<")
        .contains(
            "<tr><td>default</td><td>the test upstream</td><td>us-east-1</td><td>12/s</td>"
                + "<td>14/s</td><td>14/s</td><td>1,234 of 50,000</td><td>7</td><td>ok</td>"
                + "<td>itself</td></tr>")
        .contains(
            "<tr><td>eu</td><td>the eu upstream</td><td>eu-west-1</td><td>0.0/s</td>"
                + "<td>100/s</td><td>100/s</td><td>not read yet</td><td>0</td>")
        .contains("<td>failing over to default</td>")
        .containsPattern("<section id=\"classes\">")
        .contains(
            "<tr><td>transactional</td><td>30%</td><td>3.5/s</td><td>2 (38)</td><td>0</td>"
                + "<td>1,500</td></tr>")
        .contains(
            "<tr><td>bulk</td><td>70%</td><td>8.9/s</td><td>5 (90)</td><td>4,200</td>"
                + "<td>98,765</td></tr>")
        .containsPattern("<section id=\"tenants\">")
        .contains(
            "<tr><td>user:app</td><td>1h</td><td>1,000 of 1,000 (full)</td>"
                + "<td>2026-12-06 17:00:00Z</td><td>250</td></tr>")
        .contains(
            "<tr><td>user:app</td><td>1d</td><td>1,000 of 20,000</td>"
                + "<td>2026-12-07 00:00:00Z</td><td>0</td></tr>");
    assertThat(html).containsPattern("<div id=\"banner\" class=\"banner\" hidden");
    assertThat(html)
        .contains("<span id=\"intake\" class=\"muted\">accepting new mail</span>")
        .containsPattern("<div id=\"intake-banner\" class=\"banner refusing\" hidden");

    assertThat(html)
        .as("a failure's id opens its timeline")
        .contains(
            "<td class=\"id\"><a href=\"#message="
                + fx.failed.value()
                + "\">"
                + fx.failed.value()
                + "</a></td>");
    assertThat(html)
        .as("a reason is shown as text, never run")
        .contains("&lt;script&gt;alert('x')&lt;/script&gt;")
        .doesNotContain("<script>alert");
    assertThat(count(html, "<tr class=\"failed\">")).isEqualTo(1);
    assertThat(count(html, "<tr class=\"deferred\">")).isEqualTo(1);

    assertThat(html).contains("<svg id=\"rate-chart\"");
    assertThat(points(html, "sent")).isEqualTo(RelayMetrics.HISTORY_SECONDS);
    assertThat(points(html, "limit"))
        .as("the limit is known for the last two minutes")
        .isEqualTo(120);
    assertThat(count(html, "data-throttles=\"2\"")).isEqualTo(1);
  }

  @Test
  void dumpDom_withAFeedbackStore_showsRatesWithCountsAndTheThresholdMarks() throws Exception {
    try (FeedbackStore store =
        FeedbackStore.open(temp.resolve("feedback"), FeedbackSettings.DEFAULTS, Clock.system())) {
      ReputationFixture.fill(store);
      AdminServer other = ReputationFixture.serve(fx, store, TOKEN);
      try {
        Path dom = OUT.resolve("status-reputation.dom.html");
        run(dom, "--dump-dom", "http://127.0.0.1:" + other.port() + "/#token=" + TOKEN);
        String html = Files.readString(dom, StandardCharsets.UTF_8);

        assertThat(html)
            .contains("<section id=\"reputation\">")
            .contains("<td>all mail</td><td>24h</td><td>1,000</td>")
            .contains("<td class=\"rate ok\">0.5% (5 of 1,000)")
            .contains("<td class=\"rate review\">0.1% (1 of 1,000)")
            .contains("<td>marketing</td><td>7d</td><td>100</td>")
            .contains("<td class=\"rate review\">5% (5 of 100)")
            .contains("title=\"review at 5%\"")
            .contains("title=\"pause at 10%\"")
            .contains("title=\"review at 0.1%\"")
            .contains("title=\"pause at 0.5%\"");
        assertThat(count(html, "<div class=\"fill review\""))
            .as("complaints of all mail, bounces of marketing, both windows")
            .isEqualTo(4);
      } finally {
        other.close();
      }
    }
  }

  @Test
  void dumpDom_messageRecipientOrSesIdInTheFragment_showsTheMessagesTimeline() throws Exception {
    try (FeedbackStore store =
        FeedbackStore.open(
            temp.resolve("feedback-lookup"), FeedbackSettings.DEFAULTS, Clock.system())) {
      ReputationFixture.fill(store);
      store.recordAccepted(
          "rep1", Instant.now(), "SMTP", "127.0.0.1", 1234, List.of("m0@example.com"));
      AdminServer other = ReputationFixture.serve(fx, store, TOKEN);
      try {
        String page = "http://127.0.0.1:" + other.port() + "/#token=" + TOKEN + "&";

        Path byId = OUT.resolve("status-lookup-id.dom.html");
        run(byId, "--dump-dom", page + "message=rep1");
        String html = Files.readString(byId, StandardCharsets.UTF_8);
        assertThat(html)
            .contains("Message rep1: no longer in the spool; 7 history lines.")
            .contains("<td class=\"kind accepted\">accepted</td>")
            .contains("by SMTP from 127.0.0.1, 1234 bytes, 1 recipient")
            .contains("<td class=\"kind delivered\">delivered</td>")
            .contains("<td class=\"id\">ses-rep-1</td>")
            .contains("<td class=\"recipient\">m0@example.com</td>")
            .containsPattern("<table id=\"timeline\">");
        assertThat(count(html, "<td class=\"kind event\">event</td>"))
            .as("the bounce of each of the five recipients")
            .isEqualTo(5);
        assertThat(html).as("the token left the address").doesNotContain(TOKEN);

        Path bySes = OUT.resolve("status-lookup-ses.dom.html");
        run(bySes, "--dump-dom", page + "message=ses-rep-2");
        assertThat(Files.readString(bySes, StandardCharsets.UTF_8))
            .contains("Message rep2: no longer in the spool;")
            .contains("<td class=\"id\">ses-rep-2</td>");

        Path byRecipient = OUT.resolve("status-lookup-recipient.dom.html");
        run(byRecipient, "--dump-dom", page + "recipient=m0%40example.com");
        assertThat(Files.readString(byRecipient, StandardCharsets.UTF_8))
            .contains("1 message to m0@example.com, newest first.")
            .contains("<a href=\"#message=rep1\">rep1</a>")
            .contains("Message rep1: no longer in the spool;");

        Path unknown = OUT.resolve("status-lookup-unknown.dom.html");
        run(unknown, "--dump-dom", page + "message=nosuch1");
        assertThat(Files.readString(unknown, StandardCharsets.UTF_8))
            .contains("No message nosuch1 in the spool or the history.")
            .containsPattern("<table id=\"timeline\" hidden");
      } finally {
        other.close();
      }
    }
  }

  @Test
  void dumpDom_messageInTheSpoolOfARelayWithoutHistory_showsItsState() throws Exception {
    Path dom = OUT.resolve("status-lookup-spool.dom.html");
    run(dom, "--dump-dom", base + "#token=" + TOKEN + "&message=" + fx.failed.value());
    assertThat(Files.readString(dom, StandardCharsets.UTF_8))
        .contains("Message " + fx.failed.value() + ": in the spool, failed,")
        .contains("This relay keeps no history.");
  }

  @Test
  void dumpDom_whileNewMailIsRefused_saysWhySinceWhenAndHowMany() throws Exception {
    Intake refusing =
        new Intake(
            "refusing: disk full",
            "While appending to file: spool/000004.log: No space left on device",
            Optional.of(Instant.parse("2026-11-28T09:30:00Z")),
            1690);
    AdminServer other =
        new AdminServer(
            AdminSettings.defaults().withBind("127.0.0.1", 0).withToken(TOKEN),
            RelayView.of(fx.spool, () -> AdminFixture.status(fx.failed), () -> refusing),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Clock.system());
    other.start();
    try {
      Path dom = OUT.resolve("status-refusing.dom.html");
      run(dom, "--dump-dom", "http://127.0.0.1:" + other.port() + "/#token=" + TOKEN);
      String html = Files.readString(dom, StandardCharsets.UTF_8);

      assertThat(html)
          .contains("<span id=\"intake\" class=\"refusing\">refusing: disk full</span>")
          .contains(
              "<div id=\"intake-banner\" class=\"banner refusing\">New mail is refused"
                  + " (refusing: disk full) since 2026-11-28 09:30:00Z: 1,690 refused so far."
                  + " While appending to file: spool/000004.log: No space left on device</div>")
          .contains("id=\"count-queued\">3<");
    } finally {
      other.close();
    }
  }

  @Test
  void dumpDom_withoutTheToken_saysItIsNeeded() throws Exception {
    Path dom = OUT.resolve("status-no-token.dom.html");
    run(dom, "--dump-dom", base);
    String html = Files.readString(dom, StandardCharsets.UTF_8);

    assertThat(html).contains("needs its token").contains("id=\"count-queued\">–<");
  }

  @Test
  void screenshot_drawsTheRateLineAndTheLimitInTheirColours() throws Exception {
    Path png = OUT.resolve("status.png").toAbsolutePath();
    Files.deleteIfExists(png);
    run(
        OUT.resolve("screenshot.out"),
        "--screenshot=" + png,
        "--window-size=1200,1400",
        "--hide-scrollbars",
        base + "#token=" + TOKEN);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1200);
    assertThat(near(image, 0x1c7ed6)).as("sent line pixels").isGreaterThan(300);
    assertThat(near(image, 0xe8590c)).as("limit line pixels").isGreaterThan(100);
  }

  private static void run(Path stdout, String... args) throws Exception {
    Path profile = Files.createTempDirectory(temp, "chromium-profile");
    List<String> command = new ArrayList<>();
    command.add(CHROMIUM.toString());
    command.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
            "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path stderr = Path.of(stdout + ".err");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      fail("Chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command);
    }
    assertThat(process.exitValue())
        .as("Chromium exit status; stderr:%n%s", Files.readString(stderr))
        .isZero();
  }

  /** The number of points of the chart's polyline of this class. */
  private static int points(String html, String cls) {
    Matcher m =
        Pattern.compile("<polyline class=\"" + cls + "\" points=\"([^\"]*)\"").matcher(html);
    assertThat(m.find()).as("polyline " + cls).isTrue();
    String p = m.group(1).strip();
    return p.isEmpty() ? 0 : p.split(" ").length;
  }

  private static int count(String text, String literal) {
    Matcher m = Pattern.compile(Pattern.quote(literal)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Counts pixels within a small distance of {@code rgb}, allowing for anti-aliasing. */
  private static int near(BufferedImage image, int rgb) {
    int n = 0;
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int p = image.getRGB(x, y);
        if (Math.abs(((p >> 16) & 0xff) - ((rgb >> 16) & 0xff)) <= 24
            && Math.abs(((p >> 8) & 0xff) - ((rgb >> 8) & 0xff)) <= 24
            && Math.abs((p & 0xff) - (rgb & 0xff)) <= 24) {
          n++;
        }
      }
    }
    return n;
  }
}
