package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.MessageTag;
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

  private static MimeMessage smtpMessage(Simulator sim, String subject, Map<String, String> headers)
      throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(sim.smtpPort()));
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", sim.certificate().clientContext().getSocketFactory());
    MimeMessage m = new MimeMessage(Session.getInstance(p));
    m.setFrom(new InternetAddress("sender@example.com"));
    m.addRecipient(Message.RecipientType.TO, new InternetAddress("a@example.net"));
    m.setSubject(subject);
    m.setText("hi");
    for (var h : headers.entrySet()) {
      m.setHeader(h.getKey(), h.getValue());
    }
    return m;
  }

  private static ReceivedMessage bySubject(Simulator sim, String subject) {
    return sim.core().inbox().recent(100, m -> subject.equals(m.subject())).get(0);
  }

  private static Map<String, String> tags(ReceivedMessage m) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    m.tags().forEach(t -> out.put(t.name(), t.value()));
    return out;
  }

  @Test
  void setAndTags_areReadWhereSesReadsThem_onEachInterface() throws Exception {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("max-send-rate=unlimited"));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint());
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      Map<String, String> sesHeaders =
          Map.of("X-SES-CONFIGURATION-SET", "from-header", "X-SES-MESSAGE-TAGS", "a=1, b=two");

      // SMTP: from the headers.
      Transport.send(smtpMessage(sim, "smtp", sesHeaders), "AKID", "x");
      ReceivedMessage smtp = bySubject(sim, "smtp");
      assertThat(smtp.configurationSet()).isEqualTo("from-header");
      assertThat(tags(smtp)).containsExactly(Map.entry("a", "1"), Map.entry("b", "two"));

      // v1 SendRawEmail: from the headers when no parameters are given...
      java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
      smtpMessage(sim, "v1-raw", sesHeaders).writeTo(raw);
      v1.sendRawEmail(b -> b.rawMessage(r -> r.data(SdkBytes.fromByteArray(raw.toByteArray()))));
      ReceivedMessage v1Raw = bySubject(sim, "v1-raw");
      assertThat(v1Raw.configurationSet()).isEqualTo("from-header");
      assertThat(tags(v1Raw)).containsExactly(Map.entry("a", "1"), Map.entry("b", "two"));
      // ...and the parameters win when both are given; tags are not joined.
      java.io.ByteArrayOutputStream raw2 = new java.io.ByteArrayOutputStream();
      smtpMessage(sim, "v1-both", sesHeaders).writeTo(raw2);
      v1.sendRawEmail(
          b ->
              b.rawMessage(r -> r.data(SdkBytes.fromByteArray(raw2.toByteArray())))
                  .configurationSetName("from-param")
                  .tags(MessageTag.builder().name("c").value("3").build()));
      ReceivedMessage v1Both = bySubject(sim, "v1-both");
      assertThat(v1Both.configurationSet()).isEqualTo("from-param");
      assertThat(tags(v1Both)).containsExactly(Map.entry("c", "3"));

      // v2 SendEmail: parameters only; SES does not read the headers of v2 raw content.
      java.io.ByteArrayOutputStream raw3 = new java.io.ByteArrayOutputStream();
      smtpMessage(sim, "v2-raw", sesHeaders).writeTo(raw3);
      v2.sendEmail(
          b ->
              b.content(c -> c.raw(r -> r.data(SdkBytes.fromByteArray(raw3.toByteArray()))))
                  .emailTags(
                      software.amazon.awssdk.services.sesv2.model.MessageTag.builder()
                          .name("d")
                          .value("4")
                          .build()));
      ReceivedMessage v2Raw = bySubject(sim, "v2-raw");
      assertThat(v2Raw.configurationSet()).isNull();
      assertThat(tags(v2Raw)).containsExactly(Map.entry("d", "4"));

      // A tag SES refuses, in the header: refused on SMTP.
      assertThatThrownBy(
              () ->
                  Transport.send(
                      smtpMessage(sim, "bad-tag", Map.of("X-SES-MESSAGE-TAGS", "bad tag=1")),
                      "AKID",
                      "x"))
          .hasMessageContaining("Invalid tag name");
    }
  }

  @Test
  void v1ListConfigurationSets_pagesThroughTheSetsV2Lists() {
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts("configuration-sets=marketing, alerts, billing"));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint());
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      java.util.List<String> names = new java.util.ArrayList<>();
      String token = null;
      for (int i = 0; i < 10; i++) {
        String t = token;
        var page = v1.listConfigurationSets(b -> b.maxItems(2).nextToken(t));
        assertThat(page.configurationSets()).hasSizeLessThanOrEqualTo(2);
        page.configurationSets().forEach(c -> names.add(c.name()));
        token = page.nextToken();
        if (token == null) {
          break;
        }
      }
      assertThat(names).containsExactly("alerts", "billing", "marketing");
      assertThat(v2.listConfigurationSets(b -> {}).configurationSets())
          .containsExactlyElementsOf(names);
    }
  }
}
