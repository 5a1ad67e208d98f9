package dev.sluice.simulator.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.core.SesSmtpPassword;
import dev.sluice.simulator.FaultInjector;
import dev.sluice.simulator.Injection;
import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SendRequest;
import dev.sluice.simulator.SesError;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.tls.SelfSignedCertificate;
import dev.sluice.testkit.SmtpConversation;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SES SMTP endpoint against raw send/expect scripts: texts as SES gives them (spec §5, TV6).
 */
class SesSmtpEndpointIT {
  static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  /** TV6: AUTH PLAIN argument for the example key in us-east-1. */
  static final String TV6_PLAIN =
      "AEFLSUFJT1NGT0ROTjdFWEFNUExFAEJMQk0vOWhTVUVMZnE4R3crclUxWWNCamtPeEdiaFQyWEc3NjN4VkxHV0w5";

  private static SelfSignedCertificate certificate;
  private final RecordingSendService sendService = new RecordingSendService();
  private final AtomicReference<Injection> injection = new AtomicReference<>(Injection.NONE);
  private SesSmtpEndpoint endpoint;

  @BeforeAll
  static void certificate() {
    certificate = SelfSignedCertificate.generate(List.of());
  }

  private void start(Map<String, String> credentials) throws IOException {
    start(credentials, b -> b);
  }

  private void start(
      Map<String, String> credentials, UnaryOperator<SesSmtpEndpoint.Builder> settings)
      throws IOException {
    FaultInjector faults =
        via -> {
          assertThat(via).isEqualTo(SesInterface.SMTP);
          return injection.get();
        };
    endpoint =
        settings
            .apply(
                SesSmtpEndpoint.builder(sendService)
                    .tls(certificate.serverContext())
                    .credentials(credentials)
                    .faults(faults)
                    .hangLimit(Duration.ofMinutes(1)))
            .build();
    endpoint.start();
  }

  @AfterEach
  void stop() {
    if (endpoint != null) {
      endpoint.stop();
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Greeting, EHLO, STARTTLS, EHLO, AUTH PLAIN with the TV6 credentials. */
  private SmtpConversation authenticated() throws IOException {
    SmtpConversation c = SmtpConversation.connect(endpoint.port());
    c.reply();
    c.send("EHLO client.example").reply();
    c.send("STARTTLS").expectExactly("220 Ready to start TLS");
    c.startTls(certificate.clientContext());
    c.send("EHLO client.example").reply();
    c.send("AUTH PLAIN " + TV6_PLAIN).expectExactly("235 Authentication successful.");
    return c;
  }

  private static String transaction(SmtpConversation c) throws IOException {
    c.send("MAIL FROM:<sender@example.com>").expectExactly("250 Ok");
    c.send("RCPT TO:<success@simulator.amazonses.com>").expectExactly("250 Ok");
    c.send("DATA").expectExactly("354 End data with <CR><LF>.<CR><LF>");
    return c.sendRaw("Subject: Test\r\n\r\nHello\r\n.\r\n").reply();
  }

  @Test
  void session_observedSesTranscript_isReproduced() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    try (SmtpConversation c = SmtpConversation.connect(endpoint.port())) {
      assertThat(c.reply())
          .matches(
              "220 email-smtp\\.amazonaws\\.com ESMTP SimpleEmailService-d-[A-Z0-9]{9} [A-Za-z0-9]{20}");
      c.send("EHLO client.example")
          .expectExactly(
              "250-email-smtp.amazonaws.com\n250-8BITMIME\n250-STARTTLS\n250-AUTH PLAIN LOGIN\n250 Ok");
      c.send("STARTTLS").expectExactly("220 Ready to start TLS");
      c.startTls(certificate.clientContext());
      c.send("EHLO client.example")
          .expectExactly(
              "250-email-smtp.amazonaws.com\n250-8BITMIME\n250-AUTH PLAIN LOGIN\n250 Ok");
      c.send("AUTH LOGIN").expectExactly("334 VXNlcm5hbWU6");
      c.send("QUtJQUlPU0ZPRE5ON0VYQU1QTEU=").expectExactly("334 UGFzc3dvcmQ6");
      c.send(b64(SesSmtpPassword.derive(SECRET, "us-east-1")))
          .expectExactly("235 Authentication successful.");
      c.send("MAIL FROM:<sender@example.com>").expectExactly("250 Ok");
      c.send("RCPT TO:<success@simulator.amazonses.com>").expectExactly("250 Ok");
      c.send("DATA").expectExactly("354 End data with <CR><LF>.<CR><LF>");
      String done =
          c.sendRaw("Subject: Test message\r\nFrom: sender@example.com\r\n\r\nHello\r\n.\r\n")
              .reply();
      assertThat(done).matches("250 Ok 0100018d0cfe3200-[0-9a-f-]+-000000");
      c.send("QUIT").expectExactly("221 Bye");
    }
    SendRequest r = sendService.requests.getFirst();
    assertThat(r.via()).isEqualTo(SesInterface.SMTP);
    assertThat(r.accessKeyId()).isEqualTo(KEY_ID);
    assertThat(r.region()).isEqualTo("us-east-1");
    assertThat(r.from()).isEqualTo("sender@example.com");
    assertThat(r.recipients()).containsExactly("success@simulator.amazonses.com");
    assertThat(r.subject()).isEqualTo("Test message");
    assertThat(r.operation()).isEqualTo("SendRawEmail");
    assertThat(new String(r.content(), StandardCharsets.US_ASCII)).endsWith("\r\n\r\nHello\r\n");
  }

  @Test
  void auth_beforeStartTls_answers530() throws IOException {
    start(Map.of());
    try (SmtpConversation c = SmtpConversation.connect(endpoint.port())) {
      c.reply();
      c.send("EHLO client.example").reply();
      c.send("AUTH PLAIN " + TV6_PLAIN).expectExactly("530 Must issue a STARTTLS command first");
      c.send("MAIL FROM:<sender@example.com>")
          .expectExactly("530 Must issue a STARTTLS command first");
    }
  }

  @Test
  void mail_withoutAuth_answers530AuthenticationRequired() throws IOException {
    start(Map.of());
    try (SmtpConversation c = SmtpConversation.connect(endpoint.port())) {
      c.reply();
      c.send("EHLO client.example").reply();
      c.send("STARTTLS").reply();
      c.startTls(certificate.clientContext());
      c.send("EHLO client.example").reply();
      c.send("MAIL FROM:<sender@example.com>").expectExactly("530 Authentication required");
    }
  }

  @Test
  void auth_strictCredentialsWrongPassword_answers535() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    try (SmtpConversation c = SmtpConversation.connect(endpoint.port())) {
      c.reply();
      c.send("EHLO client.example").reply();
      c.send("STARTTLS").reply();
      c.startTls(certificate.clientContext());
      c.send("EHLO client.example").reply();
      // The eu-west-1 password is wrong for a us-east-1 endpoint: passwords are per region.
      c.send(
              "AUTH PLAIN "
                  + b64("\0" + KEY_ID + "\0" + SesSmtpPassword.derive(SECRET, "eu-west-1")))
          .expectExactly("535 Authentication Credentials Invalid");
      c.send("AUTH PLAIN " + b64("\0AKIAUNKNOWN\0" + SesSmtpPassword.derive(SECRET, "us-east-1")))
          .expectExactly("535 Authentication Credentials Invalid");
      c.send("AUTH PLAIN " + TV6_PLAIN).expectExactly("235 Authentication successful.");
    }
  }

  @Test
  void auth_openMode_takesUserNameAsAccessKeyId() throws IOException {
    start(Map.of());
    try (SmtpConversation c = SmtpConversation.connect(endpoint.port())) {
      c.reply();
      c.send("EHLO client.example").reply();
      c.send("STARTTLS").reply();
      c.startTls(certificate.clientContext());
      c.send("EHLO client.example").reply();
      c.send("AUTH PLAIN " + b64("\0AKIAANYTHING\0whatever"))
          .expectExactly("235 Authentication successful.");
      assertThat(transaction(c)).startsWith("250 Ok ");
    }
    assertThat(sendService.requests.getFirst().accessKeyId()).isEqualTo("AKIAANYTHING");
  }

  @Test
  void rcpt_51Recipients_eachAnswered250AndServiceDecides() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    sendService.next =
        new SendOutcome.Rejected(SesError.RECIPIENT_COUNT, "Recipient count exceeds 50.");
    try (SmtpConversation c = authenticated()) {
      c.send("MAIL FROM:<sender@example.com>").expectExactly("250 Ok");
      for (int i = 0; i < 51; i++) {
        c.send("RCPT TO:<r" + i + "@example.com>").expectExactly("250 Ok");
      }
      c.send("DATA").expectExactly("354 End data with <CR><LF>.<CR><LF>");
      c.sendRaw("x\r\n.\r\n").expectExactly("554 Transaction failed: Recipient count exceeds 50.");
    }
    assertThat(sendService.requests.getFirst().recipients()).hasSize(51);
  }

  @Test
  void address_nonAsciiOrUnbracketed_answers553() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    try (SmtpConversation c = authenticated()) {
      c.send("MAIL FROM:sender@example.com")
          .expectExactly("553 <sender@example.com> Invalid email address");
      c.send("MAIL FROM:<>").expectExactly("553 <> Invalid email address");
      c.send("MAIL FROM:<sender@example.com>").expectExactly("250 Ok");
      c.send("RCPT TO:<j\u00f6rg@example.com>")
          .expectExactly("553 <j?rg@example.com> Invalid email address");
      c.send("RCPT TO:<a@@example.com>")
          .expectExactly("553 <a@@example.com> Invalid email address");
    }
  }

  /** The shared grammar at MAIL and RCPT, answered in SES's words; nothing reaches a send. */
  @Test
  void address_outsideTheSesGrammar_answers553InSesWords() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    try (SmtpConversation c = authenticated()) {
      c.send("MAIL FROM:<c@d>").expectExactly("553 <c@d> Invalid email address");
      c.send("MAIL FROM:<sender@example.com>").expectExactly("250 Ok");
      for (String bad :
          new String[] {
            "\"a b\"@example.com",
            "c@d",
            "x@localhost",
            "@a,@b:c@d.example",
            "x@[192.0.2.1]",
            "a@192.0.2.1",
            "a@b.example.",
            "a@-b.example",
            "l".repeat(65) + "@example.com",
            "Postmaster"
          }) {
        c.send("RCPT TO:<" + bad + ">").expectExactly("553 <" + bad + "> Invalid email address");
      }
      c.send("RCPT TO:<success@simulator.amazonses.com>").expectExactly("250 Ok");
      c.send("DATA").expectExactly("354 End data with <CR><LF>.<CR><LF>");
      c.sendRaw("From: sender@example.com\r\nSubject: ok\r\n\r\nx\r\n.\r\n");
      assertThat(c.reply()).startsWith("250 Ok ");
    }
    assertThat(sendService.requests).hasSize(1);
    assertThat(sendService.requests.getFirst().recipients())
        .containsExactly("success@simulator.amazonses.com");
  }

  static Stream<Arguments> outcomes() {
    return Stream.of(
        Arguments.of(
            SesError.RATE_EXCEEDED,
            "Maximum sending rate exceeded.",
            "454 Throttling failure: Maximum sending rate exceeded."),
        Arguments.of(
            SesError.DAILY_QUOTA_EXCEEDED,
            "Daily message quota exceeded.",
            "454 Throttling failure: Daily message quota exceeded."),
        Arguments.of(
            SesError.RECIPIENT_COUNT,
            "Recipient count exceeds 50.",
            "554 Transaction failed: Recipient count exceeds 50."),
        Arguments.of(
            SesError.MESSAGE_REJECTED,
            "Email address is not verified. The following identities failed the check in region US-EAST-1: a@b.example",
            "554 Message rejected: Email address is not verified. The following identities failed the check in region "
                + "US-EAST-1: a@b.example"),
        Arguments.of(
            SesError.INVALID_PARAMETER,
            "Illegal address",
            "554 Transaction failed: Illegal address"),
        Arguments.of(SesError.MESSAGE_TOO_LONG, "Message too long", "552 Message is too long."),
        Arguments.of(
            SesError.CONFIGURATION_SET_DOES_NOT_EXIST,
            "Configuration set x does not exist.",
            "554 Transaction failed: Configuration set x does not exist."),
        Arguments.of(
            SesError.SENDING_PAUSED,
            "Sending paused for this account.",
            "554 Transaction failed: Sending paused for this account."),
        Arguments.of(
            SesError.CONFIGURATION_SET_SENDING_PAUSED,
            "Sending is paused for the configuration set x.",
            "554 Transaction failed: Sending is paused for the configuration set x."),
        Arguments.of(SesError.INTERNAL_FAILURE, "boom", "451 Temporary service failure"),
        Arguments.of(SesError.SERVICE_UNAVAILABLE, "busy", "454 Temporary service failure"));
  }

  @ParameterizedTest
  @MethodSource("outcomes")
  void data_rejectedOutcome_answersSesText(SesError error, String message, String expected)
      throws IOException {
    start(Map.of(KEY_ID, SECRET));
    sendService.next = new SendOutcome.Rejected(error, message);
    try (SmtpConversation c = authenticated()) {
      assertThat(transaction(c)).isEqualTo(expected);
      c.send("NOOP").expectExactly("250 Ok");
    }
  }

  @Test
  void outcomes_coverEverySesError() {
    assertThat(outcomes().map(a -> a.get()[0]))
        .containsExactlyInAnyOrder((Object[]) SesError.values());
  }

  @Test
  void fault_error500_answers451WithoutSending() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    injection.set(new Injection(Injection.Kind.ERROR_500, Duration.ZERO));
    try (SmtpConversation c = authenticated()) {
      assertThat(transaction(c)).isEqualTo("451 Temporary service failure");
    }
    assertThat(sendService.requests).isEmpty();
  }

  @Test
  void fault_error503_answers454WithoutSending() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    injection.set(new Injection(Injection.Kind.ERROR_503, Duration.ofMillis(20)));
    try (SmtpConversation c = authenticated()) {
      assertThat(transaction(c)).isEqualTo("454 Temporary service failure");
    }
    assertThat(sendService.requests).isEmpty();
  }

  @Test
  void fault_latency_stillAnswers() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    injection.set(new Injection(Injection.Kind.NONE, Duration.ofMillis(30)));
    try (SmtpConversation c = authenticated()) {
      assertThat(transaction(c)).startsWith("250 Ok ");
    }
  }

  @Test
  void fault_reset_clientSeesResetOrEndOfStream() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    injection.set(new Injection(Injection.Kind.RESET, Duration.ZERO));
    try (SmtpConversation c = authenticated()) {
      assertThrows(IOException.class, () -> transaction(c));
    }
    assertThat(sendService.requests).isEmpty();
  }

  @Test
  void fault_hang_clientReadTimesOut() throws IOException {
    start(Map.of(KEY_ID, SECRET));
    injection.set(new Injection(Injection.Kind.HANG, Duration.ZERO));
    try (SmtpConversation c = authenticated()) {
      c.send("MAIL FROM:<sender@example.com>").expectExactly("250 Ok");
      c.send("RCPT TO:<success@simulator.amazonses.com>").expectExactly("250 Ok");
      c.send("DATA").reply();
      c.sendRaw("x\r\n.\r\n").timeout(Duration.ofMillis(300));
      assertThrows(SocketTimeoutException.class, c::reply);
    }
  }

  @Test
  void connect_overConnectionLimit_answers421SesText() throws IOException {
    start(Map.of(), b -> b.maxConnections(1));
    try (SmtpConversation first = SmtpConversation.connect(endpoint.port())) {
      assertThat(first.reply()).startsWith("220 ");
      try (SmtpConversation second = SmtpConversation.connect(endpoint.port())) {
        second.expectExactly("421 Too many concurrent SMTP connections");
        assertThat(second.line()).isNull();
      }
    }
  }

  @Test
  void idle_pastTimeout_answers451AndCloses() throws IOException {
    start(Map.of(), b -> b.idleTimeout(Duration.ofMillis(200)));
    try (SmtpConversation c = SmtpConversation.connect(endpoint.port())) {
      c.reply();
      c.expectExactly("451 4.4.2 Timeout waiting for data from client.");
      assertThat(c.line()).isNull();
    }
  }

  @Test
  void data_overMaxMessageSize_answers552SesText() throws IOException {
    start(Map.of(KEY_ID, SECRET), b -> b.maxMessageSize(100));
    try (SmtpConversation c = authenticated()) {
      c.send("MAIL FROM:<sender@example.com>").expectExactly("250 Ok");
      c.send("RCPT TO:<success@simulator.amazonses.com>").expectExactly("250 Ok");
      c.send("DATA").reply();
      c.sendRaw("x".repeat(200) + "\r\n.\r\n").expectExactly("552 Message is too long.");
    }
    assertThat(sendService.requests).isEmpty();
  }
}
