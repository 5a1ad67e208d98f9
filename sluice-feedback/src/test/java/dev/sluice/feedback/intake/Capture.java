package dev.sluice.feedback.intake;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain HTTP endpoint on a free loopback port that keeps every body POSTed to it and answers 200:
 * a second subscriber, to get the simulator's signed messages as SNS sent them.
 */
final class Capture implements AutoCloseable {
  private final HttpServer server;
  private final BlockingQueue<String> bodies = new LinkedBlockingQueue<>();

  Capture() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext(
        "/",
        ex -> {
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/capture");
  }

  String take(Duration timeout) throws InterruptedException {
    String b = bodies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (b == null) {
      throw new AssertionError("nothing was POSTed within " + timeout);
    }
    return b;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
