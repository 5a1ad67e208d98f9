package dev.sluice.smtp;

import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A test handler: takes user {@code alice} with password {@code secret}, records every message. */
final class RecordingHandler implements SmtpHandler {
  /** One received message with what the session knew. */
  record Received(SmtpEnvelope envelope, byte[] message, boolean tls, String user, String helo) {}

  final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  volatile Function<byte[], DataResult> onData =
      m -> DataResult.respond(Reply.of(250, "2.0.0", "Queued"));
  volatile String lastMailParameters;

  @Override
  public boolean authenticate(SessionInfo session, String mechanism, String user, String password) {
    return user.equals("alice") && password.equals("secret");
  }

  @Override
  public Reply mailFrom(SessionInfo session, String reversePath, Map<String, String> parameters) {
    lastMailParameters = parameters.toString();
    return reversePath.startsWith("refused@")
        ? Reply.of(550, "5.7.1", "Sender refused")
        : SENDER_OK;
  }

  @Override
  public Reply rcptTo(SessionInfo session, String forwardPath) {
    return forwardPath.startsWith("unknown@")
        ? Reply.of(550, "5.1.1", "No such user")
        : RECIPIENT_OK;
  }

  @Override
  public DataResult data(SessionInfo session, SmtpEnvelope envelope, byte[] message) {
    received.add(
        new Received(
            envelope,
            message,
            session.tlsActive(),
            session.authenticatedUser().orElse(null),
            session.heloName().orElse(null)));
    return onData.apply(message);
  }

  /**
   * Makes each message count down {@code storing}, then wait for {@code release} (as a slow spool
   * would) before it is answered {@code 250 2.0.0 Ok: queued}.
   */
  void holdMessages(
      java.util.concurrent.CountDownLatch storing, java.util.concurrent.CountDownLatch release) {
    onData =
        m -> {
          storing.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return DataResult.respond(Reply.of(250, "2.0.0", "Ok: queued"));
        };
  }

  /** Waits for the next message. */
  Received next() throws InterruptedException {
    Received r = received.poll(5, TimeUnit.SECONDS);
    if (r == null) {
      throw new AssertionError("no message arrived within 5 s");
    }
    return r;
  }
}
