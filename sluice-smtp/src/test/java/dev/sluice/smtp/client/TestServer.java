package dev.sluice.smtp.client;

import dev.sluice.smtp.DataResult;
import dev.sluice.smtp.Reply;
import dev.sluice.smtp.SessionInfo;
import dev.sluice.smtp.SmtpDialect;
import dev.sluice.smtp.SmtpEnvelope;
import dev.sluice.smtp.SmtpExtension;
import dev.sluice.smtp.SmtpHandler;
import dev.sluice.smtp.SmtpLimits;
import dev.sluice.smtp.SmtpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Our own {@link SmtpServer} on loopback port 0 as the client's peer, with a handler that records
 * what arrives: user {@code alice} / {@code secret}; senders {@code refused@...} get 550;
 * recipients {@code unknown@...} get 550 5.1.1 and {@code busy@...} 450 4.2.1; every message is
 * answered by {@link #onData}, by default {@code 250 2.0.0 Ok queued as <n>}.
 */
final class TestServer implements SmtpHandler, AutoCloseable {
  record Received(long session, SmtpEnvelope envelope, String message, boolean tls, String user) {}

  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  final Set<Long> sessions = ConcurrentHashMap.newKeySet();
  final AtomicInteger inData = new AtomicInteger();
  final AtomicInteger peakInData = new AtomicInteger();
  final AtomicLong queued = new AtomicLong();
  volatile Function<String, DataResult> onData =
      m -> DataResult.respond(Reply.of(250, "2.0.0", "Ok queued as " + queued.incrementAndGet()));
  volatile Map<String, String> lastMailParameters = Map.of();
  private final SmtpServer server;

  private TestServer(SSLContext tls, SmtpDialect dialect, SmtpLimits limits) throws IOException {
    server = new SmtpServer(SmtpServer.loopback(0), tls, dialect, limits, this);
    server.start();
  }

  /** Every extension, no TLS, AUTH allowed in plain text, default limits. */
  static TestServer start() throws IOException {
    return start(null, dialect(true), SmtpLimits.defaults());
  }

  static TestServer start(SSLContext tls, SmtpDialect dialect, SmtpLimits limits)
      throws IOException {
    return new TestServer(tls, dialect, limits);
  }

  /** The standard dialect with or without PIPELINING, AUTH allowed without TLS. */
  static SmtpDialect dialect(boolean pipelining) {
    Set<SmtpExtension> ext = EnumSet.allOf(SmtpExtension.class);
    if (!pipelining) {
      ext.remove(SmtpExtension.PIPELINING);
    }
    return SmtpDialect.builder().extensions(ext).authRequiresTls(false).build();
  }

  int port() {
    return server.port();
  }

  int activeSessions() {
    return server.activeSessions();
  }

  /** A client configuration for this server: plain text, short timeouts. */
  SmtpClientConfig.Builder config() {
    return SmtpClientConfig.builder("127.0.0.1", port())
        .startTls(SmtpClientConfig.StartTls.NEVER, null)
        .heloName("client.test")
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(5))
        .writeTimeout(Duration.ofSeconds(5));
  }

  Received next() throws InterruptedException {
    Received r = received.poll(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no message arrived within 5 s");
    }
    return r;
  }

  @Override
  public boolean authenticate(SessionInfo session, String mechanism, String user, String password) {
    return user.equals("alice") && password.equals("secret");
  }

  @Override
  public Reply mailFrom(SessionInfo session, String reversePath, Map<String, String> parameters) {
    sessions.add(session.id());
    lastMailParameters = parameters;
    return reversePath.startsWith("refused@")
        ? Reply.of(550, "5.7.1", "Sender refused")
        : SENDER_OK;
  }

  @Override
  public Reply rcptTo(SessionInfo session, String forwardPath) {
    if (forwardPath.startsWith("unknown@")) {
      return Reply.of(550, "5.1.1", "No such user");
    }
    return forwardPath.startsWith("busy@") ? Reply.of(450, "4.2.1", "Mailbox busy") : RECIPIENT_OK;
  }

  @Override
  public DataResult data(SessionInfo session, SmtpEnvelope envelope, byte[] message) {
    int now = inData.incrementAndGet();
    peakInData.accumulateAndGet(now, Math::max);
    try {
      String text = new String(message, StandardCharsets.ISO_8859_1);
      received.add(
          new Received(
              session.id(),
              envelope,
              text,
              session.tlsActive(),
              session.authenticatedUser().orElse(null)));
      return onData.apply(text);
    } finally {
      inData.decrementAndGet();
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
