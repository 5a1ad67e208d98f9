package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;

/** With configuration sets declared, a send naming another set is refused on every interface. */
class SimulatorConfigSetIT {
  @Test
  void unknownConfigurationSet_isRefusedAsSesDoes_knownOneIsAccepted() throws Exception {
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited", "configuration-sets=marketing, alerts"));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint());
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      assertThat(
              v2.sendEmail(
                      SimulatorV2IT.simple("a@example.net").toBuilder()
                          .configurationSetName("alerts")
                          .build())
                  .messageId())
          .isNotBlank();
      assertThatThrownBy(
              () ->
                  v2.sendEmail(
                      SimulatorV2IT.simple("a@example.net").toBuilder()
                          .configurationSetName("nope")
                          .build()))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("Configuration set nope does not exist.");
      assertThatThrownBy(
              () ->
                  v1.sendEmail(
                      SimulatorV1IT.simple("a@example.net").toBuilder()
                          .configurationSetName("nope")
                          .build()))
          .isInstanceOf(SesException.class)
          .satisfies(
              e ->
                  assertThat(((SesException) e).awsErrorDetails().errorCode())
                      .isEqualTo("ConfigurationSetDoesNotExist"));
      assertThat(
              v1.sendEmail(
                      SimulatorV1IT.simple("a@example.net").toBuilder()
                          .configurationSetName("marketing")
                          .build())
                  .messageId())
          .isNotBlank();
      Properties p = new Properties();
      p.put("mail.smtp.host", "127.0.0.1");
      p.put("mail.smtp.port", String.valueOf(sim.smtpPort()));
      p.put("mail.smtp.auth", "true");
      p.put("mail.smtp.starttls.enable", "true");
      p.put("mail.smtp.starttls.required", "true");
      p.put("mail.smtp.ssl.socketFactory", sim.certificate().clientContext().getSocketFactory());
      Session s = Session.getInstance(p);
      MimeMessage m = new MimeMessage(s);
      m.setFrom(new InternetAddress("sender@example.com"));
      m.addRecipient(Message.RecipientType.TO, new InternetAddress("a@example.net"));
      m.setSubject("set");
      m.setText("hi");
      m.setHeader("X-SES-CONFIGURATION-SET", "nope");
      assertThatThrownBy(() -> Transport.send(m, "AKID", "x"))
          .hasMessageContaining("554 Transaction failed: Configuration set nope does not exist.");
      assertThat(sim.core().inbox().total()).isEqualTo(2);
    }
  }
}
