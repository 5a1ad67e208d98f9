package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.SesSmtpPassword;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A standard Java mail client sends through the whole simulator's SMTP endpoint. */
class SimulatorSmtpIT {
  private static Session session(Simulator sim) {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(sim.smtpPort()));
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", sim.certificate().clientContext().getSocketFactory());
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.timeout", "10000");
    return Session.getInstance(p);
  }

  private static MimeMessage message(Session s, String... to) throws MessagingException {
    MimeMessage m = new MimeMessage(s);
    m.setFrom(new InternetAddress("sender@example.com"));
    for (String t : to) {
      m.addRecipient(Message.RecipientType.TO, new InternetAddress(t));
    }
    m.setSubject("Over SMTP");
    m.setText("Hello\r\n.leading dot\r\n");
    return m;
  }

  @Test
  void angusMail_starttlsAndStrictAuth_deliversIntoTheInbox() throws Exception {
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts(
                "max-send-rate=unlimited", "max-24h-send=unlimited", SesClients.STRICT))) {
      Session s = session(sim);
      String password = SesSmtpPassword.derive(SesClients.SECRET, "us-east-1");
      Transport.send(
          message(s, "success@simulator.amazonses.com", "x@example.net"),
          SesClients.ACCESS_KEY,
          password);
      ReceivedMessage m = sim.core().inbox().recent(1, x -> true).get(0);
      assertThat(m.via()).isEqualTo(SesInterface.SMTP);
      assertThat(m.recipients())
          .containsExactly("success@simulator.amazonses.com", "x@example.net");
      assertThat(m.accessKeyId()).isEqualTo(SesClients.ACCESS_KEY);
      assertThat(m.subject()).isEqualTo("Over SMTP");
      assertThat(new String(m.content(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("\r\n.leading dot\r\n");
      assertThatThrownBy(
              () -> Transport.send(message(s, "x@example.net"), SesClients.ACCESS_KEY, "wrong"))
          .hasMessageContaining("535");
    }
  }

  @Test
  void angusMail_overRate_getsSesThrottlingReply() throws Exception {
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=1/s", "max-24h-send=unlimited"))) {
      Session s = session(sim);
      // Two recipients at 1/s leave the bucket a recipient in debt for about a second.
      Transport.send(message(s, "a@example.net", "b@example.net"), "AKID", "any");
      assertThatThrownBy(() -> Transport.send(message(s, "a@example.net"), "AKID", "any"))
          .hasMessageContaining("454 Throttling failure: Maximum sending rate exceeded.");
      assertThat(sim.core().inbox().total()).isEqualTo(1);
    }
  }
}
