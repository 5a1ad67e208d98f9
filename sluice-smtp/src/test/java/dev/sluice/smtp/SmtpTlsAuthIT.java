package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.SmtpConversation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** STARTTLS with a real TLS client, and AUTH PLAIN / LOGIN in all their forms. */
class SmtpTlsAuthIT {
  private final RecordingHandler handler = new RecordingHandler();
  private SmtpServer server;

  private void start(SmtpDialect dialect) throws IOException {
    server =
        new SmtpServer(
            SmtpServer.loopback(0), TestTls.get().server, dialect, SmtpLimits.defaults(), handler);
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private SmtpConversation tlsSession() throws IOException {
    SmtpConversation s = SmtpConversation.connect(server.port());
    s.expect("220");
    s.send("EHLO c.example").expect("250");
    s.send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
    s.startTls(TestTls.get().client);
    s.send("EHLO c.example").expect("250");
    return s;
  }

  @Test
  void starttls_realTlsClient_upgradesAndHidesStartTls() throws IOException, InterruptedException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      assertThat(s.send("EHLO c.example").reply()).contains("250-STARTTLS");
      s.send("STARTTLS").expect("220");
      s.startTls(TestTls.get().client);
      s.send("MAIL FROM:<a@b.example>").expect("503 5.5.1 Send HELO/EHLO first");
      assertThat(s.send("EHLO c.example").reply())
          .doesNotContain("STARTTLS")
          .contains("AUTH PLAIN LOGIN");
      s.send("STARTTLS").expect("503 5.5.1 TLS already active");
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("RCPT TO:<c@d.example>").expect("250");
      s.send("DATA").expect("354");
      s.sendRaw("secret\r\n.\r\n").expect("250");
    }
    assertThat(handler.next().tls()).isTrue();
  }

  @Test
  void starttls_pipelinedCommandsAfterIt_areDiscarded() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c.example").expect("250");
      s.sendRaw("STARTTLS\r\nMAIL FROM:<injected@b.example>\r\n").expect("220");
      s.startTls(TestTls.get().client);
      // Had the injected MAIL survived, this would be a nested MAIL or a 250 to it.
      s.send("EHLO c.example").expect("250");
      s.send("RCPT TO:<c@d.example>").expect("503 5.5.1 Need MAIL");
    }
  }

  @Test
  void auth_beforeTls_answers530() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("AUTH PLAIN " + b64("\0alice\0secret"))
          .expect("530 5.7.0 Must issue a STARTTLS command first");
    }
  }

  @Test
  void ehlo_hidesAuthUntilTlsWhenTheDialectSaysSo() throws IOException {
    start(SmtpDialect.builder().advertiseAuthBeforeTls(false).build());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      assertThat(s.send("EHLO c.example").reply()).contains("STARTTLS").doesNotContain("AUTH");
      s.send("STARTTLS").expect("220");
      s.startTls(TestTls.get().client);
      assertThat(s.send("EHLO c.example").reply()).contains("AUTH PLAIN LOGIN");
    }
  }

  @Test
  void auth_withoutTlsFromLoopback_succeedsWhenTheDialectAllowsIt() throws IOException {
    start(SmtpDialect.builder().authWithoutTlsOnLoopback(true).build());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235 2.7.0");
    }
  }

  @Test
  void authPlain_initialResponse_succeeds() throws IOException, InterruptedException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = tlsSession()) {
      s.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235 2.7.0 Authentication successful");
      s.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("503 5.5.1 Already authenticated");
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("RCPT TO:<c@d.example>").expect("250");
      s.send("DATA").expect("354");
      s.sendRaw(".\r\n").expect("250");
    }
    assertThat(handler.next().user()).isEqualTo("alice");
  }

  @Test
  void authPlain_challenge_succeeds() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = tlsSession()) {
      s.send("AUTH PLAIN").expect("334 ");
      s.send(b64("alice\0alice\0secret")).expect("235");
    }
  }

  @Test
  void authLogin_challenges_succeed() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = tlsSession()) {
      s.send("AUTH LOGIN").expect("334 VXNlcm5hbWU6");
      s.send(b64("alice")).expect("334 UGFzc3dvcmQ6");
      s.send(b64("secret")).expect("235");
    }
  }

  @Test
  void authLogin_initialUsername_asksPasswordOnly() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = tlsSession()) {
      s.send("auth login " + b64("alice")).expect("334 UGFzc3dvcmQ6");
      s.send(b64("secret")).expect("235");
    }
  }

  @Test
  void auth_wrongPassword_answers535() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = tlsSession()) {
      s.send("AUTH PLAIN " + b64("\0alice\0wrong")).expect("535 5.7.8");
      s.send("AUTH LOGIN").expect("334");
      s.send(b64("bob")).expect("334");
      s.send(b64("secret")).expect("535 5.7.8");
    }
  }

  @Test
  void auth_cancelledOrMalformed_answers501() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = tlsSession()) {
      s.send("AUTH LOGIN").expect("334");
      s.send("*").expect("501 5.0.0 Authentication cancelled");
      s.send("AUTH PLAIN").expect("334");
      s.send("*").expect("501 5.0.0");
      s.send("AUTH PLAIN !!notbase64").expect("501 5.5.2");
      s.send("AUTH PLAIN " + b64("no-nul-here")).expect("501 5.5.2");
      s.send("AUTH CRAM-MD5").expect("504 5.5.4");
      s.send("AUTH").expect("501 5.5.4");
      s.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235");
    }
  }

  @Test
  void auth_duringTransaction_answers503() throws IOException {
    start(SmtpDialect.standard());
    try (SmtpConversation s = tlsSession()) {
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("503 5.5.1");
    }
  }

  @Test
  void mail_authRequiredDialect_demandsTlsThenAuth() throws IOException {
    start(SmtpDialect.builder().authRequired(true).build());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@b.example>").expect("530 5.7.0 Must issue a STARTTLS command first");
      s.send("STARTTLS").expect("220");
      s.startTls(TestTls.get().client);
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@b.example>").expect("530 5.7.0 Authentication required");
      s.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235");
      s.send("MAIL FROM:<a@b.example>").expect("250");
    }
  }

  @Test
  void dialect_sesLikeTexts_areUsedWithoutEnhancedCodes() throws IOException {
    start(
        SmtpDialect.builder()
            .hostname("email-smtp.example")
            .greeting("email-smtp.example ESMTP test")
            .extensions(
                java.util.EnumSet.of(
                    SmtpExtension.EIGHTBITMIME, SmtpExtension.STARTTLS, SmtpExtension.AUTH))
            .ehloTrailer("Ok")
            .reply(ServerReply.AUTH_SUCCEEDED, Reply.of(235, "2.7.0", "Authentication successful."))
            .build());
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220 email-smtp.example ESMTP test");
      assertThat(s.send("EHLO c").reply().lines().toList())
          .containsExactly(
              "250-email-smtp.example",
              "250-8BITMIME",
              "250-STARTTLS",
              "250-AUTH PLAIN LOGIN",
              "250 Ok");
      s.send("STARTTLS").expect("220 Ready to start TLS");
      s.startTls(TestTls.get().client);
      assertThat(s.send("EHLO c").reply().lines().toList())
          .containsExactly(
              "250-email-smtp.example", "250-8BITMIME", "250-AUTH PLAIN LOGIN", "250 Ok");
      s.send("AUTH PLAIN " + b64("\0alice\0secret")).expect("235 Authentication successful.");
      s.send("NOOP").expect("250 Ok");
    }
  }
}
