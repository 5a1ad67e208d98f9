package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;

/**
 * The shared address grammar on the API interfaces, through the real SDKs: v2 answers {@code
 * BadRequestException}, v1 {@code InvalidParameterValue}, each in SES's words, for a recipient and
 * for a sender, simple and raw; the valid recipient of the same call is not sent either (SES
 * refuses the whole message).
 */
class SimulatorAddressIT {
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
    v2.close();
    v1.close();
    sim.close();
  }

  @BeforeEach
  void reset() {
    sim.core().reset();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"a b\"@example.com | Invalid email address \"a b\"@example.com.",
        "c@d                 | Invalid email address c@d.",
        "x@localhost         | Invalid email address x@localhost.",
        "@a,@b:c@d.example   | Invalid email address @a,@b:c@d.example.",
        "nobody              | Missing final '@domain'",
        "a,b@example.com     | Local address contains illegal character",
        "a@b\u00fccher.example | Domain contains illegal character",
      })
  void v2AndV1_addressOutsideTheGrammar_isRefusedInSesWords(String address, String words) {
    String ok = "success@simulator.amazonses.com";
    assertThatThrownBy(
            () ->
                v2.sendEmail(
                    r ->
                        r.fromEmailAddress("sender@example.com")
                            .destination(d -> d.toAddresses(ok, address))
                            .content(c -> c.simple(simple()))))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(words));
    assertThatThrownBy(
            () ->
                v2.sendEmail(
                    r ->
                        r.fromEmailAddress(address)
                            .destination(d -> d.toAddresses(ok))
                            .content(c -> c.raw(raw -> raw.data(rawMessage(ok))))))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(words));
    assertThatThrownBy(
            () ->
                v1.sendEmail(
                    r ->
                        r.source("sender@example.com")
                            .destination(d -> d.toAddresses(ok, address))
                            .message(
                                m ->
                                    m.subject(s -> s.data("s"))
                                        .body(b -> b.text(t -> t.data("t"))))))
        .isInstanceOfSatisfying(SesException.class, e -> assertV1(e, words));
    assertThatThrownBy(
            () ->
                v1.sendRawEmail(
                    r ->
                        r.source("sender@example.com")
                            .destinations(ok, address)
                            .rawMessage(m -> m.data(rawMessage(ok)))))
        .isInstanceOfSatisfying(SesException.class, e -> assertV1(e, words));
    assertThat(sim.core().inbox().total())
        .as("nothing was sent, the valid recipient neither")
        .isZero();
  }

  private static void assertV1(SesException e, String words) {
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(words);
  }

  private static software.amazon.awssdk.services.sesv2.model.Message simple() {
    return software.amazon.awssdk.services.sesv2.model.Message.builder()
        .subject(s -> s.data("s"))
        .body(b -> b.text(t -> t.data("t")))
        .build();
  }

  private static SdkBytes rawMessage(String to) {
    return SdkBytes.fromString(
        "From: sender@example.com\r\nTo: " + to + "\r\nSubject: s\r\n\r\nbody\r\n",
        StandardCharsets.US_ASCII);
  }
}
