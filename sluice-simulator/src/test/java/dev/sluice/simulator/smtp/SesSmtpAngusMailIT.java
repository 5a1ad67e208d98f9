package dev.sluice.simulator.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.core.SesSmtpPassword;
import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SesError;
import dev.sluice.simulator.tls.SelfSignedCertificate;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Angus Mail (Jakarta Mail) sends through the endpoint as it would through SES: STARTTLS required,
 * AUTH.
 */
class SesSmtpAngusMailIT {
  private static SelfSignedCertificate certificate;
  private final RecordingSendService sendService = new RecordingSendService();
  private SesSmtpEndpoint endpoint;

  @BeforeAll
  static void certificate() {
    certificate = SelfSignedCertificate.generate(List.of());
  }

  @BeforeEach
  void start() throws IOException {
    endpoint =
        SesSmtpEndpoint.builder(sendService)
            .tls(certificate.serverContext())
            .credentials(Map.of(SesSmtpEndpointIT.KEY_ID, SesSmtpEndpointIT.SECRET))
            .region("eu-west-1")
            .build();
    endpoint.start();
  }

  @AfterEach
  void stop() {
    endpoint.stop();
  }

  private Session session(String mechanism) {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(endpoint.port()));
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.auth.mechanisms", mechanism);
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", certificate.clientContext().getSocketFactory());
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.timeout", "5000");
    p.put("mail.smtp.connectiontimeout", "5000");
    return Session.getInstance(p);
  }

  private static MimeMessage message(Session session) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("sender@example.com"));
    m.setRecipients(Message.RecipientType.TO, "success@simulator.amazonses.com");
    m.setRecipients(Message.RecipientType.CC, "cc@example.com");
    m.setSubject("Angus says hi");
    m.setText("Hello from Angus\r\n.with a leading dot\r\n", "UTF-8");
    return m;
  }

  @Test
  void send_strictCredentialsAuthLogin_acceptedWithMessageId() throws Exception {
    Session s = session("LOGIN");
    String response;
    try (SMTPTransport t = (SMTPTransport) s.getTransport("smtp")) {
      t.connect(
          SesSmtpEndpointIT.KEY_ID, SesSmtpPassword.derive(SesSmtpEndpointIT.SECRET, "eu-west-1"));
      MimeMessage m = message(s);
      t.sendMessage(m, m.getAllRecipients());
      response = t.getLastServerResponse();
    }
    assertThat(response).matches("250 Ok 0100018d0cfe3200-[0-9a-f-]+-000000\\s*");
    var request = sendService.requests.getFirst();
    assertThat(request.accessKeyId()).isEqualTo(SesSmtpEndpointIT.KEY_ID);
    assertThat(request.region()).isEqualTo("eu-west-1");
    assertThat(request.recipients())
        .containsExactly("success@simulator.amazonses.com", "cc@example.com");
    assertThat(request.subject()).isEqualTo("Angus says hi");
    assertThat(new String(request.content(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\r\n.with a leading dot\r\n");
  }

  @Test
  void send_strictCredentialsAuthPlain_accepted() throws Exception {
    Transport.send(
        message(session("PLAIN")),
        SesSmtpEndpointIT.KEY_ID,
        SesSmtpPassword.derive(SesSmtpEndpointIT.SECRET, "eu-west-1"));
    assertThat(sendService.requests).hasSize(1);
  }

  @Test
  void send_wrongRegionPassword_failsAuthentication() {
    assertThrows(
        AuthenticationFailedException.class,
        () ->
            Transport.send(
                message(session("LOGIN")),
                SesSmtpEndpointIT.KEY_ID,
                SesSmtpPassword.derive(SesSmtpEndpointIT.SECRET, "us-east-1")));
    assertThat(sendService.requests).isEmpty();
  }

  @Test
  void send_throttled_clientSees454() {
    sendService.next =
        new SendOutcome.Rejected(SesError.RATE_EXCEEDED, "Maximum sending rate exceeded.");
    SMTPSendFailedException e =
        assertThrows(
            SMTPSendFailedException.class,
            () ->
                Transport.send(
                    message(session("PLAIN")),
                    SesSmtpEndpointIT.KEY_ID,
                    SesSmtpPassword.derive(SesSmtpEndpointIT.SECRET, "eu-west-1")));
    assertThat(e.getReturnCode()).isEqualTo(454);
    assertThat(e.getMessage()).contains("Throttling failure: Maximum sending rate exceeded.");
  }
}
