package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.testkit.Await;
import dev.sluice.testkit.ChromiumPage;
import jakarta.mail.Message;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * The inbox page in a real headless Chromium, against a real simulator on free ports, with mail
 * sent through the real AWS SDK and the SMTP endpoint: the list, one message's headers, text, HTML,
 * raw source and events, updates without a reload, search, and a hostile message whose markup runs
 * nothing.
 *
 * <p>Screenshots stay in {@code target/inbox-page-it/} for people to look at.
 */
class InboxPageChromiumIT {
  private static final Path OUT = Path.of("target", "inbox-page-it");
  private static final String TITLE = "Sluice simulator inbox";

  @TempDir static Path temp;

  private static Simulator sim;
  private static SesV2Client v2;
  private static ChromiumPage page;
  private static String inbox;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(OUT);
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
    v2 = SesClients.v2(sim, sim.httpEndpoint());
    page = ChromiumPage.start(temp);
    inbox = sim.httpEndpoint() + "/_sluice/inbox";
  }

  @AfterAll
  static void stop() {
    if (page != null) {
      page.close();
    }
    if (v2 != null) {
      v2.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  @BeforeEach
  void emptyInbox() throws Exception {
    sim.core().reset();
    page.navigate("about:blank"); // each test loads the page afresh
    page.waitFor("location.href === 'about:blank'", 20);
  }

  @Test
  void inbox_messagesFromSdkAndSmtp_listedOpenedAndUpdatedWithoutReload() throws Exception {
    String simple = sendSimple("Quarterly report", "Hello text part", "<p>Hello <b>bold</b></p>");
    sendSmtp("Grüße über SMTP");
    ReceivedMessage tagged = sendThroughCore();

    page.navigate(inbox);
    page.waitFor("document.querySelectorAll('#messages tbody tr').length === 3", 20);
    page.eval("window.notReloaded = true");
    List<String> subjects = texts("#messages tbody td.subject");
    // Newest first; the SMTP subject was sent as RFC 2047 encoded words.
    assertThat(subjects).containsExactly("Rendered welcome", "Grüße über SMTP", "Quarterly report");
    assertThat(texts("#messages tbody td.via"))
        .containsExactly("v2 SendEmail", "smtp SendRawEmail", "v2 SendEmail");
    assertThat(texts("#messages tbody td.set")).containsExactly("onboarding", "", "marketing");
    assertThat(texts("#messages tbody td.tags")).containsExactly("campaign=spring", "", "");
    assertThat(texts("#messages tbody td.outcome-cell"))
        .containsExactly(
            "RenderingFailure (welcome: no value for {{name}})", "accepted", "accepted");
    page.screenshot(OUT.resolve("inbox-list.png"));

    // Open the v2 message by clicking its row.
    page.click(nodeId(row(simple)));
    page.waitFor(
        "!document.getElementById('message-pane').hidden"
            + " && document.querySelectorAll('#headers tbody tr').length > 0"
            + " && document.querySelector('#tab-raw pre') !== null",
        20);
    assertThat(page.eval("location.hash").asText()).isEqualTo("#message=" + simple);
    assertThat(text("#message-subject")).isEqualTo("Quarterly report");
    assertThat(text("#tab-text pre")).isEqualTo("Hello text part");
    assertThat(texts("#headers tbody td.name")).contains("From", "To", "Subject", "MIME-Version");
    assertThat(text("#tab-raw pre")).contains("Content-Type: multipart/alternative");
    assertThat(text("#message-meta .meta-configuration-set")).isEqualTo("marketing");
    assertThat(page.eval("document.getElementById('no-events').hidden").asBoolean()).isFalse();
    String frame = frameShowing("bold");
    assertThat(attr(iframe(), "sandbox")).isEmpty();
    assertThat(all(frameDom(frame), n -> n.path("nodeName").asText().equals("B")))
        .singleElement()
        .satisfies(b -> assertThat(textOf(b)).isEqualTo("bold"));
    page.eval("document.querySelector('.tabs button[data-tab=html]').click()");
    page.screenshot(OUT.resolve("inbox-message.png"));

    // SES's events arrive after the answer: they appear on the open message and in the list.
    sim.core()
        .inbox()
        .find(simple)
        .trail()
        .add(new MessageTrail.Entry(System.currentTimeMillis(), "Delivery", "a@example.net", ""));
    page.waitFor("document.querySelectorAll('#events tbody tr').length === 1", 20);
    assertThat(texts("#events tbody td.type")).containsExactly("Delivery");
    assertThat(texts("#events tbody td.recipient")).containsExactly("a@example.net");
    page.waitFor(
        "document.querySelector('#messages tbody tr[data-id=\""
            + simple
            + "\"] td.outcome-cell')"
            + ".textContent === 'Delivery'",
        20);

    // A new message appears without a reload.
    String later = sendSimple("Arrived later", "later", null);
    page.waitFor("document.querySelectorAll('#messages tbody tr').length === 4", 20);
    assertThat(texts("#messages tbody td.subject").get(0)).isEqualTo("Arrived later");
    assertThat(page.eval("window.notReloaded === true").asBoolean()).isTrue();
    assertThat(page.eval("location.hash").asText()).isEqualTo("#message=" + simple);

    // The open RenderingFailure message lists its event.
    page.eval("location.hash = 'message=" + tagged.messageId() + "'");
    page.waitFor(
        "document.querySelector('#events td.type')?.textContent === 'RenderingFailure'", 20);
    assertThat(text("#message-meta .meta-tags")).isEqualTo("campaign=spring");

    // Search narrows the list on the server's side (sender, recipients, subject).
    page.eval("document.getElementById('search').focus()");
    page.type("über");
    page.waitFor("document.querySelectorAll('#messages tbody tr').length === 1", 20);
    assertThat(texts("#messages tbody td.subject")).containsExactly("Grüße über SMTP");
    assertThat(later).isNotBlank();
    assertThat(page.eval("window.notReloaded === true").asBoolean()).isTrue();
  }

  @Test
  void inbox_hostileMessage_runsNoScriptAndShowsItsHeadersAsText() throws Exception {
    String subject = "<img src=x onerror=\"document.body.dataset.pwned='subject'\">Invoice";
    String html =
        "<html><head><meta http-equiv=\"refresh\" content=\"0;url=javascript:top.pwn()\"></head>"
            + "<body><p id=\"visible\">hostile body visible</p>"
            + "<script>document.body.setAttribute('data-pwned','script');"
            + "top.document.body.setAttribute('data-pwned','script')</script>"
            + "<img src=\"x\" onerror=\"document.body.setAttribute('data-pwned','onerror');"
            + "top.document.title='PWNED'\">"
            + "<svg onload=\"document.body.setAttribute('data-pwned','svg')\"></svg>"
            + "<a id=\"js\" href=\"javascript:document.body.setAttribute('data-pwned','link');"
            + "top.location.hash='pwned'\" style=\"display:block;padding:20px;font-size:24px\">"
            + "click me</a>"
            + "<iframe srcdoc=\"&lt;script&gt;top.document.title='PWNED'&lt;/script&gt;\"></iframe>"
            + "</body></html>";
    String raw =
        "From: \"<script>document.body.dataset.pwned='from'</script>\" <evil@example.com>\r\n"
            + "To: victim@example.net\r\n"
            + "Subject: "
            + subject
            + "\r\nX-Evil: <b onmouseover=alert(1)>header</b>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain\r\n\r\n<script>document.body.dataset.pwned='text'</script>\r\n"
            + "--b\r\nContent-Type: text/html\r\n\r\n"
            + html
            + "\r\n--b--\r\n";
    String id =
        v2.sendEmail(
                r ->
                    r.content(
                        c -> c.raw(x -> x.data(SdkBytes.fromString(raw, StandardCharsets.UTF_8)))))
            .messageId();

    page.navigate(inbox + "#message=" + id);
    page.waitFor(
        "document.querySelector('#tab-html iframe') !== null"
            + " && document.querySelectorAll('#headers tbody tr').length > 0",
        20);
    String frame = frameShowing("hostile body visible");
    JsonNode link = only(all(frameDom(frame), n -> "js".equals(attr(n, "id"))));
    clickInFrame(frame, link);
    // Let the page poll twice more: anything the click or the frame queued has run by then.
    String status = text("#status");
    page.waitFor("document.getElementById('status').textContent !== " + quote(status), 20);
    status = text("#status");
    page.waitFor("document.getElementById('status').textContent !== " + quote(status), 20);
    page.screenshot(OUT.resolve("inbox-hostile.png"));

    assertThat(page.eval("document.title").asText()).isEqualTo(TITLE);
    assertThat(page.eval("document.body.hasAttribute('data-pwned')").asBoolean()).isFalse();
    assertThat(page.eval("location.hash").asText()).isEqualTo("#message=" + id);
    assertThat(page.eval("document.querySelectorAll('img, svg, b').length").asInt())
        .as("no element of the message outside the sandboxed frame")
        .isZero();
    assertThat(all(page.dom(), n -> attr(n, "data-pwned") != null)).isEmpty();
    assertThat(all(frameDom(frame), n -> attr(n, "data-pwned") != null))
        .as("a marker set by a script in the message")
        .isEmpty();
    assertThat(textOf(frameDom(frame))).contains("hostile body visible").contains("click me");
    assertThat(attr(iframe(), "sandbox")).isEmpty();
    // The scripts did reach the frame's document: the markers are absent because the browser did
    // not run them, not because they were left out. (Read from the DOM: the browser's console line
    // saying it blocked them reaches the driver on its own schedule, late or not at all on a busy
    // machine.)
    assertThat(all(frameDom(frame), n -> "SCRIPT".equals(n.path("nodeName").asText())))
        .as("the message's script elements in the frame")
        .anySatisfy(n -> assertThat(textOf(n)).contains("setAttribute('data-pwned','script')"));

    // The header fields with markup are shown as the text they are.
    assertThat(text("#message-subject")).isEqualTo(subject);
    assertThat(texts("#messages tbody td.subject")).containsExactly(subject);
    assertThat(text("#message-meta .meta-from")).isEqualTo("evil@example.com");
    assertThat(texts("#headers tbody td.value"))
        .contains("<b onmouseover=alert(1)>header</b>")
        .contains("\"<script>document.body.dataset.pwned='from'</script>\" <evil@example.com>");
    assertThat(text("#tab-text pre"))
        .isEqualTo("<script>document.body.dataset.pwned='text'</script>");
  }

  @Test
  void inbox_largeMessage_showsItsSizeAndALinkInsteadOfTheRawSource() throws Exception {
    String big =
        "From: big@example.com\r\nTo: a@example.net\r\nSubject: big one\r\n\r\n"
            + ("0123456789".repeat(7) + "\r\n").repeat(12_000);
    String id =
        v2.sendEmail(
                r ->
                    r.content(
                        c -> c.raw(x -> x.data(SdkBytes.fromString(big, StandardCharsets.UTF_8)))))
            .messageId();
    page.navigate(inbox + "#message=" + id);
    page.waitFor(
        "document.querySelector('#message-meta .meta-message-id')?.textContent === "
            + quote(id)
            + " && document.querySelector('#tab-raw a') !== null",
        20);
    assertThat(text("#tab-raw"))
        .containsPattern("The raw source is [0-9.]+ KB, too large to show here");
    assertThat(page.eval("document.querySelector('#tab-raw pre') === null").asBoolean()).isTrue();
    assertThat(page.eval("document.querySelector('#tab-raw a').getAttribute('href')").asText())
        .isEqualTo("/_sluice/messages/" + id + "/raw");
    assertThat(text("#tab-text pre")).startsWith("0123456789");
  }

  // --- sending ---

  private static String sendSimple(String subject, String text, String html) {
    return v2.sendEmail(
            r ->
                r.fromEmailAddress("sender@example.com")
                    .destination(d -> d.toAddresses("a@example.net"))
                    .configurationSetName(html == null ? null : "marketing")
                    .content(
                        c ->
                            c.simple(
                                m ->
                                    m.subject(s -> s.data(subject))
                                        .body(
                                            b -> {
                                              b.text(t -> t.data(text));
                                              if (html != null) {
                                                b.html(h -> h.data(html));
                                              }
                                            }))))
        .messageId();
  }

  private static void sendSmtp(String subject) throws Exception {
    MimeMessage m = new MimeMessage(SesClients.smtpSession(sim));
    m.setFrom(new InternetAddress("smtp-sender@example.com"));
    m.addRecipient(Message.RecipientType.TO, new InternetAddress("b@example.net"));
    m.setSubject(subject, "UTF-8");
    MimeMultipart alt = new MimeMultipart("alternative");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("Grüße in quoted-printable", "UTF-8");
    text.setHeader("Content-Transfer-Encoding", "quoted-printable");
    alt.addBodyPart(text);
    MimeBodyPart html = new MimeBodyPart();
    html.setText("<p>Grüße in <i>base64</i></p>", "UTF-8", "html");
    html.setHeader("Content-Transfer-Encoding", "base64");
    alt.addBodyPart(html);
    m.setContent(alt);
    Transport.send(m, "AKID", "any");
  }

  /**
   * A templated send whose template could not be rendered, with tags, through the simulator's core:
   * the v2 request does not carry templates and tags to the core yet.
   */
  private static ReceivedMessage sendThroughCore() {
    SendRequest r =
        new SendRequest(
                SesInterface.V2,
                SesClients.ACCESS_KEY,
                "us-east-1",
                "sender@example.com",
                List.of("c@example.net"),
                "Rendered welcome",
                "Subject: Rendered welcome\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII),
                "SendEmail")
            .withConfigurationSet("onboarding")
            .withTags(List.of(new dev.sluice.core.ses.MessageTag("campaign", "spring")))
            .withTemplate("welcome", "no value for {{name}}");
    SendOutcome o = sim.core().send(r);
    assertThat(o).isInstanceOf(SendOutcome.Accepted.class);
    return sim.core().inbox().find(((SendOutcome.Accepted) o).messageId());
  }

  // --- reading the page ---

  private static String text(String selector) throws Exception {
    return page.eval("document.querySelector(" + quote(selector) + ").textContent").asText();
  }

  private static List<String> texts(String selector) throws Exception {
    List<String> out = new ArrayList<>();
    page.eval("[...document.querySelectorAll(" + quote(selector) + ")].map(e => e.textContent)")
        .forEach(n -> out.add(n.asText()));
    return out;
  }

  private static String quote(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /**
   * The page's one iframe, once its document shows {@code text}: the session of its own process
   * (where Chromium isolates a sandboxed frame), or null when it runs in the page's process and is
   * read through the page's DOM.
   */
  private static String frameShowing(String text) throws Exception {
    String[] found = new String[1];
    Await.until(
        "the message's HTML body shows '" + text + "'",
        Duration.ofSeconds(20),
        () -> {
          try {
            List<String> candidates = new ArrayList<>(page.frames());
            candidates.add(null);
            for (String f : candidates) {
              if (textOf(frameDom(f)).contains(text)) {
                found[0] = f;
                return true;
              }
            }
            return false;
          } catch (Exception e) {
            return false;
          }
        });
    return found[0];
  }

  private static JsonNode frameDom(String frame) throws Exception {
    return frame == null
        ? iframe().path("contentDocument")
        : page.send(frame, "DOM.getDocument", ChromiumPage.obj().put("depth", -1)).path("root");
  }

  private static void clickInFrame(String frame, JsonNode node) throws Exception {
    if (frame == null) {
      page.click(nodeId(node));
    } else {
      page.click(frame, nodeId(node), nodeId(iframe()));
    }
  }

  private static JsonNode iframe() throws Exception {
    // The page's own frame; the message may hold frames of its own inside it.
    return only(all(page.dom(), n -> "HTML body".equals(attr(n, "title"))));
  }

  private static JsonNode row(String messageId) throws Exception {
    return only(all(page.dom(), n -> messageId.equals(attr(n, "data-id"))));
  }

  private static int nodeId(JsonNode n) {
    return n.path("nodeId").asInt();
  }

  private static JsonNode only(List<JsonNode> nodes) {
    assertThat(nodes).hasSize(1);
    return nodes.get(0);
  }

  /** Every node under {@code n} (iframe documents included) that matches. */
  private static List<JsonNode> all(JsonNode n, Predicate<JsonNode> p) {
    List<JsonNode> out = new ArrayList<>();
    walk(n, p, out);
    return out;
  }

  private static void walk(JsonNode n, Predicate<JsonNode> p, List<JsonNode> out) {
    if (n == null || n.isMissingNode()) {
      return;
    }
    if (p.test(n)) {
      out.add(n);
    }
    n.path("children").forEach(c -> walk(c, p, out));
    walk(n.path("contentDocument"), p, out);
  }

  private static String attr(JsonNode n, String name) {
    JsonNode a = n.path("attributes");
    for (int i = 0; i + 1 < a.size(); i += 2) {
      if (a.get(i).asText().equals(name)) {
        return a.get(i + 1).asText();
      }
    }
    return null;
  }

  private static String textOf(JsonNode n) {
    StringBuilder b = new StringBuilder();
    for (JsonNode t : all(n, x -> x.path("nodeType").asInt() == 3)) {
      b.append(t.path("nodeValue").asText());
    }
    return b.toString();
  }
}
