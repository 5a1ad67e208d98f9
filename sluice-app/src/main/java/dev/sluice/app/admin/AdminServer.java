package dev.sluice.app.admin;

import dev.sluice.core.Clock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's door into a running relay, on its own port: the JSON admin API ({@code /api/…}),
 * the status page ({@code /}), Prometheus {@code /metrics} and {@code /health}; {@link AdminApi}
 * lists the endpoints and {@code docs/admin-api.md} describes them.
 *
 * <h2>Safe by default</h2>
 *
 * <p>It listens on loopback unless told otherwise, and refuses to start on any other address
 * (including the wildcard) without a bearer token, which every API and metrics request must then
 * carry. The token is compared in constant time and never logged.
 *
 * <h2>Design note</h2>
 *
 * <p>Netty, as the submit API and the simulator use, but small: one event-loop thread does all the
 * network work, and two platform worker threads answer requests, because the endpoints call the
 * spool and RocksDB's native calls belong neither on an event loop nor on virtual threads (they pin
 * the carrier). Requests waiting for a worker are bounded (32); beyond that the answer is {@code
 * 503 busy}. Connections are bounded too, and requests are capped at 64 KB (none needs a body).
 *
 * <p>Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final int MAX_REQUEST = 64 * 1024;
  private static final int WORKERS = 2;
  private static final int WAITING = 32;

  private final AdminSettings settings;
  private final AdminApi api;
  private final AtomicInteger open = new AtomicInteger();
  private EventLoopGroup loops;
  private ThreadPoolExecutor workers;
  private Channel listener;

  /**
   * A server for one relay; nothing listens until {@link #start()}.
   *
   * @param view what the relay shows
   * @param registry the registry {@code /metrics} scrapes
   */
  public AdminServer(
      AdminSettings settings, RelayView view, PrometheusMeterRegistry registry, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.api =
        new AdminApi(
            Objects.requireNonNull(view, "view"),
            Objects.requireNonNull(registry, "registry"),
            new BearerToken(settings.token()),
            Objects.requireNonNull(clock, "clock"));
  }

  /**
   * Starts listening.
   *
   * @throws IllegalStateException when the address is not loopback and no token is set, or when
   *     already started
   * @throws IOException when the address cannot be resolved or bound
   */
  public synchronized void start() throws IOException {
    if (listener != null) {
      throw new IllegalStateException("already started");
    }
    if (!settings.enabled()) {
      throw new IllegalStateException(
          "the admin server is off (" + AdminSettings.PORT.name() + ")");
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(settings.bindAddress());
    } catch (UnknownHostException e) {
      throw new IOException(
          "cannot resolve "
              + AdminSettings.BIND.name()
              + " '"
              + settings.bindAddress()
              + "': "
              + e.getMessage(),
          e);
    }
    if (!address.isLoopbackAddress() && !settings.tokenRequired()) {
      throw new IllegalStateException(
          AdminSettings.BIND.name()
              + " is "
              + settings.bindAddress()
              + ", which is not loopback: the admin API can change the spool, so set "
              + AdminSettings.TOKEN.name()
              + " (environment "
              + AdminSettings.TOKEN.environmentVariable()
              + ") or bind it to 127.0.0.1");
    }
    Class<? extends ServerChannel> channelType;
    DefaultThreadFactory loopThreads = new DefaultThreadFactory("admin-io", true);
    if (Epoll.isAvailable()) {
      loops = new MultiThreadIoEventLoopGroup(1, loopThreads, EpollIoHandler.newFactory());
      channelType = EpollServerSocketChannel.class;
    } else {
      loops = new MultiThreadIoEventLoopGroup(1, loopThreads, NioIoHandler.newFactory());
      channelType = NioServerSocketChannel.class;
    }
    AtomicInteger n = new AtomicInteger();
    workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(WAITING),
            r ->
                Thread.ofPlatform()
                    .daemon()
                    .name("admin-worker-" + n.incrementAndGet())
                    .unstarted(r));
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loops)
            .channel(channelType)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    configure(ch);
                  }
                });
    try {
      listener = b.bind(new InetSocketAddress(address, settings.port())).sync().channel();
    } catch (Exception e) {
      shutDown();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException(
          "cannot listen for the admin API on "
              + settings.bindAddress()
              + ":"
              + settings.port()
              + ": "
              + e,
          e);
    }
    log.info(
        "admin API and status page on {}{}",
        uri(),
        settings.tokenRequired() ? " (bearer token required)" : "");
  }

  private void configure(SocketChannel ch) {
    if (open.incrementAndGet() > settings.maxConnections()) {
      open.decrementAndGet();
      log.warn("admin connection from {} refused: too many connections", ch.remoteAddress());
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    ch.pipeline()
        .addLast(
            new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    ch.pipeline().addLast(new HttpServerCodec(8192, 16384, 16384));
    ch.pipeline().addLast(new Aggregator());
    ch.pipeline().addLast(new AdminHandler(api, workers));
  }

  /** The port listened on, once started. */
  public synchronized int port() {
    if (listener == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Sends {@code POST /api/reload} to {@code reloader}; until called, it answers 404. */
  public void onReload(ReloadOutcome.Reloader reloader) {
    api.onReload(reloader);
  }

  /**
   * The server's base URL, e.g. {@code http://127.0.0.1:8588/}, once started; the host as
   * configured.
   */
  public synchronized URI uri() {
    String host = settings.bindAddress();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** Stops listening, closes every connection and stops the workers; idempotent. */
  @Override
  public synchronized void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
      listener = null;
    }
    shutDown();
  }

  private void shutDown() {
    if (loops != null) {
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      loops = null;
    }
    if (workers != null) {
      workers.shutdownNow();
      workers = null;
    }
  }

  /**
   * Gathers a request up to 64 KB; a larger one is answered 413 in turn and the connection ends.
   */
  private static final class Aggregator extends HttpObjectAggregator {
    Aggregator() {
      super(MAX_REQUEST);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ctx.fireChannelRead(new AdminHandler.Oversized(MAX_REQUEST));
    }
  }
}
