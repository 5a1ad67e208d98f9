package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real client (Angus Mail) against the server: STARTTLS, AUTH, pipelining, dot-stuffing. */
class AngusMailIT {
  private final RecordingHandler handler = new RecordingHandler();
  private SmtpServer server;

  @BeforeEach
  void start() throws IOException {
    server =
        new SmtpServer(
            SmtpServer.loopback(0),
            TestTls.get().server,
            SmtpDialect.builder().authRequired(true).build(),
            SmtpLimits.defaults(),
            handler);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private Session session(String mechanism, boolean pipelining) {
    Properties p = new Properties();
    p.put("mail.smtp.host", "127.0.0.1");
    p.put("mail.smtp.port", String.valueOf(server.port()));
    p.put("mail.smtp.auth", "true");
    p.put("mail.smtp.auth.mechanisms", mechanism);
    p.put("mail.smtp.starttls.enable", "true");
    p.put("mail.smtp.starttls.required", "true");
    p.put("mail.smtp.ssl.socketFactory", TestTls.get().client.getSocketFactory());
    p.put("mail.smtp.ssl.checkserveridentity", "true");
    p.put("mail.smtp.userset", "true");
    p.put("mail.smtp.timeout", "5000");
    p.put("mail.smtp.connectiontimeout", "5000");
    p.put("mail.smtp.pipelining", String.valueOf(pipelining));
    return Session.getInstance(p);
  }

  private static MimeMessage message(Session session, String body) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("sender@example.com"));
    m.setRecipients(Message.RecipientType.TO, "to1@example.com, to2@example.com");
    m.setSubject("Hello");
    m.setText(body, "UTF-8");
    return m;
  }

  @Test
  void send_authLoginOverStartTls_deliversWithDotsIntact() throws Exception {
    Session s = session("LOGIN", false);
    String body = ".leading dot\r\n..two dots\r\n.\r\nend\r\n";
    Transport.send(message(s, body), "alice", "secret");
    RecordingHandler.Received r = handler.next();
    assertThat(r.tls()).isTrue();
    assertThat(r.user()).isEqualTo("alice");
    assertThat(r.envelope().recipients()).containsExactly("to1@example.com", "to2@example.com");
    String text = new String(r.message(), StandardCharsets.UTF_8);
    assertThat(text).contains("Subject: Hello").endsWith("\r\n" + body);
  }

  @Test
  void send_authPlainWithPipelining_deliversSeveralMessagesOnOneConnection() throws Exception {
    Session s = session("PLAIN", true);
    try (Transport t = s.getTransport("smtp")) {
      t.connect("alice", "secret");
      for (int i = 0; i < 3; i++) {
        MimeMessage m = message(s, "message " + i + "\r\n");
        t.sendMessage(m, m.getAllRecipients());
      }
    }
    for (int i = 0; i < 3; i++) {
      assertThat(new String(handler.next().message(), StandardCharsets.UTF_8))
          .contains("message " + i);
    }
  }

  @Test
  void send_wrongPassword_failsAuthentication() {
    Session s = session("PLAIN", false);
    org.junit.jupiter.api.Assertions.assertThrows(
        jakarta.mail.AuthenticationFailedException.class,
        () -> Transport.send(message(s, "x"), "alice", "wrong"));
  }

  @Test
  void send_handlerRefuses_clientSeesReplyText() {
    handler.onData = m -> DataResult.respond(Reply.of(554, "5.7.1", "Policy says no"));
    Session s = session("PLAIN", false);
    SMTPSendFailedException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            SMTPSendFailedException.class,
            () -> Transport.send(message(s, "x"), "alice", "secret"));
    assertThat(e.getReturnCode()).isEqualTo(554);
    assertThat(e.getMessage()).contains("5.7.1 Policy says no");
  }
}
