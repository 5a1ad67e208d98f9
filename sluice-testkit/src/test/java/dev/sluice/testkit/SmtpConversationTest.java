package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a scripted server on a loopback socket: it answers each line it reads from a table. */
class SmtpConversationTest {
  private ServerSocket listener;
  private final List<String> received = new CopyOnWriteArrayList<>();
  private Thread server;

  @BeforeEach
  void listen() throws Exception {
    listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    server = Thread.ofVirtual().start(this::serve);
  }

  @AfterEach
  void stop() throws Exception {
    listener.close();
    server.join(Duration.ofSeconds(10));
  }

  private void serve() {
    try (Socket s = listener.accept()) {
      OutputStream out = s.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      out.write("220 test.example ESMTP\r\n".getBytes(StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        received.add(line);
        String reply =
            switch (line.split(" ")[0]) {
              case "EHLO" -> "250-test.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
              case "SILENT" -> "";
              case "PARTIAL" -> "250 no line end";
              case "QUIT" -> "221 2.0.0 Bye\r\n";
              default -> "500 5.5.2 Unknown command\r\n";
            };
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (line.equals("QUIT") || line.equals("PARTIAL")) {
          return;
        }
      }
    } catch (Exception e) {
      // the test closed the listener or the connection
    }
  }

  @Test
  void sendExpect_multiLineReply_readsTheWholeReplyJoinedByNewlines() throws Exception {
    try (SmtpConversation c = SmtpConversation.connect(listener.getLocalPort())) {
      c.expect("220");

      String ehlo = c.send("EHLO c.example").expect("250");

      assertThat(ehlo).isEqualTo("250-test.example\n250-PIPELINING\n250 8BITMIME");
      c.send("QUIT").expectExactly("221 2.0.0 Bye");
      assertThat(c.line()).isNull();
    }
    assertThat(received).containsExactly("EHLO c.example", "QUIT");
  }

  @Test
  void expect_replyWithAnotherCode_failsWithBothReplies() throws Exception {
    try (SmtpConversation c = SmtpConversation.connect(listener.getLocalPort())) {
      c.expect("220");

      assertThatThrownBy(() -> c.send("BOGUS").expect("250"))
          .isInstanceOf(AssertionError.class)
          .hasMessage("expected a reply starting with '250' but got '500 5.5.2 Unknown command'");
    }
  }

  @Test
  void expectExactly_replyWithOtherText_fails() throws Exception {
    try (SmtpConversation c = SmtpConversation.connect(listener.getLocalPort())) {
      c.expect("220");

      assertThatThrownBy(() -> c.send("QUIT").expectExactly("221 2.0.0 Goodbye"))
          .isInstanceOf(AssertionError.class)
          .hasMessage("expected the reply '221 2.0.0 Goodbye' but got '221 2.0.0 Bye'");
    }
  }

  @Test
  void reply_serverSaysNothing_failsAtTheTimeout() throws Exception {
    try (SmtpConversation c =
        SmtpConversation.connect(listener.getLocalPort()).timeout(Duration.ofMillis(100))) {
      c.expect("220");

      assertThatThrownBy(() -> c.send("SILENT").reply()).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void reply_serverClosesMidLine_failsWithEndOfStream() throws Exception {
    try (SmtpConversation c = SmtpConversation.connect(listener.getLocalPort())) {
      c.expect("220");

      assertThatThrownBy(() -> c.send("PARTIAL").reply()).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void sendRawAndBytes_writeExactlyWhatTheyAreGiven() throws Exception {
    try (SmtpConversation c = SmtpConversation.connectFrom("127.0.0.1", listener.getLocalPort())) {
      c.expect("220");

      c.sendRaw("EH").sendBytes("xxLO a\r\n".getBytes(StandardCharsets.US_ASCII), 2, 6);
      c.expect("250-test.example");
      c.sendRaw("QUIT\r\n").expect("221");
    }
    assertThat(received).containsExactly("EHLO a", "QUIT");
  }

  @Test
  void inputWaiting_trueOnlyWhileAReplyIsUnread() throws Exception {
    try (SmtpConversation c = SmtpConversation.connect(listener.getLocalPort())) {
      Await.until("the greeting to arrive", Duration.ofSeconds(10), c::inputWaiting);
      c.expect("220");
      assertThat(c.inputWaiting()).isFalse();
      c.send("SILENT");
      c.send("NOOP");
      Await.until("the answer to arrive", Duration.ofSeconds(10), c::inputWaiting);
      c.expect("500");
      assertThat(c.inputWaiting()).isFalse();
    }
  }
}
