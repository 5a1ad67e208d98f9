package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.BulkEmailEntry;
import software.amazon.awssdk.services.sesv2.model.BulkEmailStatus;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendBulkEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SendEmailResponse;
import software.amazon.awssdk.services.sesv2.model.SendingPausedException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

class SimulatorV2IT {
  static final String MESSAGE_ID =
      "^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-\\d{6}$";

  /** A well-formed Authorization header; outside strict mode its signature is not checked. */
  static final String UNCHECKED_AUTH =
      "AWS4-HMAC-SHA256 Credential=AK/20240115/us-east-1/ses/aws4_request, "
          + "SignedHeaders=host;x-amz-date, Signature="
          + "0".repeat(64);

  private static Simulator sim;
  private static SesV2Client http;
  private static SesV2Client https;

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
    http = SesClients.v2(sim, sim.httpEndpoint());
    https = SesClients.v2(sim, sim.httpsEndpoint());
  }

  @AfterAll
  static void stop() {
    http.close();
    https.close();
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.core().reset();
    sim.core().ledger().configure(-1, -1, 1);
    sim.core().sendingEnabled(true);
  }

  static SendEmailRequest simple(String... to) {
    return SendEmailRequest.builder()
        .fromEmailAddress("sender@example.com")
        .destination(Destination.builder().toAddresses(to).build())
        .content(
            EmailContent.builder()
                .simple(
                    s ->
                        s.subject(c -> c.data("Hello").charset("UTF-8"))
                            .body(b -> b.text(t -> t.data("Body text"))))
                .build())
        .build();
  }

  @Test
  void sendEmail_simpleOverHttpAndHttps_returnsSesFormatIdAndIsInspectable() throws Exception {
    SendEmailResponse a = http.sendEmail(simple("success@simulator.amazonses.com"));
    SendEmailResponse b = https.sendEmail(simple("someone@example.net"));
    assertThat(a.messageId()).matches(MESSAGE_ID);
    assertThat(b.messageId()).matches(MESSAGE_ID);
    assertThat(a.responseMetadata().requestId()).matches("[0-9a-f-]{36}");
    ReceivedMessage m = sim.core().inbox().find(b.messageId());
    assertThat(m.recipients()).containsExactly("someone@example.net");
    assertThat(m.subject()).isEqualTo("Hello");
    assertThat(m.accessKeyId()).isEqualTo(SesClients.ACCESS_KEY);
    String listing = get("/_sluice/messages?to=someone@example.net");
    assertThat(listing).contains(b.messageId()).doesNotContain(a.messageId());
  }

  @Test
  void sendEmail_raw_takesEnvelopeFromHeadersWhenNoDestination() {
    String raw =
        "From: Sender <sender@example.com>\r\nTo: a@example.net\r\nCc: b@example.net\r\nSubject: Raw test\r\n\r\nHi\r\n";
    SendEmailResponse r =
        http.sendEmail(
            SendEmailRequest.builder()
                .content(
                    EmailContent.builder()
                        .raw(x -> x.data(SdkBytes.fromString(raw, StandardCharsets.US_ASCII)))
                        .build())
                .build());
    ReceivedMessage m = sim.core().inbox().find(r.messageId());
    assertThat(m.from()).isEqualTo("sender@example.com");
    assertThat(m.recipients()).containsExactly("a@example.net", "b@example.net");
    assertThat(m.subject()).isEqualTo("Raw test");
    assertThat(new String(m.content(), StandardCharsets.US_ASCII)).isEqualTo(raw);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "success",
        "bounce",
        "ooto",
        "complaint",
        "suppressionlist",
        "success+label7",
        "BOUNCE+x"
      })
  void sendEmail_everySimulatorAddress_isAcceptedAndNotChargedDaily(String local) {
    sim.core().ledger().configure(-1, 1, 1);
    SendEmailResponse r = http.sendEmail(simple(local + "@simulator.amazonses.com"));
    assertThat(r.messageId()).matches(MESSAGE_ID);
    assertThat(sim.core().ledger().sentLast24Hours()).isZero();
  }

  @Test
  void getAccount_reportsQuotaAndUsage() {
    sim.core().ledger().configure(14, 50_000, 1);
    http.sendEmail(simple("a@example.net", "b@example.net"));
    GetAccountResponse acc = http.getAccount(r -> {});
    assertThat(acc.sendQuota().maxSendRate()).isEqualTo(14.0);
    assertThat(acc.sendQuota().max24HourSend()).isEqualTo(50_000.0);
    assertThat(acc.sendQuota().sentLast24Hours()).isEqualTo(2.0);
    assertThat(acc.productionAccessEnabled()).isTrue();
    assertThat(acc.sendingEnabled()).isTrue();
  }

  @Test
  void sendEmail_tooManyRecipients_isBadRequest() {
    String[] to = new String[51];
    for (int i = 0; i < to.length; i++) {
      to[i] = "r" + i + "@example.net";
    }
    assertThatThrownBy(() -> http.sendEmail(simple(to)))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Recipient count exceeds 50.");
  }

  @Test
  void sendEmail_invalidOrNonAsciiAddress_isBadRequest() {
    assertThatThrownBy(() -> http.sendEmail(simple("nobody")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Missing final '@domain'");
    assertThatThrownBy(() -> http.sendEmail(simple("jürgen@example.net")))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("Local address contains control or whitespace");
  }

  @Test
  void sendEmail_paused_isSendingPausedException() {
    http.putAccountSendingAttributes(r -> r.sendingEnabled(false));
    assertThatThrownBy(() -> http.sendEmail(simple("a@example.net")))
        .isInstanceOf(SendingPausedException.class);
  }

  @Test
  void sendEmail_templateThatDoesNotExist_isNotFound() {
    assertThatThrownBy(
            () ->
                http.sendEmail(
                    SendEmailRequest.builder()
                        .fromEmailAddress("s@example.com")
                        .destination(d -> d.toAddresses("a@example.net"))
                        .content(c -> c.template(t -> t.templateName("welcome").templateData("{}")))
                        .build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("Template welcome does not exist.");
  }

  @Test
  void sendBulkEmail_perEntryResults_includeThrottledEntries() {
    sim.core().ledger().configure(2, -1, 1);
    List<BulkEmailEntry> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      entries.add(
          BulkEmailEntry.builder()
              .destination(d -> d.toAddresses("success@simulator.amazonses.com"))
              .build());
    }
    SendBulkEmailResponse r =
        http.sendBulkEmail(
            b ->
                b.fromEmailAddress("s@example.com")
                    .defaultContent(
                        c -> c.template(t -> t.templateContent(x -> x.subject("Hi").text("T"))))
                    .bulkEmailEntries(entries));
    assertThat(r.bulkEmailEntryResults()).hasSize(5);
    assertThat(r.bulkEmailEntryResults().get(0).status()).isEqualTo(BulkEmailStatus.SUCCESS);
    assertThat(r.bulkEmailEntryResults().get(0).messageId()).matches(MESSAGE_ID);
    assertThat(r.bulkEmailEntryResults())
        .extracting(x -> x.status())
        .contains(BulkEmailStatus.ACCOUNT_THROTTLED);
  }

  @Test
  void sandbox_unverifiedSender_isMessageRejectedListingIdentities() {
    try (Simulator sandbox =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited",
                    "max-24h-send=unlimited",
                    "sandbox=true",
                    "verified-identities=verified.example"));
        SesV2Client c = SesClients.v2(sandbox, sandbox.httpEndpoint())) {
      assertThatThrownBy(() -> c.sendEmail(simple("someone@example.net")))
          .isInstanceOf(MessageRejectedException.class)
          .hasMessageContaining(
              "Email address is not verified. The following identities failed the check in region US-EAST-1: sender@example.com, someone@example.net");
      SendEmailRequest ok =
          simple("bounce@simulator.amazonses.com").toBuilder()
              .fromEmailAddress("me@verified.example")
              .build();
      assertThat(c.sendEmail(ok).messageId()).matches(MESSAGE_ID);
      assertThat(c.getAccount(r -> {}).productionAccessEnabled()).isFalse();
    }
  }

  @Test
  void malformedJson_isBadRequestWithErrorTypeHeader() throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + "/v2/email/outbound-emails"))
                    .header("Authorization", UNCHECKED_AUTH)
                    .POST(HttpRequest.BodyPublishers.ofString("{not json"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("BadRequestException");
    assertThat(r.body()).contains("\"message\"");
    assertThat(r.headers().firstValue("x-amzn-RequestId")).isPresent();
  }

  @Test
  void missingAuthorization_isForbidden() {
    assertThatThrownBy(() -> raw("/v2/email/account", "GET", null, null))
        .hasMessageContaining("403");
  }

  @Test
  void oversizedBody_is413() throws Exception {
    try (Simulator small =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited",
                    "max-24h-send=unlimited",
                    "inbox-size=10",
                    "inbox-bytes=1000",
                    "max-request-size=1MB"));
        SesV2Client c = SesClients.v2(small, small.httpEndpoint())) {
      // Just over the limit; with Expect: 100-continue the answer comes before the body is sent,
      // so the client reads the 413 instead of racing the server's close.
      byte[] big = new byte[small.config().listeners().maxRequestSize().toIntExact() + 1];
      java.util.Arrays.fill(big, (byte) 'a');
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(small.httpEndpoint() + "/v2/email/outbound-emails"))
                      .header("Authorization", UNCHECKED_AUTH)
                      .expectContinue(true)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(c.getAccount(x -> {}).sendingEnabled()).isTrue();
    }
  }

  @Test
  void post_declaredBodyOverTheLimit_413InTheV2ErrorShapeThenClosed() throws Exception {
    try (Simulator small =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited", "max-24h-send=unlimited", "max-request-size=1MB"));
        java.net.Socket s =
            new java.net.Socket(small.httpEndpoint().getHost(), small.httpEndpoint().getPort())) {
      s.setSoTimeout(10_000);
      int limit = small.config().listeners().maxRequestSize().toIntExact();
      // The head alone: the declared length is over the limit, so the answer comes before a body.
      s.getOutputStream()
          .write(
              ("POST /v2/email/outbound-emails HTTP/1.1\r\nHost: localhost\r\nAuthorization: "
                      + UNCHECKED_AUTH
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + (limit + 1)
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer)
          .startsWith("HTTP/1.1 413 ")
          .containsIgnoringCase("x-amzn-ErrorType: RequestEntityTooLargeException")
          .containsIgnoringCase("content-type: application/json")
          .endsWith(
              "{\"message\":\"Request body is larger than the limit of " + limit + " bytes.\"}");
    }
  }

  @Test
  void unknownPath_isNotFoundAndServerStaysUp() {
    assertThatThrownBy(() -> http.getEmailIdentity(r -> r.emailIdentity("example.com")))
        .isInstanceOf(SesV2Exception.class)
        .satisfies(e -> assertThat(((SesV2Exception) e).statusCode()).isEqualTo(404));
    assertThat(http.sendEmail(simple("a@example.net")).messageId()).matches(MESSAGE_ID);
  }

  @Test
  void metricsAndCounters_reflectSends() throws Exception {
    http.sendEmail(simple("count@example.net"));
    http.sendEmail(simple("count@example.net"));
    assertThat(get("/_sluice/counters")).contains("\"count@example.net\":2");
    assertThat(get("/metrics"))
        .contains("simulator_sends_total")
        .contains("simulator_http_connections_opened_total");
    assertThat(get("/_sluice/quota")).contains("\"SentLast24Hours\":2.0");
  }

  @Test
  void quotaPut_sendingDisabled_sendsRefusedAsPausedUntilEnabled() throws Exception {
    try {
      assertThat(raw("/_sluice/quota?sending-enabled=false", "PUT", "", Map.of()))
          .contains("\"sendingEnabled\":false");
      assertThatThrownBy(() -> http.sendEmail(simple("paused@example.net")))
          .isInstanceOf(SesV2Exception.class)
          .satisfies(
              e ->
                  assertThat(((SesV2Exception) e).awsErrorDetails().errorCode())
                      .isEqualTo("SendingPausedException"));
      assertThatThrownBy(() -> raw("/_sluice/quota?sending-enabled=maybe", "PUT", "", Map.of()))
          .hasMessageContaining("sending-enabled must be true or false");
    } finally {
      raw("/_sluice/quota?sending-enabled=true", "PUT", "", Map.of());
    }
    assertThat(http.sendEmail(simple("resumed@example.net")).messageId()).matches(MESSAGE_ID);
  }

  static String get(String path) throws Exception {
    return raw(path, "GET", null, null);
  }

  static String raw(String path, String method, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(sim.httpEndpoint() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers != null) {
      headers.forEach(b::header);
    }
    HttpResponse<String> r =
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
