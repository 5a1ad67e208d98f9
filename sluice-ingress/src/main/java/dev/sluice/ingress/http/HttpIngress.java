package dev.sluice.ingress.http;

import dev.sluice.core.Clock;
import dev.sluice.core.spool.Spool;
import dev.sluice.core.suppress.Suppressions;
import dev.sluice.ingress.AcceptListener;
import dev.sluice.ingress.AccessPolicy;
import dev.sluice.ingress.Admission;
import dev.sluice.ingress.SesHeaderRules;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's HTTP front door: {@code POST /v1/messages} takes one message, raw ({@code
 * message/rfc822}, envelope in the query string) or as JSON fields the relay writes as MIME; {@code
 * POST /v1/messages/batch} takes many in one call, stored all or none; {@code GET /health} answers
 * 200. The same access rules, limits and back-pressure as the SMTP door, and the same promise:
 * {@code 202} with the queue id only once the spool has made the message durable. Errors are JSON
 * with a stable code ({@link ErrorCode}); {@code docs/http-submit.md} is the reference.
 *
 * <h2>Design note</h2>
 *
 * <p>Netty, as the simulator's API uses, with one thread that only accepts and one event loop per
 * core (epoll where available). The loops only move bytes: each request, its body gathered up to
 * {@link HttpIngressSettings#maxRequestSize()}, is handed to a virtual thread, which checks the
 * password (a slow key derivation on first use), reads and builds the message and calls the spool;
 * the answer is written back on the loop when the spool's future completes. Nothing blocks a loop,
 * and no thread waits on a sync: the spool's group commit completes many futures at once. Rejected:
 * handling requests on the loops (one password check would stall every connection on that loop) and
 * a thread per connection (the blocking SMTP shape; HTTP keep-alive connections sit idle most of
 * the time).
 *
 * <p>A request is held whole in memory, so memory is bounded by the request size times the number
 * of connections ({@link HttpIngressSettings#maxConnections()}), as it is for SMTP.
 *
 * <p><b>Stop</b> ({@link #stop(Duration)}) closes the listener, then tells every connection: one
 * with no request in hand is closed (an idle keep-alive connection, which HTTP clients expect to
 * lose); one with requests in hand reads nothing more, answers each request it has read whole
 * ({@code 202} once stored, {@code 503} if the spool failed), the last with {@code Connection:
 * close}, and closes. Only a connection still waiting for the spool when the grace has passed is
 * closed without its answer; a message the spool stored anyway is delivered, and the client, having
 * no answer, may send it again.
 *
 * <p>Thread-safe.
 */
public final class HttpIngress implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpIngress.class);

  private final HttpIngressSettings settings;
  private final SubmitApi api;
  private final SSLContext tls;
  private final HttpObserver observer;
  private final AtomicInteger open = new AtomicInteger();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile boolean stopping;
  private EventLoopGroup acceptor;
  private EventLoopGroup loops;
  private ExecutorService workers;
  private Channel listener;

  /**
   * @param tls the server context for HTTPS, or {@code null} for plain HTTP
   */
  public HttpIngress(
      HttpIngressSettings settings,
      Spool spool,
      AccessPolicy access,
      Admission admission,
      Clock clock,
      SSLContext tls) {
    this(settings, spool, access, admission, clock, tls, AcceptListener.NONE, HttpObserver.NONE);
  }

  /**
   * @param tls the server context for HTTPS, or {@code null} for plain HTTP
   * @param listener told of each message made durable
   * @param observer told of every response and of the octets read, for metrics
   */
  public HttpIngress(
      HttpIngressSettings settings,
      Spool spool,
      AccessPolicy access,
      Admission admission,
      Clock clock,
      SSLContext tls,
      AcceptListener listener,
      HttpObserver observer) {
    this(
        settings,
        spool,
        access,
        admission,
        clock,
        tls,
        listener,
        observer,
        SesHeaderRules.DEFAULT,
        Suppressions.none());
  }

  /**
   * @param tls the server context for HTTPS, or {@code null} for plain HTTP
   * @param listener told of each message made durable
   * @param observer told of every response and of the octets read, for metrics
   * @param sesHeaders what is refused in SES's control headers, as at the SMTP door
   * @param suppressions the recipients dropped from messages (a message with no other recipient is
   *     refused)
   */
  public HttpIngress(
      HttpIngressSettings settings,
      Spool spool,
      AccessPolicy access,
      Admission admission,
      Clock clock,
      SSLContext tls,
      AcceptListener listener,
      HttpObserver observer,
      SesHeaderRules sesHeaders,
      Suppressions suppressions) {
    this.observer = Objects.requireNonNull(observer, "observer");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.api =
        new SubmitApi(
            settings,
            Objects.requireNonNull(spool, "spool"),
            Objects.requireNonNull(access, "access"),
            Objects.requireNonNull(admission, "admission"),
            Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(listener, "listener"),
            Objects.requireNonNull(sesHeaders, "sesHeaders"),
            Objects.requireNonNull(suppressions, "suppressions"));
    this.tls = tls;
  }

  /**
   * Starts listening.
   *
   * @throws IOException when the address cannot be bound
   * @throws IllegalStateException when already started
   */
  public synchronized void start() throws IOException {
    if (listener != null) {
      throw new IllegalStateException("already started");
    }
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    Class<? extends ServerChannel> channelType;
    if (Epoll.isAvailable()) {
      acceptor = new MultiThreadIoEventLoopGroup(1, threads("accept"), EpollIoHandler.newFactory());
      loops = new MultiThreadIoEventLoopGroup(threads, threads("io"), EpollIoHandler.newFactory());
      channelType = EpollServerSocketChannel.class;
    } else {
      acceptor = new MultiThreadIoEventLoopGroup(1, threads("accept"), NioIoHandler.newFactory());
      loops = new MultiThreadIoEventLoopGroup(threads, threads("io"), NioIoHandler.newFactory());
      channelType = NioServerSocketChannel.class;
    }
    workers =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-submit-", 0).factory());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(acceptor, loops)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    configure(ch);
                  }
                });
    try {
      listener = b.bind(settings.bind()).sync().channel();
    } catch (Exception e) {
      shutDown();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("cannot listen for HTTP on " + settings.bind() + ": " + e, e);
    }
    log.info(
        "HTTP submit API listening on {}{}", listener.localAddress(), tls == null ? "" : " (TLS)");
  }

  private void configure(SocketChannel ch) {
    if (open.incrementAndGet() > settings.maxConnections()) {
      open.decrementAndGet();
      log.warn("HTTP connection from {} refused: too many connections", ch.remoteAddress());
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    // Added before stopping is read, as stop sets it before telling the group: a connection
    // accepted as the server stops is either told by stop or closed here (or both).
    channels.add(ch);
    if (stopping) {
      ch.close();
      return;
    }
    if (tls != null) {
      SSLEngine engine = tls.createSSLEngine();
      engine.setUseClientMode(false);
      ch.pipeline().addLast(new SslHandler(engine));
    }
    ch.pipeline().addLast(new OctetCounter(observer));
    ch.pipeline()
        .addLast(
            new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    // Initial line: room for the envelope of a raw submission in the query string.
    int initialLine = (int) Math.min(1 << 20, Math.max(8192, 64 + settings.maxRecipients() * 768L));
    ch.pipeline().addLast(new HttpServerCodec(initialLine, 16384, 65536));
    ch.pipeline().addLast(new BoundedAggregator((int) settings.maxRequestSize().bytes(), observer));
    ch.pipeline().addLast(new SubmitHandler(api, workers, tls != null, () -> stopping, observer));
  }

  /** The port listened on, once started. */
  public synchronized int port() {
    if (listener == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Stops as {@link #stop(Duration)} does, with a grace of two seconds. */
  public void stop() {
    stop(Duration.ofSeconds(2));
  }

  /**
   * Stops listening, answers every request read whole (see the design note), and closes every
   * connection; returns once they are closed, or when the grace has passed. Idempotent.
   *
   * @param grace how long requests in hand may take to be answered
   */
  public synchronized void stop(Duration grace) {
    if (listener != null) {
      stopping = true;
      listener.close().syncUninterruptibly();
      listener = null;
      for (Channel ch : channels) {
        ch.pipeline().fireUserEventTriggered(SubmitHandler.STOP); // runs on the channel's loop
      }
      if (!channels.newCloseFuture().awaitUninterruptibly(grace.toMillis())) {
        log.info(
            "{} HTTP connections still waiting for an answer after the stop grace of {} ms; closing"
                + " them",
            channels.size(),
            grace.toMillis());
      }
    }
    shutDown();
  }

  private void shutDown() {
    if (acceptor != null) {
      acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      acceptor = null;
      loops = null;
    }
    if (workers != null) {
      workers.close();
      workers = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Counts the octets read from a client, after TLS. */
  private static final class OctetCounter extends ChannelInboundHandlerAdapter {
    private final HttpObserver observer;

    OctetCounter(HttpObserver observer) {
      this.observer = observer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf b) {
        observer.received(b.readableBytes());
      }
      ctx.fireChannelRead(msg);
    }
  }

  private static DefaultThreadFactory threads(String role) {
    return new DefaultThreadFactory("http-ingress-" + role, true);
  }
}
