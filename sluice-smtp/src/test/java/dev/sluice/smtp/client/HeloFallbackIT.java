package dev.sluice.smtp.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.smtp.client.SendResult.Accepted;
import dev.sluice.smtp.client.SmtpClientConfig.StartTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An RFC 821 server that knows no EHLO, scripted on a raw loopback socket (our own server always
 * speaks EHLO): the client falls back to HELO and sends without extensions, one command at a time.
 */
class HeloFallbackIT {
  @Test
  void connect_ehloRefused_fallsBackToHeloAndSendsStepwise() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread peer = Thread.ofVirtual().start(() -> serveOne(listener, seen));
      SmtpClientConfig config =
          SmtpClientConfig.builder("127.0.0.1", listener.getLocalPort())
              .startTls(StartTls.IF_OFFERED, null)
              .heloName("client.test")
              .readTimeout(Duration.ofSeconds(5))
              .build();
      try (SmtpClient c = SmtpClient.connect(config)) {
        assertThat(c.extensions()).isEmpty();
        assertThat(c.pipelining()).isFalse();
        SendResult r =
            c.send(
                "a@example.com",
                List.of("b@example.com"),
                "x\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(r).isInstanceOf(Accepted.class);
        assertThat(((Accepted) r).reply().text()).isEqualTo("ok");
        c.quit();
      }
      peer.join(Duration.ofSeconds(5));
    }
    assertThat(seen)
        .containsExactly(
            "EHLO client.test",
            "HELO client.test",
            "MAIL FROM:<a@example.com>",
            "RCPT TO:<b@example.com>",
            "DATA",
            "x",
            ".",
            "QUIT");
  }

  private static void serveOne(ServerSocket listener, List<String> seen) {
    try (Socket s = listener.accept()) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      reply(out, "220 old.example SMTP");
      boolean inData = false;
      for (String line; (line = in.readLine()) != null; ) {
        seen.add(line);
        if (inData) {
          if (line.equals(".")) {
            inData = false;
            reply(out, "250 ok");
          }
          continue;
        }
        switch (line.split(" ")[0]) {
          case "EHLO" -> reply(out, "500 what?");
          case "HELO", "MAIL", "RCPT" -> reply(out, "250 fine");
          case "DATA" -> {
            inData = true;
            reply(out, "354 go");
          }
          case "QUIT" -> {
            reply(out, "221 bye");
            return;
          }
          default -> reply(out, "502 no");
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
