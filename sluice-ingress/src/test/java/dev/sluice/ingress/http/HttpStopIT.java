package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.testkit.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopping HTTP door answers every request it has read whole before it closes the connection, and
 * closes idle connections at once.
 */
class HttpStopIT {
  private static final String MESSAGE = "From: a@example.com\r\nSubject: stop\r\n\r\nhello\r\n";
  private static final String SUBMIT =
      "POST /v1/messages?from=a%40example.com&to=b%40example.org HTTP/1.1\r\nHost: x\r\n"
          + "Content-Type: message/rfc822\r\nContent-Length: "
          + MESSAGE.length()
          + "\r\n\r\n"
          + MESSAGE;

  @TempDir Path dir;
  private IngressFixture f;

  @BeforeEach
  void start() throws Exception {
    f = IngressFixture.start(dir);
  }

  @AfterEach
  void stop() {
    if (f.holdAnswers != null) {
      f.holdAnswers.countDown();
    }
    f.close();
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), f.ingress.port());
    s.setSoTimeout(20_000);
    return s;
  }

  private static void write(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    s.getOutputStream().flush();
  }

  private static String readToEnd(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Starts a stop in the background; returns once the listener refuses connections. */
  private Thread stopInBackground() throws Exception {
    int port = f.ingress.port();
    Thread stopper = Thread.ofVirtual().start(() -> f.ingress.stop(Duration.ofSeconds(30)));
    Await.until(
        "the listener to refuse connections",
        Duration.ofSeconds(10),
        () -> {
          try {
            new Socket(InetAddress.getLoopbackAddress(), port).close();
            return false;
          } catch (ConnectException e) {
            return true;
          } catch (SocketException e) {
            // a probe caught in the backlog as the listener closes is reset: it is closed as well
            return true;
          }
        });
    return stopper;
  }

  @Test
  void stop_requestsReadWhole_eachAnsweredThenTheConnectionCloses() throws Exception {
    f.stored = new CountDownLatch(1);
    f.holdAnswers = new CountDownLatch(1);
    try (Socket pipelined = connect();
        Socket idle = connect()) {
      write(idle, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(new String(idle.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
      write(pipelined, SUBMIT + SUBMIT); // the second waits behind the first, whose answer is held
      assertThat(f.stored.await(10, TimeUnit.SECONDS)).as("the first message stored").isTrue();

      Thread stopper = stopInBackground();
      f.stored = new CountDownLatch(1);
      f.holdAnswers.countDown();
      String answers = readToEnd(pipelined);
      assertThat(IngressFixture.statuses(answers)).containsExactly("202", "202");
      assertThat(answers).containsIgnoringCase("connection: close");
      String rest = readToEnd(idle);
      assertThat(rest).doesNotContain("HTTP/1.1 "); // the idle one is closed, nothing more said
      assertThat(stopper.join(Duration.ofSeconds(20))).as("the stop ended").isTrue();
    }
    assertThat(f.accepted).hasSize(2);
  }

  @Test
  void stop_requestHeldPastTheGrace_stopStillEnds() throws Exception {
    f.stored = new CountDownLatch(1);
    f.holdAnswers = new CountDownLatch(1);
    try (Socket s = connect()) {
      write(s, SUBMIT);
      assertThat(f.stored.await(10, TimeUnit.SECONDS)).isTrue();
      Thread stopper = Thread.ofVirtual().start(() -> f.ingress.stop(Duration.ofMillis(100)));
      assertThat(stopper.join(Duration.ofSeconds(20))).as("the stop ended").isTrue();
    }
  }
}
