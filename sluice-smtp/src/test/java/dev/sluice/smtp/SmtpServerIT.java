package dev.sluice.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Await;
import dev.sluice.testkit.SmtpConversation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection-level behaviour: limits, timeouts, stop, and hostile input. */
class SmtpServerIT {
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
      server.stop();
    }
  }

  @Test
  void connect_overTotalLimit_answers421AndCloses() throws IOException, InterruptedException {
    start(SmtpLimits.defaults().withConnections(2, 100));
    try (SmtpConversation a = SmtpConversation.connect(server.port());
        SmtpConversation b = SmtpConversation.connect(server.port())) {
      a.expect("220");
      b.expect("220");
      try (SmtpConversation c = SmtpConversation.connect(server.port())) {
        c.expect("421 4.7.0");
        assertThat(c.line()).isNull();
      }
    }
    Await.until("no SMTP session open", Duration.ofSeconds(5), () -> server.activeSessions() == 0);
    try (SmtpConversation d = SmtpConversation.connect(server.port())) {
      d.expect("220");
    }
  }

  @Test
  void connect_overPerClientLimit_refusesOnlyThatClient() throws IOException {
    start(SmtpLimits.defaults().withConnections(100, 1));
    try (SmtpConversation a = SmtpConversation.connect(server.port())) {
      a.expect("220");
      try (SmtpConversation b = SmtpConversation.connectFrom("127.0.0.1", server.port())) {
        b.expect("421 4.7.0");
      }
      try (SmtpConversation other = SmtpConversation.connectFrom("127.0.0.2", server.port())) {
        other.expect("220");
      }
    }
  }

  @Test
  void idle_pastCommandTimeout_answers421AndCloses() throws IOException {
    start(SmtpLimits.defaults().withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200)));
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.expect("421 4.4.2");
      assertThat(s.line()).isNull();
    }
  }

  @Test
  void idle_duringData_answers421AndHandlerNeverCalled() throws IOException {
    start(SmtpLimits.defaults().withTimeouts(Duration.ofMinutes(1), Duration.ofMillis(200)));
    try (SmtpConversation s = SmtpConversation.connect(server.port())) {
      s.expect("220");
      s.send("EHLO c").expect("250");
      s.send("MAIL FROM:<a@b.example>").expect("250");
      s.send("RCPT TO:<c@d.example>").expect("250");
      s.send("DATA").expect("354");
      s.sendRaw("partial\r\n");
      s.expect("421 4.4.2");
    }
    assertThat(handler.received).isEmpty();
  }

  @Test
  void stop_withOpenSessions_answersThemAndClosesTheListener()
      throws IOException, InterruptedException {
    start(SmtpLimits.defaults());
    int port = server.port();
    try (SmtpConversation s = SmtpConversation.connect(port)) {
      s.expect("220");
      server.stop();
      s.expect("421 4.3.2");
      assertThat(s.line()).isNull();
      assertThat(server.activeSessions()).isZero();
    }
    org.junit.jupiter.api.Assertions.assertThrows(
        IOException.class, () -> SmtpConversation.connect(port));
  }

  @Test
  void garbage_randomInput_serverAnswersWellFormedAndStaysUp()
      throws IOException, InterruptedException {
    start(SmtpLimits.defaults().withMaxMessageSize(10_000));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String[] verbs = {
      "EHLO x",
      "HELO",
      "MAIL FROM:<a@b.example>",
      "MAIL FROM:",
      "RCPT TO:<c@d.example>",
      "RCPT",
      "DATA",
      "BDAT 5",
      "BDAT x LAST",
      "RSET",
      "NOOP",
      "AUTH PLAIN",
      "AUTH LOGIN",
      "*",
      "STARTTLS",
      "VRFY x",
      "HELP",
      ".",
      "QUIT",
      "\u00ff\u00fe",
      "GET / HTTP/1.1"
    };
    try {
      for (int round = 0; round < 40; round++) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        int parts = 1 + random.nextInt(30);
        for (int i = 0; i < parts; i++) {
          if (random.nextInt(3) == 0) {
            byte[] junk = new byte[random.nextInt(random.nextInt(10) == 0 ? 2000 : 60)];
            random.nextBytes(junk);
            input.writeBytes(junk);
          } else {
            input.writeBytes(verbs[random.nextInt(verbs.length)].getBytes(StandardCharsets.UTF_8));
          }
          input.writeBytes(random.nextInt(8) == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
        }
        try (SmtpConversation s = SmtpConversation.connect(server.port())) {
          s.sendBytes(input.toByteArray());
          s.shutdownOutput();
          String answer;
          try {
            answer = s.readToEnd();
          } catch (java.net.SocketException e) {
            continue; // the server closed with unread input pending, which resets; fine
          }
          for (String line : answer.split("\r\n")) {
            if (line.startsWith("220 2.0.0 Ready to start TLS")) {
              break; // what follows is the server's side of a failed TLS handshake
            }
            if (!line.isEmpty()) {
              assertThat(line).as("seed %d round %d", seed, round).matches("[2-5]\\d\\d[ -].*");
              assertThat(line)
                  .as("seed %d", seed)
                  .doesNotContain("Exception")
                  .doesNotContain("\tat ");
            }
          }
        }
      }
      try (SmtpConversation s = SmtpConversation.connect(server.port())) {
        s.expect("220");
        s.send("EHLO c").expect("250");
        s.send("QUIT").expect("221");
      }
    } catch (AssertionError | IOException e) {
      System.err.println("garbage test failed with seed " + seed);
      throw e;
    }
  }
}
