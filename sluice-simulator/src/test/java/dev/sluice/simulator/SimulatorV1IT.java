package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.GetSendQuotaResponse;
import software.amazon.awssdk.services.ses.model.GetSendStatisticsResponse;
import software.amazon.awssdk.services.ses.model.MessageRejectedException;
import software.amazon.awssdk.services.ses.model.MessageTag;
import software.amazon.awssdk.services.ses.model.SendEmailRequest;
import software.amazon.awssdk.services.ses.model.SesException;

class SimulatorV1IT {
  private static Simulator sim;
  private static SesClient http;
  private static SesClient https;

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
    http = SesClients.v1(sim, sim.httpEndpoint());
    https = SesClients.v1(sim, sim.httpsEndpoint());
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
        .source("sender@example.com")
        .destination(d -> d.toAddresses(to).ccAddresses("cc@example.net"))
        .message(
            m ->
                m.subject(s -> s.data("Hello").charset("UTF-8"))
                    .body(
                        b ->
                            b.text(t -> t.data("Body text & more")).html(h -> h.data("<b>hi</b>"))))
        .tags(MessageTag.builder().name("campaign").value("jan-2024").build())
        .build();
  }

  @Test
  void sendEmail_overHttpAndHttps_countsEveryRecipient() {
    String a = http.sendEmail(simple("success@simulator.amazonses.com")).messageId();
    String b = https.sendEmail(simple("x@example.net")).messageId();
    assertThat(a).matches(SimulatorV2IT.MESSAGE_ID);
    assertThat(b).matches(SimulatorV2IT.MESSAGE_ID);
    assertThat(sim.core().inbox().find(a).recipients())
        .containsExactly("success@simulator.amazonses.com", "cc@example.net");
    assertThat(sim.core().inbox().find(a).via()).isEqualTo(SesInterface.V1);
    // Simulator recipients are not charged to the daily quota; the two cc's and x@ are.
    assertThat(sim.core().ledger().sentLast24Hours()).isEqualTo(3);
  }

  @Test
  void sendRawEmail_withAndWithoutDestinations() {
    String raw =
        "From: sender@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: Raw test\r\n\r\nHello.\r\n";
    String a =
        http.sendRawEmail(
                r -> r.rawMessage(m -> m.data(SdkBytes.fromString(raw, StandardCharsets.US_ASCII))))
            .messageId();
    assertThat(sim.core().inbox().find(a).recipients())
        .containsExactly("success@simulator.amazonses.com");
    assertThat(sim.core().inbox().find(a).from()).isEqualTo("sender@example.com");
    String b =
        http.sendRawEmail(
                r ->
                    r.source("other@example.com")
                        .destinations("d1@example.net", "d2@example.net")
                        .rawMessage(
                            m -> m.data(SdkBytes.fromString(raw, StandardCharsets.US_ASCII))))
            .messageId();
    assertThat(sim.core().inbox().find(b).recipients())
        .containsExactly("d1@example.net", "d2@example.net");
    assertThat(sim.core().inbox().find(b).subject()).isEqualTo("Raw test");
  }

  @Test
  void getSendQuotaAndStatistics_reflectUsage() {
    sim.core().ledger().configure(14, 200, 1);
    http.sendEmail(simple("bounce@simulator.amazonses.com"));
    GetSendQuotaResponse q = http.getSendQuota();
    assertThat(q.maxSendRate()).isEqualTo(14.0);
    assertThat(q.max24HourSend()).isEqualTo(200.0);
    assertThat(q.sentLast24Hours()).isEqualTo(1.0);
    GetSendStatisticsResponse s = http.getSendStatistics();
    assertThat(s.sendDataPoints()).hasSize(1);
    assertThat(s.sendDataPoints().get(0).deliveryAttempts()).isEqualTo(2L);
    assertThat(s.sendDataPoints().get(0).bounces()).isEqualTo(1L);
  }

  @Test
  void throttled_isThrottlingSenderFault() {
    sim.core().ledger().configure(1, -1, 1);
    http.sendEmail(simple("a@example.net"));
    assertThatThrownBy(() -> http.sendEmail(simple("a@example.net")))
        .isInstanceOf(SesException.class)
        .satisfies(
            e -> {
              SesException se = (SesException) e;
              assertThat(se.awsErrorDetails().errorCode()).isEqualTo("Throttling");
              assertThat(se.awsErrorDetails().errorMessage())
                  .isEqualTo("Maximum sending rate exceeded.");
              assertThat(se.isThrottlingException()).isTrue();
              assertThat(se.statusCode()).isEqualTo(400);
            });
  }

  @Test
  void dailyQuotaSpent_isThrottlingWithDailyText() {
    sim.core().ledger().configure(-1, 2, 1);
    http.sendEmail(simple("a@example.net"));
    assertThatThrownBy(() -> http.sendEmail(simple("a@example.net")))
        .isInstanceOf(SesException.class)
        .hasMessageContaining("Daily message quota exceeded.");
  }

  @Test
  void errors_mapToSdkExceptionTypes() {
    sim.core().sendingEnabled(false);
    assertThatThrownBy(() -> http.sendEmail(simple("a@example.net")))
        .isInstanceOf(SesException.class)
        .satisfies(
            e ->
                assertThat(((SesException) e).awsErrorDetails().errorCode())
                    .isEqualTo("AccountSendingPausedException"));
    sim.core().sendingEnabled(true);
    assertThatThrownBy(() -> http.sendEmail(simple("not-an-address")))
        .satisfies(
            e ->
                assertThat(((SesException) e).awsErrorDetails().errorCode())
                    .isEqualTo("InvalidParameterValue"));
    assertThatThrownBy(
            () ->
                http.sendEmail(
                    simple("a@example.net").toBuilder()
                        .tags(MessageTag.builder().name("bad name").value("v").build())
                        .build()))
        .hasMessageContaining("Invalid tag name <bad name>");
  }

  @Test
  void sandbox_unverifiedSender_isMessageRejectedException() {
    try (Simulator sandbox = Simulator.start(SimulatorConfig.onFreePorts("sandbox=true"));
        SesClient c = SesClients.v1(sandbox, sandbox.httpEndpoint())) {
      assertThatThrownBy(() -> c.sendEmail(simple("success@simulator.amazonses.com")))
          .isInstanceOf(MessageRejectedException.class)
          .hasMessageContaining(
              "failed the check in region US-EAST-1: sender@example.com, cc@example.net");
    }
  }
}
