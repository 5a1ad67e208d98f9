package dev.sluice.simulator.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;

/**
 * A real HTTP endpoint on a free loopback port that records every POST it gets (headers and body)
 * and answers with a scripted status per attempt, or holds the request until released (a hung
 * endpoint). Handlers run on virtual threads, so held requests do not block the others.
 */
final class SnsReceiver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request as the endpoint saw it. */
  record Received(Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String type() {
      return header("x-amz-sns-message-type");
    }
  }

  private final HttpServer server;
  private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
  private final List<Received> all = new CopyOnWriteArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final IntUnaryOperator status;
  private final boolean hang;

  private SnsReceiver(IntUnaryOperator status, boolean hang) throws IOException {
    this.status = status;
    this.hang = hang;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        ex -> {
          Map<String, String> headers =
              ex.getRequestHeaders().entrySet().stream()
                  .collect(
                      Collectors.toMap(
                          e -> e.getKey().toLowerCase(Locale.ROOT),
                          e -> String.join(",", e.getValue()),
                          (a, b) -> a));
          headers.put(":method", ex.getRequestMethod());
          headers.put(":path", ex.getRequestURI().toString());
          Received r =
              new Received(
                  headers, new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          int attempt = attempts.incrementAndGet();
          all.add(r);
          queue.add(r);
          if (hang) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          ex.sendResponseHeaders(status.applyAsInt(attempt), -1);
          ex.close();
        });
    server.start();
  }

  /** An endpoint that answers 200 to everything. */
  static SnsReceiver ok() throws IOException {
    return new SnsReceiver(attempt -> 200, false);
  }

  /** An endpoint whose n-th request (from 1) gets {@code status.applyAsInt(n)}. */
  static SnsReceiver answering(IntUnaryOperator status) throws IOException {
    return new SnsReceiver(status, false);
  }

  /** An endpoint that holds every request until {@link #close()}. */
  static SnsReceiver hung() throws IOException {
    return new SnsReceiver(attempt -> 200, true);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/sns");
  }

  /** The next request, waiting at most {@code timeout}; fails when none comes. */
  Received take(Duration timeout) throws InterruptedException {
    Received r = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no SNS request arrived within " + timeout);
    }
    return r;
  }

  /** Every request so far. */
  List<Received> all() {
    return List.copyOf(all);
  }

  int attempts() {
    return attempts.get();
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }
}
