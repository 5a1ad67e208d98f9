package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stopping server answers every session before closing it: {@code 421 4.3.2} to those waiting for
 * a command, and the message's own answer, then the 421, to those reading or storing one.
 */
class SmtpServerStopIT {
  private static final Duration GRACE = Duration.ofSeconds(30);

  private final RecordingHandler handler = new RecordingHandler();
  private SmtpServer server;

  private void start() throws IOException {
    server =
        new SmtpServer(
            SmtpServer.loopback(0),
            TestTls.get().server,
            SmtpDialect.standard(),
            SmtpLimits.defaults(),
            handler);
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  /** Starts a stop in the background and returns once the listener refuses connections. */
  private Thread stopInBackground(Duration grace) throws InterruptedException {
    int port = server.port();
    Thread stopper = Thread.ofVirtual().start(() -> server.stop(grace));
    Await.until("the port refusing connections", Duration.ofSeconds(10), () -> refused(port));
    return stopper;
  }

  private static boolean refused(int port) {
    try {
      SmtpConversation.connect(port).close();
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void joinWithin(Thread t, Duration d) throws InterruptedException {
    assertThat(t.join(d)).as("finished within " + d).isTrue();
  }

  private SmtpConversation session() throws IOException {
    SmtpConversation s = SmtpConversation.connect(server.port()).timeout(Duration.ofSeconds(20));
    s.expect("220");
    s.send("EHLO c.example").expect("250");
    return s;
  }

  private static void transaction(SmtpConversation s, String id) throws IOException {
    s.send("MAIL FROM:<a@b.example>").expect("250");
    s.send("RCPT TO:<" + id + "@d.example>").expect("250");
  }

  @Test
  void stop_sessionsInEveryState_eachAnsweredBeforeItsConnectionCloses() throws Exception {
    start();
    CountDownLatch storing = new CountDownLatch(5);
    CountDownLatch release = new CountDownLatch(1);
    handler.holdMessages(storing, release);
    List<SmtpConversation> idle = new ArrayList<>();
    List<SmtpConversation> inTransaction = new ArrayList<>();
    List<SmtpConversation> sending = new ArrayList<>();
    List<SmtpConversation> stored = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        idle.add(session());
        SmtpConversation t = session();
        transaction(t, "t" + i);
        inTransaction.add(t);
        SmtpConversation d = session();
        transaction(d, "d" + i);
        d.send("DATA").expect("354");
        d.sendRaw("Subject: half\r\n\r\nthe first half\r\n");
        sending.add(d);
        SmtpConversation w = session();
        transaction(w, "w" + i);
        w.send("DATA").expect("354");
        w.sendRaw("Subject: whole\r\n\r\nall of it\r\n.\r\n");
        stored.add(w);
      }
      assertThat(storing.await(10, TimeUnit.SECONDS)).as("five messages being stored").isTrue();

      Thread stopper = stopInBackground(GRACE);
      for (SmtpConversation s : idle) {
        s.expect("421 4.3.2");
        assertThat(s.line()).isNull();
      }
      for (SmtpConversation s : inTransaction) {
        s.expect("421 4.3.2");
        assertThat(s.line()).isNull();
      }
      for (SmtpConversation s : sending) {
        s.sendRaw("and the second half\r\n.\r\n");
      }
      release.countDown();
      for (SmtpConversation s : stored) {
        s.expect("250 2.0.0 Ok: queued");
        s.expect("421 4.3.2");
        assertThat(s.line()).isNull();
      }
      for (SmtpConversation s : sending) {
        s.expect("250 2.0.0 Ok: queued");
        s.expect("421 4.3.2");
        assertThat(s.line()).isNull();
      }
      joinWithin(stopper, Duration.ofSeconds(20));
      assertThat(server.activeSessions()).isZero();
      assertThat(handler.received).hasSize(10);
    } finally {
      release.countDown();
      for (List<SmtpConversation> group : List.of(idle, inTransaction, sending, stored)) {
        for (SmtpConversation s : group) {
          s.close();
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
  void stop_idleSessionUnderTls_answers421OverTls(String protocol) throws Exception {
    start();
    try (SmtpConversation s =
        SmtpConversation.connect(server.port()).timeout(Duration.ofSeconds(20))) {
      s.expect("220");
      s.send("EHLO c.example").expect("250");
      s.send("STARTTLS").expect("220");
      s.startTls(TestTls.get().client, protocol);
      s.send("EHLO c.example").expect("250");
      Thread stopper = stopInBackground(GRACE);
      s.expect("421 4.3.2");
      assertThat(s.line()).isNull();
      joinWithin(stopper, Duration.ofSeconds(20));
    }
  }

  @Test
  void stop_clientSendsAfterThe421_sessionStillEndsAndIsNotReset() throws Exception {
    start();
    try (SmtpConversation s = session()) {
      Thread stopper = stopInBackground(GRACE);
      // The 421 goes out after the listener closes: send only once it is there, unread, as a
      // client does whose command crosses the server's 421 (sent earlier, the command is simply
      // answered).
      Await.until("the server's 421 to arrive", Duration.ofSeconds(10), s::inputWaiting);
      s.send("MAIL FROM:<a@b.example>");
      s.expect("421 4.3.2");
      assertThat(s.line()).isNull();
      joinWithin(stopper, Duration.ofSeconds(20));
    }
    assertThat(server.activeSessions()).isZero();
  }

  @Test
  void stop_hangingSession_isClosedWithoutWaitingForTheGrace() throws Exception {
    start();
    handler.onData = m -> DataResult.hang(Duration.ofMinutes(10));
    try (SmtpConversation s = session()) {
      transaction(s, "h");
      s.send("DATA").expect("354");
      s.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n");
      handler.next();
      Thread stopper = Thread.ofVirtual().start(() -> server.stop(Duration.ofMinutes(10)));
      joinWithin(stopper, Duration.ofSeconds(20));
      assertThat(s.line()).isNull();
    }
  }

  @Test
  void stop_handlerBusyPastTheGrace_isInterruptedAndTheStopEnds() throws Exception {
    start();
    CountDownLatch interrupted = new CountDownLatch(1);
    handler.onData =
        m -> {
          try {
            Thread.sleep(Duration.ofMinutes(10));
          } catch (InterruptedException e) {
            interrupted.countDown();
            Thread.currentThread().interrupt();
          }
          return DataResult.respond(Reply.of(250, "late"));
        };
    try (SmtpConversation s = session()) {
      transaction(s, "b");
      s.send("DATA").expect("354");
      s.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n");
      handler.next();
      Thread stopper = Thread.ofVirtual().start(() -> server.stop(Duration.ofMillis(100)));
      joinWithin(stopper, Duration.ofSeconds(20));
      assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(server.activeSessions()).isZero();
    }
  }
}
