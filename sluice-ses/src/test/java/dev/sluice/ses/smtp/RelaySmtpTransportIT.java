package dev.sluice.ses.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Envelope;
import dev.sluice.core.transport.CallResult;
import dev.sluice.simulator.tls.SelfSignedCertificate;
import dev.sluice.smtp.DataResult;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.SessionInfo;
import dev.sluice.smtp.SmtpDialect;
import dev.sluice.smtp.SmtpEnvelope;
import dev.sluice.smtp.SmtpHandler;
import dev.sluice.smtp.SmtpLimits;
import dev.sluice.smtp.SmtpServer;
import dev.sluice.smtp.client.PoolSettings;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.smtp.client.SmtpClientConfig.StartTls;
import dev.sluice.smtp.client.SmtpCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plain-SMTP flavour against our own SMTP server, as a relay upstream would be. */
class RelaySmtpTransportIT {
  private static final byte[] CONTENT =
      "Subject: relayed\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Takes alice/secret; refuses unknown@ (550) and busy@ (450); answers 451 to "fail" mail. */
  private static final class Handler implements SmtpHandler {
    final BlockingQueue<SmtpEnvelope> received = new LinkedBlockingQueue<>();
    final AtomicLong ids = new AtomicLong();

    @Override
    public boolean authenticate(SessionInfo s, String mechanism, String user, String password) {
      return user.equals("alice") && password.equals("secret");
    }

    @Override
    public Reply rcptTo(SessionInfo session, String forwardPath) {
      if (forwardPath.startsWith("unknown@")) {
        return Reply.of(550, "5.1.1", "No such user");
      }
      return forwardPath.startsWith("busy@")
          ? Reply.of(450, "4.2.1", "Mailbox busy")
          : RECIPIENT_OK;
    }

    @Override
    public DataResult data(SessionInfo session, SmtpEnvelope envelope, byte[] message) {
      if (new String(message, StandardCharsets.US_ASCII).contains("fail")) {
        return DataResult.respond(Reply.of(451, "4.3.0", "Local error in processing"));
      }
      received.add(envelope);
      return DataResult.respond(Reply.of(250, "2.0.0", "Ok queued as Q" + ids.incrementAndGet()));
    }
  }

  private final Handler handler = new Handler();
  private SmtpServer server;
  private SmtpTransport transport;

  @AfterEach
  void stop() {
    if (transport != null) {
      transport.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  private void startServer(SSLContext tls) throws IOException {
    server =
        new SmtpServer(
            SmtpServer.loopback(0), tls, SmtpDialect.standard(), SmtpLimits.defaults(), handler);
    server.start();
  }

  private SmtpClientConfig.Builder config() {
    return SmtpClientConfig.builder("127.0.0.1", server.port())
        .startTls(StartTls.NEVER, null)
        .readTimeout(Duration.ofSeconds(5));
  }

  private SmtpTransport relay(SmtpClientConfig config) {
    transport =
        SmtpTransport.relay(
            config,
            SmtpTransport.DEFAULT_RELAY_MAX_RECIPIENTS,
            SmtpLimits.defaults().maxMessageSize(),
            PoolSettings.defaults());
    return transport;
  }

  private static Envelope to(String... recipients) {
    return new Envelope("app@example.com", List.of(recipients));
  }

  @Test
  void send_plainServer_acceptedWithWholeReplyTextAsId() throws Exception {
    startServer(null);
    SmtpTransport t = relay(config().build());
    assertThat(t.name()).isEqualTo("smtp");
    assertThat(t.maxRecipients()).isEqualTo(100);

    assertThat(t.send(to("b@example.com", "c@example.com"), CONTENT))
        .isEqualTo(new CallResult.Accepted("Ok queued as Q1"));
    assertThat(t.send(to("d@example.com"), CONTENT))
        .isEqualTo(new CallResult.Accepted("Ok queued as Q2"));

    assertThat(handler.received.take().recipients())
        .containsExactly("b@example.com", "c@example.com");
    assertThat(t.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void send_startTlsAndAuth_accepted() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of());
    startServer(cert.serverContext());
    SmtpTransport t =
        relay(
            config()
                .startTls(StartTls.REQUIRED, cert.clientContext())
                .credentials(new SmtpCredentials("alice", "secret"))
                .build());

    assertThat(t.send(to("b@example.com"), CONTENT)).isInstanceOf(CallResult.Accepted.class);
  }

  @Test
  void send_wrongPassword_permanentAccountWide() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate(List.of());
    startServer(cert.serverContext());
    SmtpTransport t =
        relay(
            config()
                .startTls(StartTls.REQUIRED, cert.clientContext())
                .credentials(new SmtpCredentials("alice", "nope"))
                .build());

    assertThat(t.send(to("b@example.com"), CONTENT))
        .isInstanceOfSatisfying(
            CallResult.Permanent.class, p -> assertThat(p.accountWide()).isTrue());
  }

  @Test
  void send_oneRecipientRefused5xx_permanentListingItAndNothingSent() throws Exception {
    startServer(null);
    SmtpTransport t = relay(config().build());

    CallResult a = t.send(to("ok@example.com", "unknown@example.com"), CONTENT);

    assertThat(a)
        .isEqualTo(
            new CallResult.Permanent(
                "rcpt: refused recipients, nothing sent: unknown@example.com"
                    + " (550 5.1.1 No such user)",
                false));
    assertThat(t.send(to("ok@example.com"), CONTENT)).isInstanceOf(CallResult.Accepted.class);
    assertThat(handler.received.take().recipients()).containsExactly("ok@example.com");
    assertThat(handler.received).isEmpty();
  }

  @Test
  void send_recipientRefused4xx_transient() throws Exception {
    startServer(null);
    SmtpTransport t = relay(config().build());

    assertThat(t.send(to("ok@example.com", "busy@example.com"), CONTENT))
        .isInstanceOfSatisfying(
            CallResult.Transient.class, tr -> assertThat(tr.text()).contains("busy@example.com"));
    assertThat(handler.received).isEmpty();
  }

  @Test
  void send_451AfterData_transient() throws Exception {
    startServer(null);
    SmtpTransport t = relay(config().build());

    assertThat(t.send(to("b@example.com"), "fail\r\n".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(new CallResult.Transient("data: 451 4.3.0 Local error in processing"));
  }

  @Test
  void send_nothingListening_transient() throws Exception {
    startServer(null);
    int port = server.port();
    server.stop();
    SmtpTransport t =
        relay(
            SmtpClientConfig.builder("127.0.0.1", port)
                .startTls(StartTls.NEVER, null)
                .connectTimeout(Duration.ofSeconds(2))
                .build());

    assertThat(t.send(to("b@example.com"), CONTENT))
        .isInstanceOfSatisfying(
            CallResult.Transient.class, tr -> assertThat(tr.text()).startsWith("connect: "));
    assertThat(t.connectionsOpened()).isZero();
  }
}
