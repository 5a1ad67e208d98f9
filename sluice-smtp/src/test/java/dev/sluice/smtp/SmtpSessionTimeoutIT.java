package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session's read limits, enforced by the server's sweeper rather than by timed reads: each wait
 * for input that passes its limit is answered {@code 421 4.4.2} and closed, and nothing else is.
 */
class SmtpSessionTimeoutIT {
  private static final Duration SHORT = Duration.ofMillis(300);
  private static final Duration LONG = Duration.ofMinutes(1);

  private final RecordingHandler handler = new RecordingHandler();
  private SmtpServer server;

  private void start(SmtpLimits limits) throws IOException {
    server =
        new SmtpServer(
            SmtpServer.loopback(0), TestTls.get().server, SmtpDialect.standard(), limits, handler);
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(Duration.ZERO);
    }
  }

  private static void transaction(SmtpConversation s) throws IOException {
    s.send("EHLO c.example").expect("250");
    s.send("MAIL FROM:<a@b.example>").expect("250");
    s.send("RCPT TO:<c@d.example>").expect("250");
  }

  @Test
  void command_idleInsideATransaction_answers421AndCloses() throws IOException {
    start(SmtpLimits.defaults().withTimeouts(SHORT, LONG));
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      transaction(s);
      s.expect("421 4.4.2");
      assertThat(s.line()).isNull();
    }
    assertThat(handler.received).isEmpty();
  }

  @Test
  void bdat_clientStallsMidChunk_answers421AndHandlerNeverCalled() throws IOException {
    start(SmtpLimits.defaults().withTimeouts(LONG, SHORT));
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      transaction(s);
      s.sendRaw("BDAT 100 LAST\r\nonly a part of the chunk");
      s.expect("421 4.4.2");
      assertThat(s.line()).isNull();
    }
    assertThat(handler.received).isEmpty();
  }

  @Test
  void data_timeoutApartFromTheCommandTimeout_appliesOnlyInsideTheMessage() throws IOException {
    // The data timeout is short, the command timeout long: a session that finished its message is
    // back under the command timeout and is not cut off by the data timeout.
    start(SmtpLimits.defaults().withTimeouts(LONG, SHORT));
    try (SmtpConversation s = SmtpConversation.connect(server.port());
        SmtpConversation witness = SmtpConversation.connect(server.port())) {
      s.expect("220");
      witness.expect("220");
      transaction(s);
      s.send("DATA").expect("354");
      s.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n").expect("250");
      transaction(witness);
      witness.send("DATA").expect("354");
      // Once the witness's data wait has expired, the first session has waited between commands
      // longer than the data timeout.
      witness.expect("421 4.4.2");
      s.send("NOOP").expect("250");
      s.send("QUIT").expect("221");
    }
  }

  @Test
  void auth_clientNeverAnswersTheChallenge_answers421OverTls() throws IOException {
    // Long enough for the whole TLS handshake, which is one wait, on a busy machine.
    start(SmtpLimits.defaults().withTimeouts(Duration.ofSeconds(2), LONG));
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c.example").expect("250");
      s.send("STARTTLS").expect("220");
      s.startTls(TestTls.get().client);
      s.send("EHLO c.example").expect("250");
      s.send("AUTH LOGIN").expect("334 ");
      s.expect("421 4.4.2");
      assertThat(s.line()).isNull();
    }
  }

  @Test
  void starttls_clientStallsInTheHandshake_answers421AndCloses() throws IOException {
    start(SmtpLimits.defaults().withTimeouts(SHORT, LONG));
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c.example").expect("250");
      s.send("STARTTLS").expect("220 2.0.0 Ready to start TLS");
      // No ClientHello follows: the server's handshake waits for input under the command timeout,
      // and the answer goes out in plain text, as nothing was agreed.
      s.expect("421 4.4.2");
      assertThat(s.line()).isNull();
    }
    Await.until("no SMTP session open", Duration.ofSeconds(10), () -> server.activeSessions() == 0);
  }

  @Test
  void writing_clientReadsNoReplies_isNotTimedOutWhileTheServerWaitsToWrite() throws Exception {
    AtomicLong received = new AtomicLong();
    server =
        new SmtpServer(
            SmtpServer.loopback(0),
            null,
            SmtpDialect.standard(),
            SmtpLimits.defaults().withTimeouts(SHORT, SHORT),
            handler,
            client -> false,
            new SmtpObserver() {
              @Override
              public void received(long octets) {
                received.addAndGet(octets);
              }
            });
    server.start();
    int commands = 50_000; // ~200 octets of EHLO reply each: far more than the sockets hold
    byte[] ehlo = "EHLO c.example\r\n".getBytes(StandardCharsets.US_ASCII);
    long total = (long) commands * ehlo.length;
    try (Socket raw = new Socket()) {
      raw.setReceiveBufferSize(4096);
      raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
      raw.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(raw.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = raw.getOutputStream();
      AtomicReference<IOException> sendFailed = new AtomicReference<>();
      Thread sender =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < commands; i++) {
                        out.write(ehlo);
                      }
                      out.flush();
                    } catch (IOException e) {
                      sendFailed.set(e);
                    }
                  });
      // Sessions that send nothing time out one after another, each span longer than the read
      // limits, until the first session reads nothing during one: it has input it has not read
      // (the sender is not done, or its octets wait in the socket), so it spent that span waiting
      // to write replies to a client that reads none.
      long seen = received.get();
      for (int span = 1; ; span++) {
        witnessTimesOut();
        long now = received.get();
        if (now == seen) {
          break;
        }
        assertThat(span)
            .as("spans in which the server still read; %d octets read", now)
            .isLessThan(50);
        seen = now;
      }
      assertThat(seen).as("octets read by the server").isLessThan(total);
      assertThat(in.readLine()).startsWith("220");
      int ehloReplies = 0;
      String line;
      while (ehloReplies < commands && (line = in.readLine()) != null) {
        assertThat(line).startsWith("250");
        if (line.startsWith("250 ")) {
          ehloReplies++;
        }
      }
      // A session ended while it waited to write would have stopped answering: its ending thread
      // says 421 and closes, and the commands still unread are never answered.
      assertThat(ehloReplies).isEqualTo(commands);
      sender.join();
      assertThat(sendFailed.get()).isNull();
    }
  }

  /** Opens a session that sends nothing and waits for its command timeout. */
  private void witnessTimesOut() throws IOException {
    try (SmtpConversation witness = SmtpConversation.connect(server.port())) {
      witness.expect("220");
      witness.expect("421 4.4.2");
      assertThat(witness.line()).isNull();
    }
  }

  @Test
  void stop_busySessionWhoseClientNeverCloses_isClosedAfterTheLingerNotTheGrace() throws Exception {
    // The message is answered only once the stop has reached the session, so the session says its
    // 421 itself at the next command boundary and then waits for the client to close.
    server =
        new SmtpServer(
            SmtpServer.loopback(0),
            null,
            SmtpDialect.standard(),
            SmtpLimits.defaults(),
            (session, envelope, message) -> {
              Await.until(
                  "the stop to reach the session",
                  Duration.ofSeconds(10),
                  ((SmtpSession) session)::isDraining);
              return DataResult.respond(Reply.of(250, "2.0.0", "Ok: queued"));
            });
    server.start();
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      transaction(s);
      s.send("DATA").expect("354");
      s.sendRaw("Subject: x\r\n\r\nx\r\n.\r\n");
      Thread stopper = Thread.ofVirtual().start(() -> server.stop(Duration.ofMinutes(10)));
      s.expect("250");
      s.expect("421 4.3.2");
      // The client neither closes nor sends: only the linger ends the session, long before the
      // stop's grace.
      assertThat(stopper.join(Duration.ofSeconds(20))).as("the stop finished").isTrue();
      assertThat(server.activeSessions()).isZero();
    }
  }
}
