package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's SMTP door as configured: the per-client limit and its exceptions, and the stress
 * timeout, over real sockets.
 */
class RelayDoorsIT {
  @TempDir Path dir;
  private Relay relay;
  private final List<Client> clients = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (Client c : clients) {
      c.close();
    }
    if (relay != null) {
      relay.close();
    }
  }

  private void start(String... settings) {
    List<String> all = new ArrayList<>(List.of("hold=true", "stop-grace=1s"));
    all.addAll(List.of(settings));
    relay =
        Relay.start(
            RelayConfig.onFreePorts(dir.resolve("spool"), all.toArray(String[]::new)),
            Map.of(),
            dir);
  }

  /** A raw SMTP or HTTP client that counts the octets it sends. */
  private final class Client implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    long sent;

    Client(String from, int port) throws IOException {
      socket = new Socket();
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream());
      clients.add(this);
    }

    Client send(String text) throws IOException {
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      socket.getOutputStream().write(b);
      socket.getOutputStream().flush();
      sent += b.length;
      return this;
    }

    /** The last line of the next whole SMTP reply, or null at end of stream. */
    String reply() throws IOException {
      while (true) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
          b.write(c);
        }
        if (c == -1) {
          return null;
        }
        String line = b.toString(StandardCharsets.US_ASCII).strip();
        if (line.length() < 4 || line.charAt(3) != '-') {
          return line;
        }
      }
    }

    String expect(String prefix) throws IOException {
      String r = reply();
      assertThat(r).as("reply").isNotNull().startsWith(prefix);
      return r;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private Client smtp(String from) throws IOException {
    return new Client(from, relay.smtpPort());
  }

  @Test
  void connect_oneLocalAppOverThePerClientLimit_anotherLocalAppStillGetsIn() throws Exception {
    start("smtp.max-connections-per-client=2");
    for (int i = 0; i < 4; i++) {
      smtp("127.0.0.1").expect("220"); // a leaking pool on 127.0.0.1
    }
    Client other = smtp("127.0.0.1"); // another application on the same host
    other.expect("220");
    other.send("EHLO other.example\r\n").expect("250");
    other.send("MAIL FROM:<app@example.com>\r\n").expect("250");
  }

  @Test
  void connect_noExceptions_loopbackClientIsCapped() throws Exception {
    start("smtp.max-connections-per-client=2", "smtp.client-limit-exceptions=");
    smtp("127.0.0.1").expect("220");
    smtp("127.0.0.1").expect("220");
    Client third = smtp("127.0.0.1");
    third.expect("421 4.7.0");
    assertThat(third.reply()).isNull();
  }

  @Test
  void connect_exceptionsNotCoveringTheClient_clientIsCapped() throws Exception {
    start("smtp.max-connections-per-client=1", "smtp.client-limit-exceptions=127.0.0.1/32");
    smtp("127.0.0.1").expect("220");
    smtp("127.0.0.1").expect("220");
    smtp("127.0.0.2").expect("220");
    smtp("127.0.0.2").expect("421 4.7.0");
  }

  @Test
  void idle_underStress_closedWithTheShortTimeout() throws Exception {
    start(
        "smtp.max-connections=4", "smtp.stress-threshold=50%", "smtp.stress-command-timeout=300ms");
    Client a = smtp("127.0.0.1");
    a.expect("220");
    a.send("EHLO a.example\r\n").expect("250");
    Client b = smtp("127.0.0.1");
    b.expect("220");
    // Reads wait 30 s and the command timeout is 5 minutes: only the stress timeout ends these.
    a.expect("421 4.4.2");
    assertThat(a.reply()).isNull();
    b.expect("421 4.4.2");
    assertThat(b.reply()).isNull();
  }
}
