package dev.sluice.app.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's doors as configured: the per-client limit and its exceptions, the stress timeout, and
 * the doors' meters on {@code /metrics}, over real sockets.
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

  @Test
  void metrics_afterAcceptedAndRefusedTraffic_countTheDoors() throws Exception {
    start("smtp.max-connections-per-client=1", "smtp.client-limit-exceptions=");
    String message = "From: app@example.com\r\nSubject: metered\r\n\r\nhello\r\n";

    Client s = smtp("127.0.0.1");
    s.expect("220");
    s.send("EHLO meter.example\r\n").expect("250");
    s.send("RCPT TO:<to@example.net>\r\n").expect("503 5.5.1"); // no MAIL yet
    s.send("FROB\r\n").expect("500 5.5.1");
    s.send("FROB again\r\n").expect("500 5.5.1");
    for (int i = 0; i < 2; i++) {
      s.send("MAIL FROM:<app@example.com>\r\n").expect("250");
      s.send("RCPT TO:<to@example.net>\r\n").expect("250");
      s.send("DATA\r\n").expect("354");
      s.send(message + ".\r\n").expect("250");
    }
    Client refused = smtp("127.0.0.1"); // over the per-client limit while s is open
    refused.expect("421 4.7.0");
    s.send("QUIT\r\n").expect("221");
    assertThat(s.reply()).isNull();
    long smtpOctets = s.sent;

    int httpPort = relay.httpPort();
    Client h = new Client("127.0.0.1", httpPort);
    String submit =
        "POST /v1/messages?from=app%40example.com&to=to%40example.net HTTP/1.1\r\nHost: x\r\n"
            + "Content-Type: message/rfc822\r\nContent-Length: "
            + message.length()
            + "\r\n\r\n"
            + message;
    h.send(submit)
        .send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        .send("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n")
        .send("Content-Length: 2\r\nConnection: close\r\n\r\nhi");
    String answers = new String(h.in.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(
            Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(answers).results().map(m -> m.group(1)))
        .containsExactly("202", "404", "415");
    long httpOctets = h.sent;

    await(() -> value(metrics(), "sluice_smtp_sessions_open", "") == 0, "sessions to close");
    String text = metrics();
    assertThat(value(text, "sluice_smtp_sessions_total", "")).isEqualTo(1);
    assertThat(value(text, "sluice_smtp_messages_accepted_total", "")).isEqualTo(2);
    assertThat(value(text, "sluice_smtp_commands_accepted_total", "verb=\"EHLO\"")).isEqualTo(1);
    assertThat(value(text, "sluice_smtp_commands_accepted_total", "verb=\"MAIL\"")).isEqualTo(2);
    assertThat(value(text, "sluice_smtp_commands_accepted_total", "verb=\"RCPT\"")).isEqualTo(2);
    assertThat(value(text, "sluice_smtp_commands_accepted_total", "verb=\"DATA\"")).isEqualTo(2);
    assertThat(value(text, "sluice_smtp_commands_accepted_total", "verb=\"QUIT\"")).isEqualTo(1);
    assertThat(value(text, "sluice_smtp_refusals_total", "code=\"500\",status=\"5.5.1\""))
        .isEqualTo(2);
    assertThat(value(text, "sluice_smtp_refusals_total", "code=\"503\",status=\"5.5.1\""))
        .isEqualTo(1);
    assertThat(value(text, "sluice_smtp_refusals_total", "code=\"421\",status=\"4.7.0\""))
        .isEqualTo(1);
    assertThat(value(text, "sluice_smtp_received_bytes_total", "")).isEqualTo(smtpOctets);
    assertThat(value(text, "sluice_http_requests_total", "status=\"202\"")).isEqualTo(1);
    assertThat(value(text, "sluice_http_requests_total", "status=\"404\"")).isEqualTo(1);
    assertThat(value(text, "sluice_http_requests_total", "status=\"415\"")).isEqualTo(1);
    assertThat(value(text, "sluice_http_received_bytes_total", "")).isEqualTo(httpOctets);
  }

  private String metrics() throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client
          .send(
              HttpRequest.newBuilder(relay.adminUri().resolve("/metrics")).build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  /**
   * The value of one series in the Prometheus text, by name and its labels as written ({@code
   * a="x",b="y"}, in name order; empty for none); fails when the series is absent.
   */
  private static double value(String text, String name, String labels) {
    String series = labels.isEmpty() ? name : name + "{" + labels + ",?}";
    Matcher m =
        Pattern.compile(
                "^"
                    + Pattern.quote(name)
                    + (labels.isEmpty() ? "" : "\\{" + Pattern.quote(labels) + ",?\\}")
                    + " (\\S+)$",
                Pattern.MULTILINE)
            .matcher(text);
    assertThat(m.find()).as("series %s in /metrics", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static void await(BooleanSupplierWithException done, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  @FunctionalInterface
  private interface BooleanSupplierWithException {
    boolean get() throws Exception;
  }
}
