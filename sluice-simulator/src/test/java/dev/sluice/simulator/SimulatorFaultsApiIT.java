package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Message;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * Chaos at run time: {@code PUT /_sluice/faults} changes a running simulator's faults and latency
 * per interface, the real SDK and a real SMTP client see the change on their next request, and a
 * bad value is refused without changing anything.
 */
class SimulatorFaultsApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Simulator start() {
    return Simulator.start(
        SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"));
  }

  @Test
  void put_v2ServiceUnavailableRateOne_sdkSees503UntilItIsSetBack() throws Exception {
    try (Simulator sim = start();
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint());
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      assertThat(v2.sendEmail(SimulatorV2IT.simple("a@example.net")).messageId()).isNotBlank();

      HttpResponse<String> put = call(sim, "PUT", "v2-fault-rate=503:1");
      assertThat(put.statusCode()).isEqualTo(200);
      JsonNode now = JSON.readTree(put.body());
      assertThat(now.at("/v2/fault-rate-503").asDouble()).isEqualTo(1.0);
      assertThat(now.at("/v2/fault-rate-500").asDouble()).isZero();
      assertThat(now.at("/v1/fault-rate").asDouble()).isZero();

      for (int i = 0; i < 10; i++) {
        assertThatThrownBy(() -> v2.sendEmail(SimulatorV2IT.simple("a@example.net")))
            .isInstanceOfSatisfying(
                SesV2Exception.class,
                e -> {
                  assertThat(e.statusCode()).isEqualTo(503);
                  assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                });
      }
      assertThat(
              sim.registry()
                  .get("simulator.sends")
                  .tag("interface", "v2")
                  .tag("outcome", "service_unavailable")
                  .counter()
                  .count())
          .isEqualTo(10.0);
      // The other interfaces keep their own settings.
      assertThat(v1.sendEmail(SimulatorV1IT.simple("b@example.net")).messageId()).isNotBlank();
      sendSmtp(sim, "c@example.net");

      assertThat(call(sim, "PUT", "v2-fault-rate=0").statusCode()).isEqualTo(200);
      for (int i = 0; i < 10; i++) {
        assertThat(v2.sendEmail(SimulatorV2IT.simple("a@example.net")).messageId()).isNotBlank();
      }
      assertThat(sim.core().inbox().total()).isEqualTo(13);
    }
  }

  @Test
  void put_unprefixedFaultRate_reachesEveryInterfaceAndDeleteRestoresStartUp() throws Exception {
    try (Simulator sim = start();
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint());
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      assertThat(call(sim, "PUT", "fault-rate=503:100%25&smtp-fault-rate=500:1").statusCode())
          .isEqualTo(200);

      assertThatThrownBy(() -> v2.sendEmail(SimulatorV2IT.simple("a@example.net")))
          .isInstanceOfSatisfying(
              SesV2Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
      assertThatThrownBy(() -> v1.sendEmail(SimulatorV1IT.simple("a@example.net")))
          .isInstanceOfSatisfying(
              software.amazon.awssdk.services.ses.model.SesException.class,
              e -> assertThat(e.statusCode()).isEqualTo(503));
      // The interface's own parameter wins over the unprefixed one: SMTP gets 451, not 454.
      assertThatThrownBy(() -> sendSmtp(sim, "a@example.net")).hasMessageContaining("451");
      assertThat(sim.core().inbox().total()).isZero();

      HttpResponse<String> deleted = call(sim, "DELETE", null);
      assertThat(deleted.statusCode()).isEqualTo(200);
      JsonNode now = JSON.readTree(call(sim, "GET", null).body());
      for (SesInterface i : SesInterface.values()) {
        assertThat(now.at("/" + i.key() + "/fault-rate").asDouble()).as(i.key()).isZero();
        assertThat(now.at("/" + i.key() + "/latency").asText()).as(i.key()).isEqualTo("0ms");
      }
      assertThat(v2.sendEmail(SimulatorV2IT.simple("a@example.net")).messageId()).isNotBlank();
      sendSmtp(sim, "a@example.net");
    }
  }

  @Test
  void put_resetHangAndLatencyPerInterface_applyToThatInterfaceOnly() throws Exception {
    try (Simulator sim = start();
        SesV2Client v2 =
            SesClients.v2(sim, sim.httpEndpoint(), SesClients.SECRET, Duration.ofMillis(500));
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      assertThat(call(sim, "PUT", "v2-reset-rate=1&v1-latency=uniform:1ms..3ms").statusCode())
          .isEqualTo(200);
      assertThatThrownBy(() -> v2.sendEmail(SimulatorV2IT.simple("a@example.net")))
          .isInstanceOf(SdkClientException.class);
      assertThat(v1.sendEmail(SimulatorV1IT.simple("a@example.net")).messageId()).isNotBlank();

      assertThat(call(sim, "PUT", "v2-reset-rate=0&v2-hang-rate=1").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> v2.sendEmail(SimulatorV2IT.simple("a@example.net")))
          .isInstanceOf(SdkClientException.class)
          .hasMessageContaining("timed out");

      JsonNode now = JSON.readTree(call(sim, "GET", null).body());
      assertThat(now.at("/v2/reset-rate").asDouble()).isZero();
      assertThat(now.at("/v2/hang-rate").asDouble()).isEqualTo(1.0);
      assertThat(now.at("/v1/latency").asText()).isEqualTo("uniform:1ms..3ms");
      assertThat(now.at("/v1/hang-rate").asDouble()).isZero();
      assertThat(now.at("/smtp/latency").asText()).isEqualTo("0ms");
      assertThat(sim.core().inbox().total()).isEqualTo(1);
    }
  }

  @Test
  void put_badValues_answer400NamingTheParameterAndChangeNothing() throws Exception {
    try (Simulator sim = start()) {
      String before = call(sim, "GET", null).body();
      assertBad(sim, "v2-fault-rate=abc", "v2-fault-rate: expected a probability");
      assertBad(sim, "latency=fast", "latency: expected a latency such as 50ms");
      assertBad(sim, "smtp-reset-rate=1.5", "smtp-reset-rate: expected a probability between 0");
      assertBad(sim, "hang-rate=-0.1", "hang-rate: ");
      assertBad(sim, "fault-rate=500:0.1,404:0.1", "fault-rate: expected a probability");
      assertBad(sim, "v1-fault-rate=0.6&v1-hang-rate=0.6", "v1: the fault-rate (0.6)");
      assertBad(sim, "v3-latency=1ms", "unknown parameter 'v3-latency'");
      // One bad value refuses the whole request: the good one beside it is not applied either.
      assertBad(sim, "v2-fault-rate=1&v1-latency=nonsense", "v1-latency: ");
      assertThat(call(sim, "GET", null).body()).isEqualTo(before);
    }
  }

  private static void assertBad(Simulator sim, String query, String message) throws Exception {
    HttpResponse<String> r = call(sim, "PUT", query);
    assertThat(r.statusCode()).as(query).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("error").asText()).as(query).contains(message);
  }

  static HttpResponse<String> call(Simulator sim, String method, String query) throws Exception {
    URI uri =
        URI.create(sim.httpEndpoint() + "/_sluice/faults" + (query == null ? "" : "?" + query));
    return HTTP.send(
        HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void sendSmtp(Simulator sim, String to) throws Exception {
    MimeMessage m = new MimeMessage(SesClients.smtpSession(sim));
    m.setFrom(new InternetAddress("sender@example.com"));
    m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
    m.setSubject("Over SMTP");
    m.setText("Hello\r\n");
    Transport.send(m, "AKID", "any");
  }
}
