package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.SesSmtpPassword;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClient;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.smtp.client.SmtpCredentials;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Messages at SES's size limits on every interface: 39 MB on v2 and SMTP (SES takes 40 MB there),
 * 10 MB on v1 and one octet over it, which SES refuses with its own words.
 *
 * <p>Memory: the message is built once per test and dropped after the call; the inbox keeps no
 * content ({@code inbox-bytes=1MB}), only the size it recorded.
 */
class SimulatorLargeMessageIT {
  private static final int MB = 1024 * 1024;
  private static Simulator sim;

  @BeforeAll
  static void start() {
    sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "max-send-rate=unlimited", "max-24h-send=unlimited", "inbox-bytes=1MB"));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** A valid message of exactly {@code size} octets: a header, then 998-octet lines. */
  static byte[] message(String subject, int size) {
    byte[] head =
        ("From: sender@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: "
                + subject
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] m = new byte[size];
    System.arraycopy(head, 0, m, 0, head.length);
    for (int i = head.length; i < size; i++) {
      m[i] = (byte) ('a' + i % 26);
    }
    for (int i = size - 2; i > head.length; i -= 1000) {
      m[i] = '\r';
      m[i + 1] = '\n';
    }
    return m;
  }

  private static ReceivedMessage received(String messageId) {
    ReceivedMessage m = sim.core().inbox().find(messageId);
    assertThat(m).as("message %s in the inbox", messageId).isNotNull();
    return m;
  }

  @Test
  void v2_rawMessageOf39Mb_isAcceptedThroughTheSdk() {
    int size = 39 * MB;
    String id;
    try (SesV2Client v2 =
        SesClients.v2(sim, sim.httpEndpoint(), SesClients.SECRET, Duration.ofSeconds(120))) {
      id =
          v2.sendEmail(
                  r ->
                      r.destination(d -> d.toAddresses("success@simulator.amazonses.com"))
                          .content(
                              c ->
                                  c.raw(
                                      raw ->
                                          raw.data(
                                              SdkBytes.fromByteArrayUnsafe(
                                                  message("v2 large", size))))))
              .messageId();
    }
    ReceivedMessage m = received(id);
    assertThat(m.via()).isEqualTo(SesInterface.V2);
    assertThat(m.size()).isEqualTo(size);
    assertThat(m.subject()).isEqualTo("v2 large");
  }

  @Test
  void smtp_messageOf39Mb_isAccepted() throws Exception {
    int size = 39 * MB;
    SmtpClientConfig config =
        SmtpClientConfig.builder("127.0.0.1", sim.smtpPort())
            .startTls(SmtpClientConfig.StartTls.REQUIRED, sim.certificate().clientContext())
            .credentials(
                new SmtpCredentials(
                    SesClients.ACCESS_KEY, SesSmtpPassword.derive(SesClients.SECRET, "us-east-1")))
            .readTimeout(Duration.ofSeconds(120))
            .build();
    SendResult r;
    try (SmtpClient c = SmtpClient.connect(config)) {
      r =
          c.send(
              "sender@example.com",
              List.of("success@simulator.amazonses.com"),
              message("smtp large", size));
    }
    assertThat(r).isInstanceOf(SendResult.Accepted.class);
    String text = ((SendResult.Accepted) r).reply().text();
    assertThat(text).startsWith("Ok ");
    ReceivedMessage m = received(text.substring("Ok ".length()));
    assertThat(m.via()).isEqualTo(SesInterface.SMTP);
    assertThat(m.size()).isEqualTo(size);
  }

  @Test
  void v1_rawMessageAtItsLimitIsAccepted_andOneOctetOverGetsSesRefusal() {
    try (SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      String id =
          v1.sendRawEmail(
                  r ->
                      r.rawMessage(
                          m -> m.data(SdkBytes.fromByteArrayUnsafe(message("v1 limit", 10 * MB)))))
              .messageId();
      assertThat(received(id).size()).isEqualTo(10 * MB);

      assertThatThrownBy(
              () ->
                  v1.sendRawEmail(
                      r ->
                          r.rawMessage(
                              m ->
                                  m.data(
                                      SdkBytes.fromByteArrayUnsafe(
                                          message("v1 over", 10 * MB + 1))))))
          .isInstanceOfSatisfying(
              SesException.class,
              e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue");
                assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("Message length is more than 10485760 bytes long: '10485761'.");
              });
    }
  }
}
