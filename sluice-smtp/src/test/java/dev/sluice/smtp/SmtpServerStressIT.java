package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Many sessions from one address: clients exempt from the per-client limit, and idle sessions
 * reaped with the short timeout while the server is under stress.
 */
class SmtpServerStressIT {
  /** Long enough that a test relying on it would fail by its own read timeout first. */
  private static final Duration LONG = Duration.ofMinutes(5);

  private final RecordingHandler handler = new RecordingHandler();
  private final List<SmtpConversation> open = new ArrayList<>();
  private SmtpServer server;

  private void start(SmtpLimits limits, Predicate<InetAddress> uncapped) throws IOException {
    server =
        new SmtpServer(
            SmtpServer.loopback(0),
            null,
            SmtpDialect.standard(),
            limits,
            handler,
            uncapped,
            SmtpObserver.NONE);
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    for (SmtpConversation s : open) {
      s.close();
    }
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  private SmtpConversation connectFrom(String address) throws IOException {
    SmtpConversation s =
        SmtpConversation.connectFrom(address, server.port()).timeout(Duration.ofSeconds(30));
    open.add(s);
    return s;
  }

  private static boolean is127001(InetAddress a) {
    return a.getHostAddress().equals("127.0.0.1");
  }

  @Test
  void connect_exemptAddressOverThePerClientLimit_everyLocalAppStillGetsIn() throws Exception {
    start(
        SmtpLimits.defaults().withConnections(100, 2).withTimeouts(LONG, LONG),
        SmtpServerStressIT::is127001);
    for (int i = 0; i < 5; i++) {
      connectFrom("127.0.0.1").expect("220"); // one application's leaking pool
    }
    SmtpConversation other = connectFrom("127.0.0.1"); // another application on the same host
    other.expect("220");
    other.send("EHLO other.example").expect("250");
    other.send("MAIL FROM:<a@b.example>").expect("250");
    other.send("RCPT TO:<c@d.example>").expect("250");
    other.send("DATA").expect("354");
    other.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n").expect("250");
  }

  @Test
  void connect_addressNotExemptOverThePerClientLimit_isRefused421() throws Exception {
    start(
        SmtpLimits.defaults().withConnections(100, 2).withTimeouts(LONG, LONG),
        SmtpServerStressIT::is127001);
    connectFrom("127.0.0.2").expect("220");
    connectFrom("127.0.0.2").expect("220");
    SmtpConversation third = connectFrom("127.0.0.2");
    third.expect("421 4.7.0");
    assertThat(third.line()).isNull();
    connectFrom("127.0.0.1").expect("220");
  }

  @Test
  void idle_underStress_closedWithTheShortTimeout() throws Exception {
    start(
        SmtpLimits.defaults()
            .withConnections(4, 100)
            .withTimeouts(LONG, LONG)
            .withStress(0.5, Duration.ofMillis(300)),
        a -> true);
    SmtpConversation a = connectFrom("127.0.0.1");
    a.expect("220");
    a.send("EHLO a.example").expect("250");
    SmtpConversation b = connectFrom("127.0.0.1");
    b.expect("220");
    // Each read waits up to 30 s; only the stress timeout can end these sessions that soon.
    a.expect("421 4.4.2");
    assertThat(a.line()).isNull();
    b.expect("421 4.4.2");
    assertThat(b.line()).isNull();
    Await.until("no SMTP session open", Duration.ofSeconds(10), () -> server.activeSessions() == 0);
  }

  @Test
  void busy_underStress_isNotReapedAndIsAnswered() throws Exception {
    start(
        SmtpLimits.defaults()
            .withConnections(4, 100)
            .withTimeouts(LONG, LONG)
            .withStress(0.5, Duration.ofMillis(300)),
        a -> true);
    CountDownLatch storing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    handler.holdMessages(storing, release);
    SmtpConversation busy = connectFrom("127.0.0.1");
    busy.expect("220");
    busy.send("EHLO busy.example").expect("250");
    busy.send("MAIL FROM:<a@b.example>").expect("250");
    busy.send("RCPT TO:<c@d.example>").expect("250");
    busy.send("DATA").expect("354");
    busy.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n");
    assertThat(storing.await(10, TimeUnit.SECONDS)).isTrue();
    SmtpConversation idle = connectFrom("127.0.0.1");
    idle.expect("220");
    idle.expect("421 4.4.2"); // reaped while the busy session is storing
    assertThat(idle.line()).isNull();
    release.countDown();
    busy.expect("250 2.0.0 Ok: queued");
  }
}
