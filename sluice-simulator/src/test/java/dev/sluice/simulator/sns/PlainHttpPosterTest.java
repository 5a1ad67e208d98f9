package dev.sluice.simulator.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The kept-alive HTTP/1.1 client against a raw loopback endpoint whose answers are written byte for
 * byte, so framing (lengths, chunks, interim answers, closes) is exactly what each test says.
 */
class PlainHttpPosterTest {
  private static final List<String> HEADERS =
      List.of(
          "Content-Type", "text/plain; charset=UTF-8", "x-amz-sns-message-type", "Notification");
  private static final byte[] BODY = "{\"Message\":\"héllo\"}".getBytes(StandardCharsets.UTF_8);

  private RawEndpoint endpoint;
  private PlainHttpPoster poster;

  @AfterEach
  void stop() throws IOException {
    if (poster != null) {
      poster.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Test
  void post_twoRequests_sameConnectionCarriesBothWithHeadersAndBody() throws Exception {
    endpoint = new RawEndpoint(n -> "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
    poster = new PlainHttpPoster(Duration.ofSeconds(5));

    assertThat(poster.post(endpoint.uri("/sns?x=1"), HEADERS, BODY)).isEqualTo(200);
    assertThat(poster.post(endpoint.uri("/sns?x=1"), HEADERS, BODY)).isEqualTo(200);

    assertThat(endpoint.connections.get()).isEqualTo(1);
    String first = endpoint.requests.take();
    assertThat(first)
        .startsWith("POST /sns?x=1 HTTP/1.1\r\n")
        .contains("\r\nHost: 127.0.0.1:" + endpoint.port() + "\r\n")
        .contains("\r\nContent-Length: " + BODY.length + "\r\n")
        .contains("\r\nContent-Type: text/plain; charset=UTF-8\r\n")
        .contains("\r\nx-amz-sns-message-type: Notification\r\n")
        .endsWith("\r\n\r\n" + new String(BODY, StandardCharsets.UTF_8));
    assertThat(endpoint.requests.take()).isEqualTo(first);
  }

  @Test
  void post_chunkedAnswerAndInterim100_readsToTheEndAndReusesTheConnection() throws Exception {
    endpoint =
        new RawEndpoint(
            n ->
                "HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3;ext=1\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nX-Trailer: t\r\n\r\n",
            false);
    poster = new PlainHttpPoster(Duration.ofSeconds(5));

    for (int i = 0; i < 3; i++) {
      assertThat(poster.post(endpoint.uri("/"), HEADERS, BODY)).isEqualTo(202);
    }

    assertThat(endpoint.connections.get()).isEqualTo(1);
  }

  @Test
  void post_connectionCloseOrNoLength_newConnectionEachTime() throws Exception {
    endpoint =
        new RawEndpoint(
            n ->
                n % 2 == 0
                    ? "HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
                    : "HTTP/1.1 200 OK\r\n\r\nto the end",
            true);
    poster = new PlainHttpPoster(Duration.ofSeconds(5));

    assertThat(poster.post(endpoint.uri("/"), HEADERS, BODY)).isEqualTo(500);
    assertThat(poster.post(endpoint.uri("/"), HEADERS, BODY)).isEqualTo(200);
    assertThat(poster.post(endpoint.uri("/"), HEADERS, BODY)).isEqualTo(500);

    assertThat(endpoint.connections.get()).isEqualTo(3);
    assertThat(poster.openConnections()).isZero();
  }

  @Test
  void post_idleConnectionClosedByEndpoint_sentAgainOnANewOne() throws Exception {
    // The endpoint answers as if keeping the connection alive, then closes it: the next POST finds
    // it dead before any answer and must go out once more, not fail.
    endpoint = new RawEndpoint(n -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", true);
    poster = new PlainHttpPoster(Duration.ofSeconds(5));

    assertThat(poster.post(endpoint.uri("/"), HEADERS, BODY)).isEqualTo(200);
    endpoint.closedFirst.await();
    assertThat(poster.post(endpoint.uri("/"), HEADERS, BODY)).isEqualTo(200);

    assertThat(endpoint.connections.get()).isEqualTo(2);
  }

  @Test
  void post_endpointNeverAnswers_timesOut() throws Exception {
    endpoint = new RawEndpoint(n -> null, false);
    poster = new PlainHttpPoster(Duration.ofMillis(300));

    assertThatThrownBy(() -> poster.post(endpoint.uri("/"), HEADERS, BODY))
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(poster.openConnections()).isZero();
  }

  @Test
  void post_notHttpOrCutShort_failsWithWhatWentWrong() throws Exception {
    endpoint =
        new RawEndpoint(
            n ->
                n == 0 ? "SSH-2.0-OpenSSH\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
            true);
    poster = new PlainHttpPoster(Duration.ofSeconds(5));

    assertThatThrownBy(() -> poster.post(endpoint.uri("/"), HEADERS, BODY))
        .hasMessageContaining("not an HTTP/1.x answer");
    assertThatThrownBy(() -> poster.post(endpoint.uri("/"), HEADERS, BODY))
        .hasMessageContaining("closed within the answer's body");
  }

  @Test
  void post_lineBreakInAHeader_refusedBeforeAnythingIsSent() throws Exception {
    endpoint = new RawEndpoint(n -> "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false);
    poster = new PlainHttpPoster(Duration.ofSeconds(5));

    assertThatThrownBy(
            () -> poster.post(endpoint.uri("/"), List.of("x-a", "b\r\nInjected: yes"), BODY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(endpoint.connections.get()).isZero();
  }

  @Test
  void close_cutsAConnectionInUse_andRefusesLaterPosts() throws Exception {
    endpoint = new RawEndpoint(n -> null, false);
    poster = new PlainHttpPoster(Duration.ofSeconds(30));
    AtomicInteger failed = new AtomicInteger();
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    poster.post(endpoint.uri("/"), HEADERS, BODY);
                  } catch (IOException e) {
                    failed.incrementAndGet();
                  }
                });
    endpoint.requests.take();

    poster.close();
    t.join(Duration.ofSeconds(10));

    assertThat(t.isAlive()).isFalse();
    assertThat(failed.get()).isEqualTo(1);
    assertThatThrownBy(() -> poster.post(endpoint.uri("/"), HEADERS, BODY))
        .hasMessageContaining("stopped");
  }

  /**
   * A loopback endpoint that reads each request (headers and {@code Content-Length} body), records
   * it, and writes {@code answer.apply(n)} for the n-th request overall (null: never answers); with
   * {@code closeAfter} it closes each connection after its answer.
   */
  private static final class RawEndpoint implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger served = new AtomicInteger();
    final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    final CountDownLatch closedFirst = new CountDownLatch(1);
    private final IntFunction<String> answer;
    private final boolean closeAfter;

    RawEndpoint(IntFunction<String> answer, boolean closeAfter) throws IOException {
      this.answer = answer;
      this.closeAfter = closeAfter;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual().start(this::accept);
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port() + path);
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          connections.incrementAndGet();
          Thread.ofVirtual().start(() -> serve(s));
        } catch (IOException e) {
          return;
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
          String request = read(in);
          if (request == null) {
            return;
          }
          requests.add(request);
          String a = answer.apply(served.getAndIncrement());
          if (a == null) {
            in.read(); // held until the client goes away
            return;
          }
          out.write(a.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          if (closeAfter) {
            return;
          }
        }
      } catch (IOException e) {
        // the client went away
      } finally {
        closedFirst.countDown();
      }
    }

    private static String read(InputStream in) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) >= 0) {
        b.write(c);
        String sofar = b.toString(StandardCharsets.UTF_8);
        if (sofar.endsWith("\r\n\r\n")) {
          int at = sofar.toLowerCase(Locale.ROOT).indexOf("content-length: ");
          int length = Integer.parseInt(sofar.substring(at + 16, sofar.indexOf('\r', at)).trim());
          b.write(in.readNBytes(length));
          return b.toString(StandardCharsets.UTF_8);
        }
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
