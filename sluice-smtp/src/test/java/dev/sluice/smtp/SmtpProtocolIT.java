package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plain-text command set against a real server on loopback, as send/expect scripts. */
class SmtpProtocolIT {
  private final RecordingHandler handler = new RecordingHandler();
  private SmtpServer server;

  @BeforeEach
  void start() throws IOException {
    SmtpLimits limits = SmtpLimits.defaults().withMaxMessageSize(2_000).withMaxRecipients(3);
    server = new SmtpServer(SmtpServer.loopback(0), null, SmtpDialect.standard(), limits, handler);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private SmtpConversation greeted() throws IOException {
    SmtpConversation s = SmtpConversation.connect(server.port());
    s.expect("220 localhost ESMTP Sluice");
    return s;
  }

  private SmtpConversation inTransaction() throws IOException {
    SmtpConversation s = greeted();
    s.send("EHLO client.example").expect("250");
    s.send("MAIL FROM:<a@b.example>").expect("250 2.1.0");
    s.send("RCPT TO:<c@d.example>").expect("250 2.1.5");
    return s;
  }

  @Test
  void ehlo_standardDialectWithoutTls_listsExtensionsButNotStartTls() throws IOException {
    try (SmtpConversation s = greeted()) {
      String r = s.send("EHLO client.example").reply();
      assertThat(r.lines().toList())
          .containsExactly(
              "250-localhost",
              "250-PIPELINING",
              "250-SIZE 2000",
              "250-8BITMIME",
              "250-ENHANCEDSTATUSCODES",
              "250-AUTH PLAIN LOGIN",
              "250 CHUNKING");
    }
  }

  @Test
  void helo_withName_answersHostname() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("HELO client.example").expect("250 localhost");
      s.send("HELO").expect("501 5.5.4");
    }
  }

  @Test
  void transaction_mailRcptData_deliversMessageAndEnvelope()
      throws IOException, InterruptedException {
    try (SmtpConversation s = inTransaction()) {
      s.send("RCPT TO:<e@f.example>").expect("250 2.1.5");
      s.send("DATA").expect("354 End data with <CR><LF>.<CR><LF>");
      s.sendRaw("Subject: hi\r\n\r\nbody\r\n.\r\n").expect("250 2.0.0 Queued");
      s.send("QUIT").expect("221 2.0.0 Bye");
      assertThat(s.line()).isNull();
    }
    RecordingHandler.Received r = handler.next();
    assertThat(r.envelope().reversePath()).isEqualTo("a@b.example");
    assertThat(r.envelope().recipients()).containsExactly("c@d.example", "e@f.example");
    assertThat(new String(r.message(), StandardCharsets.US_ASCII))
        .isEqualTo("Subject: hi\r\n\r\nbody\r\n");
    assertThat(r.helo()).isEqualTo("client.example");
    assertThat(r.tls()).isFalse();
  }

  @Test
  void data_dotStuffedLines_roundTripUnstuffed() throws IOException, InterruptedException {
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw("..one\r\n.\r\n").expect("250");
    }
    assertThat(new String(handler.next().message(), StandardCharsets.US_ASCII))
        .isEqualTo(".one\r\n");
  }

  @Test
  void data_bareLf_isRefusedWith550AndSessionContinues() throws IOException {
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw("a\n.\nb\r\n.\r\n").expect("550 5.6.2");
      s.send("NOOP").expect("250 2.0.0 Ok");
      s.send("RCPT TO:<c@d.example>").expect("503 5.5.1 Need MAIL");
    }
    assertThat(handler.received).isEmpty();
  }

  @Test
  void pipelining_manyCommandsInOneWrite_answersEachInOrder()
      throws IOException, InterruptedException {
    try (SmtpConversation s = greeted()) {
      s.sendRaw(
          "EHLO c.example\r\nMAIL FROM:<a@b.example> SIZE=10 BODY=8BITMIME\r\nRCPT TO:<c@d.example>\r\n"
              + "RCPT TO:<unknown@d.example>\r\nRCPT TO:<e@d.example>\r\nDATA\r\n");
      s.expect("250-localhost");
      s.expect("250 2.1.0");
      s.expect("250 2.1.5");
      s.expect("550 5.1.1 No such user");
      s.expect("250 2.1.5");
      s.expect("354");
      s.sendRaw(
          "x\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<c@d.example>\r\nBDAT 3 LAST\r\nabcRSET\r\nNOOP\r\nQUIT\r\n");
      s.expect("250 2.0.0 Queued");
      s.expect("250 2.1.0");
      s.expect("250 2.1.5");
      s.expect("250 2.0.0 Queued");
      s.expect("250 2.0.0 Ok");
      s.expect("250 2.0.0 Ok");
      s.expect("221");
    }
    assertThat(handler.next().envelope().recipients())
        .containsExactly("c@d.example", "e@d.example");
    assertThat(new String(handler.next().message(), StandardCharsets.US_ASCII)).isEqualTo("abc");
  }

  @Test
  void bdat_severalChunks_concatenatesThem() throws IOException, InterruptedException {
    try (SmtpConversation s = inTransaction()) {
      s.sendRaw("BDAT 5\r\nhello").expect("250 2.0.0 Chunk received");
      s.sendRaw("BDAT 8 LAST\r\n\r\n.world").expect("250 2.0.0 Queued");
      s.send("DATA").expect("503 5.5.1 Need MAIL");
    }
    assertThat(new String(handler.next().message(), StandardCharsets.US_ASCII))
        .isEqualTo("hello\r\n.world");
  }

  @Test
  void bdat_bareLfOrCrAcrossChunks_isRefusedAsDataWouldBe()
      throws IOException, InterruptedException {
    try (SmtpConversation s = inTransaction()) {
      s.sendRaw("BDAT 5\r\nab\r\nc").expect("250 2.0.0 Chunk received");
      s.sendRaw("BDAT 3 LAST\r\nd\ne").expect("550 5.6.2");
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("RCPT TO:<c@d.example>").expect("250");
      s.sendRaw("BDAT 4 LAST\r\nx\ry\r").expect("550 5.6.2");
      // A CR ending one chunk and the LF starting the next are one line end.
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("RCPT TO:<c@d.example>").expect("250");
      s.sendRaw("BDAT 2\r\nx\r").expect("250 2.0.0 Chunk received");
      s.sendRaw("BDAT 2 LAST\r\n\ny").expect("250 2.0.0 Queued");
    }
    assertThat(new String(handler.next().message(), StandardCharsets.US_ASCII)).isEqualTo("x\r\ny");
  }

  @Test
  void bdat_withoutTransaction_readsChunkThenRefuses() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("EHLO c").expect("250");
      s.sendRaw("BDAT 4\r\nQUIT").expect("503 5.5.1 Need MAIL");
      s.send("NOOP").expect("250");
    }
  }

  @Test
  void data_afterBdat_isRefused() throws IOException {
    try (SmtpConversation s = inTransaction()) {
      s.sendRaw("BDAT 1\r\nx").expect("250");
      s.send("DATA").expect("503 5.5.1 DATA not permitted after BDAT");
    }
  }

  @Test
  void mail_sizeParameterOverLimit_isRefusedWith552() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@b.example> SIZE=2001").expect("552 5.3.4");
      s.send("MAIL FROM:<a@b.example> SIZE=abc").expect("501 5.5.4");
      s.send("MAIL FROM:<a@b.example> BODY=BINARYMIME").expect("555 5.5.4");
      s.send("MAIL FROM:<a@b.example> FOO=1").expect("555 5.5.4");
      s.send("MAIL FROM:<a@b.example> SIZE=2000").expect("250");
    }
  }

  @Test
  void data_messageOverLimit_readsRestAndAnswers552() throws IOException {
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw(("x".repeat(98) + "\r\n").repeat(30) + ".\r\n").expect("552 5.3.4");
      s.send("NOOP").expect("250");
    }
    assertThat(handler.received).isEmpty();
  }

  @Test
  void data_textLineOver1000_isRefused() throws IOException {
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw("y".repeat(999) + "\r\n.\r\n").expect("550 5.6.0");
    }
  }

  @Test
  void rcpt_overMaxRecipients_answers452() throws IOException {
    try (SmtpConversation s = inTransaction()) {
      s.send("RCPT TO:<c2@d.example>").expect("250");
      s.send("RCPT TO:<c3@d.example>").expect("250");
      s.send("RCPT TO:<c4@d.example>").expect("452 4.5.3 Too many recipients");
    }
  }

  @Test
  void command_over512Octets_answers500LineTooLong() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("NOOP " + "x".repeat(505)).expect("250");
      s.send("NOOP " + "x".repeat(506)).expect("500 5.5.2 Line too long");
      s.send("NOOP").expect("250");
    }
  }

  @Test
  void commands_outOfSequence_answer503() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("MAIL FROM:<a@b.example>").expect("503 5.5.1 Send HELO/EHLO first");
      s.send("EHLO c").expect("250");
      s.send("RCPT TO:<a@b.example>").expect("503 5.5.1 Need MAIL");
      s.send("DATA").expect("503 5.5.1 Need MAIL");
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("MAIL FROM:<a@b.example>").expect("503 5.5.1 Nested MAIL");
      s.send("DATA").expect("503 5.5.1 Need RCPT");
    }
  }

  @Test
  void rcpt_internationalizedDomain_isTakenInAsciiForm() throws IOException, InterruptedException {
    try (SmtpConversation s = inTransaction()) {
      s.send("RCPT TO:<user@b\u00fccher.example>").expect("250 2.1.5");
      s.send("RCPT TO:<j\u00f6rg@b\u00fccher.example>").expect("553 5.6.7");
      s.send("DATA").expect("354");
      s.sendRaw("Subject: idn\r\n\r\nbody\r\n.\r\n").expect("250");
    }
    assertThat(handler.next().envelope().recipients())
        .containsExactly("c@d.example", "user@xn--bcher-kva.example");
  }

  @Test
  void commands_badSyntax_answer501AndUnknownAnswers500() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("EHLO c").expect("250");
      s.send("MAIL TO:<a@b.example>").expect("501 5.5.4 Syntax: MAIL FROM:<address>");
      s.send("MAIL FROM:a@b.example")
          .expect("553 5.1.7 <a@b.example>: the address must be enclosed in angle brackets");
      s.send("MAIL FROM:<a@@b.example>")
          .expect("553 5.1.7 <a@@b.example>: the local part has the character '@'");
      s.send("MAIL FROM:<j\u00f6rg@b.example>")
          .expect("553 5.6.7 <j\\u00f6rg@b.example>: the local part has the non-ASCII character");
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("RCPT TO:<>").expect("553 5.1.3 <>: the address is empty");
      s.send("RCPT TO:<c@d.example> NOTIFY=NEVER").expect("555 5.5.4");
      s.send("DATA now").expect("501 5.5.4");
      s.send("RSET x").expect("501 5.5.4");
      s.send("FROB").expect("500 5.5.1 Command unrecognized");
      s.send("EXPN list").expect("502 5.5.1");
      s.send("STARTTLS").expect("454 4.7.0 TLS not available");
    }
  }

  @Test
  void handler_refusingSender_leavesNoTransaction() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<refused@b.example>").expect("550 5.7.1 Sender refused");
      s.send("RCPT TO:<c@d.example>").expect("503");
    }
  }

  @Test
  void helpVrfyNoopRset_answerAsRfcSays() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.send("HELP").expect("214 2.0.0 Commands:");
      s.send("VRFY someone").expect("252 2.5.2");
      s.send("VRFY").expect("501");
      s.send("NOOP").expect("250 2.0.0 Ok");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("RSET").expect("250 2.0.0 Ok");
      s.send("RCPT TO:<c@d.example>").expect("503");
    }
  }

  @Test
  void commands_bareLfTerminated_areAccepted() throws IOException {
    try (SmtpConversation s = greeted()) {
      s.sendRaw("NOOP\nHELO c\n").expect("250 2.0.0");
      s.expect("250 localhost");
    }
  }

  @Test
  void session_tooManyErrors_closesWith421() throws IOException {
    try (SmtpConversation s = greeted()) {
      for (int i = 1; i < 20; i++) {
        s.send("BOGUS").expect("500");
      }
      s.send("BOGUS").expect("500");
      s.expect("421 4.7.0 Too many errors");
      assertThat(s.line()).isNull();
    }
  }

  @Test
  void data_clientVanishesMidData_handlerNeverCalled() throws IOException, InterruptedException {
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw("Subject: half\r\n\r\nsome text");
    }
    Await.until("no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
    assertThat(handler.received).isEmpty();
  }

  @Test
  void data_handlerAsksReset_clientSeesConnectionReset() throws IOException {
    handler.onData = m -> DataResult.reset();
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw("x\r\n.\r\n");
      IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, s::reply);
      assertThat(e).isInstanceOf(java.net.SocketException.class).hasMessageContaining("reset");
    }
  }

  @Test
  void data_handlerAsksHang_clientTimesOutAndSessionEndsWhenClientCloses()
      throws IOException, InterruptedException {
    handler.onData = m -> DataResult.hang(Duration.ofMinutes(1));
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw("x\r\n.\r\n").timeout(Duration.ofMillis(300));
      org.junit.jupiter.api.Assertions.assertThrows(
          java.net.SocketTimeoutException.class, s::reply);
      assertThat(server.activeSessions()).isEqualTo(1);
    }
    Await.until("no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
  }

  @Test
  void data_hangLimitPasses_serverCloses() throws IOException {
    handler.onData = m -> DataResult.hang(Duration.ofMillis(100));
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      s.sendRaw("x\r\n.\r\n");
      assertThat(s.readToEnd()).isEmpty();
    }
  }

  @Test
  void handler_throwing_answers451AndSessionContinues() throws IOException {
    handler.onData =
        m -> {
          throw new IllegalStateException("boom");
        };
    try (SmtpConversation s = inTransaction()) {
      s.send("DATA").expect("354");
      String r = s.sendRaw("x\r\n.\r\n").expect("451 4.3.0");
      assertThat(r).doesNotContain("boom").doesNotContain("Exception");
      s.send("NOOP").expect("250");
    }
  }

  @Test
  void envelope_mailParameters_reachHandler() throws IOException, InterruptedException {
    try (SmtpConversation s = greeted()) {
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@b.example> BODY=8BITMIME").expect("250");
      s.send("RCPT TO:<postmaster@b.example>").expect("250");
      s.send("DATA").expect("354");
      s.sendRaw(".\r\n").expect("250");
    }
    SmtpEnvelope e = handler.next().envelope();
    assertThat(e.mailParameters()).isEqualTo(Map.of("BODY", "8BITMIME"));
    assertThat(e.recipients()).isEqualTo(List.of("postmaster@b.example"));
  }
}
