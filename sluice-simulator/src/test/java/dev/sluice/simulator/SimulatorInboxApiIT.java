package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * What the inbox page reads, over plain HTTP: a message's parts as a person reads them, the search,
 * a message without its content, the page itself with its policy, and {@code GET /}.
 */
class SimulatorInboxApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Simulator sim;
  private static SesV2Client v2;
  private static SesClient v1;

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
    v2 = SesClients.v2(sim, sim.httpEndpoint());
    v1 = SesClients.v1(sim, sim.httpEndpoint());
  }

  @AfterAll
  static void stop() {
    v1.close();
    v2.close();
    sim.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void parts_simpleSendOnEachApi_isTheMimeMessageSesWouldSend() throws Exception {
    String id2 =
        v2.sendEmail(
                r ->
                    r.fromEmailAddress("sender@example.com")
                        .destination(
                            d ->
                                d.toAddresses("a@example.net")
                                    .ccAddresses("c@example.net")
                                    .bccAddresses("hidden@example.net"))
                        .content(
                            c ->
                                c.simple(
                                    m ->
                                        m.subject(s -> s.data("Grüße"))
                                            .headers(
                                                software.amazon.awssdk.services.sesv2.model
                                                    .MessageHeader.builder()
                                                    .name("X-Campaign")
                                                    .value("spring")
                                                    .build())
                                            .body(
                                                b ->
                                                    b.text(t -> t.data("Hallo Text"))
                                                        .html(h -> h.data("<p>Hallo</p>"))))))
            .messageId();
    JsonNode p = JSON.readTree(get("/_sluice/messages/" + id2 + "/parts").body());
    assertThat(p.path("text").asText()).isEqualTo("Hallo Text");
    assertThat(p.path("html").asText()).isEqualTo("<p>Hallo</p>");
    assertThat(p.path("textTruncated").asBoolean()).isFalse();
    assertThat(p.path("message").path("messageId").asText()).isEqualTo(id2);
    assertThat(p.path("message").has("content")).isFalse();
    assertThat(header(p, "Subject")).isEqualTo("Grüße");
    assertThat(header(p, "To")).isEqualTo("a@example.net");
    assertThat(header(p, "Cc")).isEqualTo("c@example.net");
    assertThat(header(p, "X-Campaign")).isEqualTo("spring");
    assertThat(header(p, "Bcc")).isNull();
    assertThat(get("/_sluice/messages/" + id2 + "/raw").body()).contains("=?UTF-8?B?");

    String id1 =
        v1.sendEmail(
                r ->
                    r.source("sender@example.com")
                        .destination(d -> d.toAddresses("b@example.net"))
                        .message(
                            m ->
                                m.subject(s -> s.data("v1 simple"))
                                    .body(b -> b.html(h -> h.data("<i>only html</i>")))))
            .messageId();
    JsonNode q = JSON.readTree(get("/_sluice/messages/" + id1 + "/parts").body());
    assertThat(q.path("html").asText()).isEqualTo("<i>only html</i>");
    assertThat(q.path("text").isNull()).isTrue();
  }

  @Test
  void messages_searchAndEncodedSubjects_matchWhatAPersonSees() throws Exception {
    String raw =
        "From: raw@example.com\r\nTo: someone@example.org\r\n"
            + "Subject: =?UTF-8?Q?Rechnung_f=C3=BCr_M=C3=A4rz?=\r\n\r\nbody\r\n";
    String id =
        v2.sendEmail(r -> r.content(c -> c.raw(x -> x.data(SdkBytes.fromUtf8String(raw)))))
            .messageId();
    JsonNode list =
        JSON.readTree(
            get("/_sluice/messages?q=" + URLEncoder.encode("FÜR MÄRZ", StandardCharsets.UTF_8))
                .body());
    assertThat(list.path("messages")).hasSize(1);
    assertThat(list.at("/messages/0/subject").asText()).isEqualTo("Rechnung für März");
    assertThat(JSON.readTree(get("/_sluice/messages?q=someone@example").body()).path("messages"))
        .anySatisfy(m -> assertThat(m.path("messageId").asText()).isEqualTo(id));
    assertThat(JSON.readTree(get("/_sluice/messages?q=nothing-like-this").body()).path("messages"))
        .isEmpty();

    JsonNode one = JSON.readTree(get("/_sluice/messages/" + id + "?content=false").body());
    assertThat(one.has("content")).isFalse();
    assertThat(one.path("events").isArray()).isTrue();
    assertThat(JSON.readTree(get("/_sluice/messages/" + id).body()).path("content").asText())
        .isEqualTo(raw);
    assertThat(get("/_sluice/messages/" + id + "/nonsense").statusCode()).isEqualTo(404);
    assertThat(get("/_sluice/messages/nope/parts").statusCode()).isEqualTo(404);
  }

  @Test
  void inbox_servedWithAPolicyThatAllowsOnlyItsOwnScript_andGetSlashLeadsToIt() throws Exception {
    HttpResponse<String> page = get("/_sluice/inbox");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .startsWith("default-src 'none'; script-src 'sha256-")
        .contains("img-src data:")
        .contains("connect-src 'self'")
        .doesNotContain("unsafe-eval")
        .doesNotContain("script-src 'unsafe-inline'");
    assertThat(page.body()).contains("<title>Sluice simulator inbox</title>");

    HttpResponse<String> root = get("/");
    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.headers().firstValue("Location")).hasValue("/_sluice/inbox");

    String id = v2.sendEmail(SimulatorV2IT.simple("a@example.net")).messageId();
    HttpResponse<String> raw = get("/_sluice/messages/" + id + "/raw");
    assertThat(raw.headers().firstValue("Content-Type")).hasValue("message/rfc822");
    assertThat(raw.headers().firstValue("Content-Security-Policy")).hasValue("sandbox");
    assertThat(raw.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  private static String header(JsonNode parts, String name) {
    for (JsonNode h : parts.path("headers")) {
      if (h.path("name").asText().equalsIgnoreCase(name)) {
        return h.path("value").asText();
      }
    }
    return null;
  }
}
