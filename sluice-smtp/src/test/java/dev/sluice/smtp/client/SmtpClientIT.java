package dev.sluice.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.smtp.DataResult;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.SmtpDialect;
import dev.sluice.smtp.SmtpLimits;
import dev.sluice.smtp.TestTls;
import dev.sluice.smtp.client.SendResult.Accepted;
import dev.sluice.smtp.client.SendResult.Failed;
import dev.sluice.smtp.client.SendResult.RecipientRefusal;
import dev.sluice.smtp.client.SendResult.Refused;
import dev.sluice.smtp.client.SendResult.Stage;
import dev.sluice.smtp.client.SmtpClientConfig.AuthMechanism;
import dev.sluice.smtp.client.SmtpClientConfig.StartTls;
import dev.sluice.testkit.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against our own SMTP server over real loopback sockets. */
class SmtpClientIT {
  private static final byte[] MESSAGE =
      "Subject: hello\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII);

  private TestServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static SmtpClient connect(SmtpClientConfig config) throws SmtpConnectException {
    return SmtpClient.connect(config);
  }

  @Test
  void send_plainServer_deliversEnvelopeAndContent() throws Exception {
    server = TestServer.start();
    try (SmtpClient c = connect(server.config().build())) {
      SendResult r = c.send("a@example.com", List.of("b@example.com", "c@example.com"), MESSAGE);
      assertThat(r).isInstanceOf(Accepted.class);
      Accepted a = (Accepted) r;
      assertThat(a.reply().code()).isEqualTo(250);
      assertThat(a.reply().enhanced()).isEqualTo("2.0.0");
      assertThat(a.reply().text()).startsWith("Ok queued as ");
      assertThat(a.recipients()).containsExactly("b@example.com", "c@example.com");
      assertThat(a.refused()).isEmpty();
      c.quit();
    }
    TestServer.Received got = server.next();
    assertThat(got.envelope().reversePath()).isEqualTo("a@example.com");
    assertThat(got.envelope().recipients()).containsExactly("b@example.com", "c@example.com");
    assertThat(got.message()).isEqualTo(new String(MESSAGE, StandardCharsets.US_ASCII));
    assertThat(server.lastMailParameters).containsEntry("SIZE", String.valueOf(MESSAGE.length));
  }

  @Test
  void send_manyMessagesOnOneConnection_serverSeesOneSession() throws Exception {
    server = TestServer.start();
    try (SmtpClient c = connect(server.config().build())) {
      for (int i = 0; i < 25; i++) {
        assertThat(c.send("a@example.com", List.of("b" + i + "@example.com"), MESSAGE))
            .isInstanceOf(Accepted.class);
      }
      assertThat(c.messagesSent()).isEqualTo(25);
    }
    assertThat(server.received).hasSize(25);
    assertThat(server.received.stream().map(TestServer.Received::session).distinct()).hasSize(1);
  }

  @Test
  void send_pipeliningOffered_sendsEnvelopeInOneWrite() throws Exception {
    server = TestServer.start(null, TestServer.dialect(true), SmtpLimits.defaults());
    try (SmtpClient c = connect(server.config().build())) {
      assertThat(c.pipelining()).isTrue();
      long before = c.flushCount();
      SendResult r =
          c.send("a@example.com", List.of("b@x.example", "c@x.example", "d@x.example"), MESSAGE);
      assertThat(r).isInstanceOf(Accepted.class);
      assertThat(c.flushCount() - before).isEqualTo(2); // envelope batch, then content
    }
    assertThat(server.next().envelope().recipients()).hasSize(3);
  }

  @Test
  void send_pipeliningNotOffered_waitsForEachReply() throws Exception {
    server = TestServer.start(null, TestServer.dialect(false), SmtpLimits.defaults());
    try (SmtpClient c = connect(server.config().build())) {
      assertThat(c.pipelining()).isFalse();
      long before = c.flushCount();
      SendResult r =
          c.send("a@example.com", List.of("b@x.example", "c@x.example", "d@x.example"), MESSAGE);
      assertThat(r).isInstanceOf(Accepted.class);
      assertThat(c.flushCount() - before).isEqualTo(6); // MAIL, 3 RCPT, DATA, content
    }
    assertThat(server.next().envelope().recipients()).hasSize(3);
  }

  @Test
  void send_pipeliningSwitchedOffInConfig_waitsForEachReply() throws Exception {
    server = TestServer.start(null, TestServer.dialect(true), SmtpLimits.defaults());
    try (SmtpClient c = connect(server.config().pipelining(false).build())) {
      assertThat(c.pipelining()).isFalse();
      assertThat(c.send("a@example.com", List.of("b@x.example"), MESSAGE))
          .isInstanceOf(Accepted.class);
    }
  }

  @Test
  void connect_startTls_upgradesVerifiesHostAndSends() throws Exception {
    server = TestServer.start(TestTls.get().server, SmtpDialect.standard(), SmtpLimits.defaults());
    SmtpClientConfig config =
        server.config().startTls(StartTls.REQUIRED, TestTls.get().client).build();
    try (SmtpClient c = connect(config)) {
      assertThat(c.tlsActive()).isTrue();
      assertThat(c.extensions()).doesNotContainKey("STARTTLS").containsKey("AUTH");
      assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
          .isInstanceOf(Accepted.class);
    }
    assertThat(server.next().tls()).isTrue();
  }

  @Test
  void connect_startTlsIfOfferedWithoutServerTls_staysPlain() throws Exception {
    server = TestServer.start();
    SmtpClientConfig config =
        server.config().startTls(StartTls.IF_OFFERED, TestTls.get().client).build();
    try (SmtpClient c = connect(config)) {
      assertThat(c.tlsActive()).isFalse();
      assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
          .isInstanceOf(Accepted.class);
    }
  }

  @Test
  void connect_startTlsRequiredButNotOffered_failsNotRetryable() throws Exception {
    server = TestServer.start();
    SmtpClientConfig config =
        server.config().startTls(StartTls.REQUIRED, TestTls.get().client).build();
    assertThatThrownBy(() -> connect(config))
        .isInstanceOfSatisfying(
            SmtpConnectException.class,
            e ->
                assertThat(e.result())
                    .isEqualTo(new Failed(Stage.TLS, "server does not offer STARTTLS", false)));
  }

  @Test
  void connect_untrustedCertificate_failsAtTlsNotRetryable() throws Exception {
    server = TestServer.start(TestTls.get().server, SmtpDialect.standard(), SmtpLimits.defaults());
    SmtpClientConfig config =
        server.config().startTls(StartTls.REQUIRED, SSLContext.getDefault()).build();
    assertThatThrownBy(() -> connect(config))
        .isInstanceOfSatisfying(
            SmtpConnectException.class,
            e -> {
              assertThat(e.result()).isInstanceOf(Failed.class);
              Failed f = (Failed) e.result();
              assertThat(f.stage()).isEqualTo(Stage.TLS);
              assertThat(f.retryable()).isFalse();
            });
  }

  @Test
  void connect_certificateForAnotherHost_failsUnlessVerificationOff() throws Exception {
    TestTls other = TestTls.forOtherName();
    server = TestServer.start(other.server, SmtpDialect.standard(), SmtpLimits.defaults());
    SmtpClientConfig verifying = server.config().startTls(StartTls.REQUIRED, other.client).build();
    assertThatThrownBy(() -> connect(verifying))
        .isInstanceOfSatisfying(
            SmtpConnectException.class,
            e -> {
              Failed f = (Failed) e.result();
              assertThat(f.stage()).isEqualTo(Stage.TLS);
              assertThat(f.retryable()).isFalse();
            });
    try (SmtpClient c = connect(verifying.toBuilder().verifyHostname(false).build())) {
      assertThat(c.tlsActive()).isTrue();
    }
  }

  @Test
  void auth_plain_succeedsAndServerSeesUser() throws Exception {
    server = TestServer.start();
    SmtpClientConfig config =
        server
            .config()
            .credentials(new SmtpCredentials("alice", "secret"))
            .authMechanism(AuthMechanism.PLAIN)
            .build();
    try (SmtpClient c = connect(config)) {
      assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
          .isInstanceOf(Accepted.class);
    }
    assertThat(server.next().user()).isEqualTo("alice");
  }

  @Test
  void auth_login_succeedsAndServerSeesUser() throws Exception {
    server = TestServer.start();
    SmtpClientConfig config =
        server
            .config()
            .credentials(new SmtpCredentials("alice", "secret"))
            .authMechanism(AuthMechanism.LOGIN)
            .build();
    try (SmtpClient c = connect(config)) {
      assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
          .isInstanceOf(Accepted.class);
    }
    assertThat(server.next().user()).isEqualTo("alice");
  }

  @Test
  void auth_wrongPassword_refusedAtAuthWith535() throws Exception {
    server = TestServer.start();
    for (AuthMechanism m : AuthMechanism.values()) {
      SmtpClientConfig config =
          server
              .config()
              .credentials(new SmtpCredentials("alice", "wrong"))
              .authMechanism(m)
              .build();
      assertThatThrownBy(() -> connect(config))
          .as(m.name())
          .isInstanceOfSatisfying(
              SmtpConnectException.class,
              e -> {
                Refused r = (Refused) e.result();
                assertThat(r.stage()).isEqualTo(Stage.AUTH);
                assertThat(r.reply().code()).isEqualTo(535);
                assertThat(r.reply().enhanced()).isEqualTo("5.7.8");
              });
    }
  }

  @Test
  void auth_afterStartTls_succeeds() throws Exception {
    server = TestServer.start(TestTls.get().server, SmtpDialect.standard(), SmtpLimits.defaults());
    SmtpClientConfig config =
        server
            .config()
            .startTls(StartTls.REQUIRED, TestTls.get().client)
            .credentials(new SmtpCredentials("alice", "secret"))
            .build();
    try (SmtpClient c = connect(config)) {
      assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
          .isInstanceOf(Accepted.class);
    }
    TestServer.Received got = server.next();
    assertThat(got.tls()).isTrue();
    assertThat(got.user()).isEqualTo("alice");
  }

  @Test
  void send_leadingDotsAndBareLineFeeds_arriveNormalized() throws Exception {
    server = TestServer.start();
    String content = "Subject: dots\n\n.\n..two\r\n.three\rbare cr\nend.";
    try (SmtpClient c = connect(server.config().build())) {
      assertThat(
              c.send(
                  "a@example.com",
                  List.of("b@example.com"),
                  content.getBytes(StandardCharsets.US_ASCII)))
          .isInstanceOf(Accepted.class);
    }
    assertThat(server.next().message())
        .isEqualTo("Subject: dots\r\n\r\n.\r\n..two\r\n.three\r\nbare cr\r\nend.\r\n");
  }

  @Test
  void send_eightBitContent_declaresBody8BitMime() throws Exception {
    server = TestServer.start();
    byte[] content = "Subject: x\r\n\r\nna\u00efve\r\n".getBytes(StandardCharsets.UTF_8);
    try (SmtpClient c = connect(server.config().build())) {
      assertThat(c.send("a@example.com", List.of("b@example.com"), content))
          .isInstanceOf(Accepted.class);
    }
    assertThat(server.lastMailParameters).containsEntry("BODY", "8BITMIME");
    assertThat(server.next().message().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(content);
  }

  @Test
  void send_someRecipientsRefused_deliversToTheRestAndListsRefusals() throws Exception {
    for (boolean pipelining : new boolean[] {true, false}) {
      server = TestServer.start(null, TestServer.dialect(pipelining), SmtpLimits.defaults());
      try (SmtpClient c = connect(server.config().build())) {
        SendResult r =
            c.send(
                "a@example.com",
                List.of("ok1@x.example", "unknown@x.example", "busy@x.example", "ok2@x.example"),
                MESSAGE);
        assertThat(r).as("pipelining %s", pipelining).isInstanceOf(Accepted.class);
        Accepted a = (Accepted) r;
        assertThat(a.recipients()).containsExactly("ok1@x.example", "ok2@x.example");
        assertThat(a.refused())
            .extracting(RecipientRefusal::recipient, f -> f.reply().code())
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("unknown@x.example", 550),
                org.assertj.core.groups.Tuple.tuple("busy@x.example", 450));
      }
      assertThat(server.next().envelope().recipients())
          .containsExactly("ok1@x.example", "ok2@x.example");
      server.close();
    }
  }

  @Test
  void send_someRefusedWhenAllRequired_sendsNothingAndStaysUsable() throws Exception {
    for (boolean pipelining : new boolean[] {true, false}) {
      server = TestServer.start(null, TestServer.dialect(pipelining), SmtpLimits.defaults());
      SmtpClientConfig config = server.config().allRecipientsRequired(true).build();
      try (SmtpClient c = connect(config)) {
        SendResult r =
            c.send("a@example.com", List.of("ok@x.example", "unknown@x.example"), MESSAGE);
        assertThat(r).as("pipelining %s", pipelining).isInstanceOf(Refused.class);
        Refused f = (Refused) r;
        assertThat(f.stage()).isEqualTo(Stage.RCPT);
        assertThat(f.reply().code()).isEqualTo(550);
        assertThat(f.refused())
            .extracting(RecipientRefusal::recipient)
            .containsExactly("unknown@x.example");
        // Pipelined, the server already said 354, so the connection had to be dropped.
        assertThat(c.isUsable()).isEqualTo(!pipelining);
        if (c.isUsable()) {
          assertThat(c.send("a@example.com", List.of("ok@x.example"), MESSAGE))
              .isInstanceOf(Accepted.class);
          assertThat(server.next().envelope().recipients()).containsExactly("ok@x.example");
        }
      }
      Await.until(
          "no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
      assertThat(server.received).isEmpty();
      server.close();
    }
  }

  @Test
  void send_allRecipientsRefused_refusedAtRcptAndNextMessageGoesThrough() throws Exception {
    for (boolean pipelining : new boolean[] {true, false}) {
      server = TestServer.start(null, TestServer.dialect(pipelining), SmtpLimits.defaults());
      try (SmtpClient c = connect(server.config().build())) {
        SendResult r = c.send("a@example.com", List.of("unknown@x.example"), MESSAGE);
        assertThat(r).isInstanceOf(Refused.class);
        assertThat(((Refused) r).stage()).isEqualTo(Stage.RCPT);
        assertThat(c.isUsable()).isTrue();
        assertThat(c.send("a@example.com", List.of("ok@x.example"), MESSAGE))
            .as("pipelining %s", pipelining)
            .isInstanceOf(Accepted.class);
      }
      assertThat(server.next().envelope().recipients()).containsExactly("ok@x.example");
      server.close();
    }
  }

  @Test
  void send_senderRefused_refusedAtMailAndConnectionReset() throws Exception {
    for (boolean pipelining : new boolean[] {true, false}) {
      server = TestServer.start(null, TestServer.dialect(pipelining), SmtpLimits.defaults());
      try (SmtpClient c = connect(server.config().build())) {
        SendResult r = c.send("refused@example.com", List.of("b@example.com"), MESSAGE);
        assertThat(r)
            .isEqualTo(
                new Refused(Stage.MAIL, Reply.of(550, "5.7.1", "Sender refused"), List.of()));
        assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
            .as("pipelining %s", pipelining)
            .isInstanceOf(Accepted.class);
      }
      server.close();
    }
  }

  @Test
  void send_dataRefused_refusedAtDataWithEnhancedCode() throws Exception {
    server = TestServer.start();
    server.onData =
        m ->
            m.contains("spam")
                ? DataResult.respond(Reply.of(554, "5.7.1", "Message rejected: spam"))
                : DataResult.respond(Reply.of(250, "2.0.0", "Ok"));
    try (SmtpClient c = connect(server.config().build())) {
      SendResult r =
          c.send(
              "a@example.com",
              List.of("b@example.com"),
              "spam\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(r)
          .isEqualTo(
              new Refused(Stage.DATA, Reply.of(554, "5.7.1", "Message rejected: spam"), List.of()));
      assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
          .isInstanceOf(Accepted.class);
    }
  }

  @Test
  void send_serverResetsDuringData_failsAndClosesConnection() throws Exception {
    server = TestServer.start();
    server.onData = m -> DataResult.reset();
    try (SmtpClient c = connect(server.config().build())) {
      SendResult r = c.send("a@example.com", List.of("b@example.com"), MESSAGE);
      assertThat(r).isInstanceOf(Failed.class);
      assertThat(((Failed) r).stage()).isEqualTo(Stage.DATA);
      assertThat(((Failed) r).retryable()).isTrue();
      assertThat(c.isUsable()).isFalse();
      assertThat(c.send("a@example.com", List.of("b@example.com"), MESSAGE))
          .isEqualTo(new Failed(Stage.MAIL, "connection is closed", true));
    }
  }

  @Test
  void send_serverHangs_failsWithReadTimeout() throws Exception {
    server = TestServer.start();
    server.onData = m -> DataResult.hang(Duration.ofSeconds(30));
    SmtpClientConfig config = server.config().readTimeout(Duration.ofMillis(300)).build();
    try (SmtpClient c = connect(config)) {
      SendResult r = c.send("a@example.com", List.of("b@example.com"), MESSAGE);
      assertThat(r).isInstanceOf(Failed.class);
      assertThat(((Failed) r).message()).contains("SocketTimeoutException");
      assertThat(c.isUsable()).isFalse();
    }
  }

  @Test
  void connect_connectionLimitReached_refusedAtGreetingWith421() throws Exception {
    server =
        TestServer.start(
            null, TestServer.dialect(true), SmtpLimits.defaults().withConnections(1, 1));
    try (SmtpClient first = connect(server.config().build())) {
      assertThatThrownBy(() -> connect(server.config().build()))
          .isInstanceOfSatisfying(
              SmtpConnectException.class,
              e -> {
                Refused r = (Refused) e.result();
                assertThat(r.stage()).isEqualTo(Stage.GREETING);
                assertThat(r.reply().code()).isEqualTo(421);
              });
      assertThat(first.noop().code()).isEqualTo(250);
    }
  }

  @Test
  void connect_nothingListening_failsAtConnect() throws Exception {
    server = TestServer.start();
    int port = server.port();
    server.close();
    Await.until("no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
    SmtpClientConfig config =
        SmtpClientConfig.builder("127.0.0.1", port)
            .startTls(StartTls.NEVER, null)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    assertThatThrownBy(() -> connect(config))
        .isInstanceOfSatisfying(
            SmtpConnectException.class,
            e -> assertThat(((Failed) e.result()).stage()).isEqualTo(Stage.CONNECT));
  }

  @Test
  void send_addressWithLineBreak_failsWithoutSending() throws Exception {
    server = TestServer.start();
    try (SmtpClient c = connect(server.config().build())) {
      SendResult r = c.send("a@example.com", List.of("b@x.example>\r\nRSET"), MESSAGE);
      assertThat(r).isInstanceOf(Failed.class);
      assertThat(((Failed) r).stage()).isEqualTo(Stage.RCPT);
      assertThat(((Failed) r).retryable()).isFalse();
      assertThat(c.isUsable()).isTrue();
    }
    assertThat(server.received).isEmpty();
  }

  @Test
  void send_nullSender_isAccepted() throws Exception {
    server = TestServer.start();
    try (SmtpClient c = connect(server.config().build())) {
      assertThat(c.send("", List.of("b@example.com"), MESSAGE)).isInstanceOf(Accepted.class);
    }
    assertThat(server.next().envelope().reversePath()).isEmpty();
  }

  @Test
  void connect_heloNameDefault_isAddressLiteral() throws Exception {
    server = TestServer.start();
    SmtpClientConfig config = server.config().heloName(null).build();
    try (SmtpClient c = connect(config)) {
      Set<String> keys = c.extensions().keySet().stream().collect(Collectors.toSet());
      assertThat(keys).contains("PIPELINING", "SIZE", "8BITMIME", "AUTH");
      assertThat(c.noop().code()).isEqualTo(250);
    }
  }

  @Test
  void noop_afterClose_throws() throws Exception {
    server = TestServer.start();
    SmtpClient c = connect(server.config().build());
    c.quit();
    assertThatThrownBy(c::noop).isInstanceOf(IOException.class);
  }
}
