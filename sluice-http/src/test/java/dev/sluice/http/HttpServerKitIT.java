package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The kit's mechanics over real loopback sockets, on a server that answers {@code 200 ok}. */
class HttpServerKitIT {
  private static final InetSocketAddress ANY_PORT = new InetSocketAddress("127.0.0.1", 0);
  private static final Consumer<SocketChannel> NO_FRONT = ch -> {};
  private static final Object STOP = new Object();

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger handed = new AtomicInteger();
  private HttpServerKit kit;

  @AfterEach
  void tearDown() {
    release.countDown();
    if (kit != null) {
      kit.close();
    }
  }

  @Test
  void bind_addressTaken_ioExceptionNamesServerAndAddress() throws IOException {
    kit = builder().build();
    int port = kit.bind(ANY_PORT, "the test API", NO_FRONT, ch -> new Answering());
    try (HttpServerKit second = builder().build()) {
      assertThatThrownBy(
              () ->
                  second.bind(
                      new InetSocketAddress("127.0.0.1", port),
                      "the test API",
                      NO_FRONT,
                      ch -> new Answering()))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen for the test API on 127.0.0.1:" + port + ": ");
    }
  }

  @Test
  void aggregator_bodyOverBound_answeredByTheHook() throws IOException {
    AtomicInteger hooked = new AtomicInteger();
    kit =
        HttpServerKit.builder("kit-test")
            .loops(1)
            .maxRequestSize(
                16,
                (ctx, oversized, limit) -> {
                  hooked.incrementAndGet();
                  answer(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "over " + limit, true);
                })
            .build();
    int port = kit.bind(ANY_PORT, "the test API", NO_FRONT, ch -> new Answering());
    try (Socket s = connect(port)) {
      String answer = exchange(s, post("/", "x".repeat(17)));
      assertThat(answer).startsWith("HTTP/1.1 413 ").endsWith("over 16");
    }
    assertThat(hooked).hasValue(1);
    try (Socket s = connect(port)) {
      assertThat(exchange(s, post("/", "x".repeat(16)))).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void workers_everyWorkerBusyAndQueueFull_handlerAnswers503() throws Exception {
    kit = builder().workers(1, 1).build();
    int port = kit.bind(ANY_PORT, "the test API", NO_FRONT, ch -> new Answering());
    try (Socket first = connect(port);
        Socket second = connect(port);
        Socket third = connect(port)) {
      send(first, post("/block", ""));
      send(second, post("/block", ""));
      await(() -> handed.get() == 2, "both requests handed to the workers");
      // The first holds the worker and the second the one place in the queue; the pool says so
      // on the third.
      assertThat(exchange(third, post("/block", ""))).startsWith("HTTP/1.1 503 ").endsWith("busy");
      release.countDown();
      assertThat(readAnswer(first.getInputStream())).startsWith("HTTP/1.1 200 ");
      assertThat(readAnswer(second.getInputStream())).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void bind_overMaxConnections_closedAtOnce() throws IOException {
    kit = builder().maxConnections(1).build();
    int port = kit.bind(ANY_PORT, "the test API", NO_FRONT, ch -> new Answering());
    try (Socket first = connect(port)) {
      assertThat(exchange(first, post("/", ""))).startsWith("HTTP/1.1 200 ");
      try (Socket second = connect(port)) {
        assertThat(readToEnd(second)).isEmpty();
      }
      assertThat(exchange(first, post("/", ""))).startsWith("HTTP/1.1 200 ");
    }
    await(() -> kit.connectionCount() == 0, "no connection open");
    try (Socket again = connect(port)) {
      assertThat(exchange(again, post("/", ""))).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void idleTimeout_handlerLetsTheEventPass_connectionClosed() throws IOException {
    kit = builder().idleTimeout(Duration.ofMillis(200)).build();
    int port = kit.bind(ANY_PORT, "the test API", NO_FRONT, ch -> new Answering());
    try (Socket s = connect(port)) {
      assertThat(exchange(s, post("/", ""))).startsWith("HTTP/1.1 200 ");
      assertThat(readToEnd(s)).isEmpty(); // closed by the server; the read times out otherwise
    }
  }

  @Test
  void closeListeners_thenBroadcast_connectionsToldAndNewOnesRefused() throws IOException {
    kit = builder().build();
    int port = kit.bind(ANY_PORT, "the test API", NO_FRONT, ch -> new Answering());
    try (Socket s = connect(port)) {
      assertThat(exchange(s, post("/", ""))).startsWith("HTTP/1.1 200 ");
      kit.closeListeners();
      assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class);
      assertThat(exchange(s, post("/", ""))).startsWith("HTTP/1.1 200 "); // still served
      kit.broadcast(STOP);
      assertThat(kit.awaitConnectionsClosed(Duration.ofSeconds(10))).isTrue();
      assertThat(readToEnd(s)).isEmpty();
    }
  }

  @Test
  void close_openConnection_closedAndNewOnesRefused() throws IOException {
    kit = builder().build();
    int port = kit.bind(ANY_PORT, "the test API", NO_FRONT, ch -> new Answering());
    try (Socket s = connect(port)) {
      assertThat(exchange(s, post("/", ""))).startsWith("HTTP/1.1 200 ");
      kit.close();
      assertThat(readToEnd(s)).isEmpty();
    }
    assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void bind_frontClosesTheConnection_nothingServed() throws IOException {
    kit = builder().build();
    int port = kit.bind(ANY_PORT, "the test API", ch -> ch.close(), ch -> new Answering());
    try (Socket s = connect(port)) {
      assertThat(readToEnd(s)).isEmpty();
    }
  }

  private static HttpServerKit.Builder builder() {
    return HttpServerKit.builder("kit-test")
        .loops(1)
        .maxRequestSize(
            1024,
            (ctx, oversized, limit) ->
                answer(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too large", true));
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** Answers {@code 200 ok}; {@code /block} on a worker that waits for {@link #release}. */
  private final class Answering extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      if (!req.uri().equals("/block")) {
        answer(ctx, HttpResponseStatus.OK, "ok", false);
        return;
      }
      try {
        kit.workers()
            .execute(
                () -> {
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  answer(ctx, HttpResponseStatus.OK, "ok", false);
                });
        handed.incrementAndGet();
      } catch (RejectedExecutionException e) {
        answer(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "busy", false);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == STOP) {
        ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  private static void answer(
      ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean close) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
    if (close) {
      r.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(r);
    }
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    return s;
  }

  private static String post(String path, String body) {
    return "POST "
        + path
        + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
        + body.length()
        + "\r\n\r\n"
        + body;
  }

  private static void send(Socket s, String request) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }

  private static String exchange(Socket s, String request) throws IOException {
    send(s, request);
    return readAnswer(s.getInputStream());
  }

  /** The status line and the body of one answer with a Content-Length. */
  private static String readAnswer(InputStream in) throws IOException {
    String head = readHead(in);
    int length = 0;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n")) + " " + new String(body, StandardCharsets.UTF_8);
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head.toString(StandardCharsets.US_ASCII));
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  /** What the server sends until it closes; a read timeout fails the test. */
  private static String readToEnd(Socket s) throws IOException {
    return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
  }
}
