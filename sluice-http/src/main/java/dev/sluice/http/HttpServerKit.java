package dev.sluice.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
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
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mechanics of a Netty HTTP/1.1 server, owned once for Sluice's four: the simulator's SES API,
 * the relay's submit API, its admin API and its SNS endpoint. Each server keeps only what is its
 * own: its handler, its answers, its front handlers (TLS, counters) and its stop semantics.
 *
 * <h2>Design note</h2>
 *
 * <p><b>Loops.</b> epoll where available, NIO otherwise. Either {@link Builder#loops(int) N loops}
 * that also accept, or with {@link Builder#acceptorThread()} one more thread that only accepts, so
 * a burst of new connections is taken off the listen queue at once instead of waiting behind the
 * loops serving open ones. Threads are daemons named {@code <name>-accept-…} and {@code
 * <name>-io-…}. Several listeners (HTTP and HTTPS) may share the loops: {@link #bind} once each.
 *
 * <p><b>A connection's pipeline</b>, in order: the {@linkplain Builder#maxConnections connection
 * limit} (over it, closed at once and logged); the listener's front handlers (TLS, octet counters;
 * they may close the channel, and then nothing more is added); an {@link IdleStateHandler} when an
 * {@linkplain Builder#idleTimeout idle timeout} is set; the {@link HttpServerCodec}; the aggregator
 * that gathers a request up to {@linkplain Builder#maxRequestSize the bound} and hands a larger one
 * to the server's {@link OversizedRequest}; the listener's handler; last, when an idle timeout is
 * set, a closer for the idle events the handler let pass (a handler that keeps a connection with a
 * request in hand takes the event itself).
 *
 * <p><b>Blocking work</b> goes to {@linkplain #workers() bounded platform workers} when configured
 * ({@code 503} when full, answered by the handler); a server that wants virtual threads keeps its
 * own executor.
 *
 * <p><b>Close</b> is in order: the listeners (no new connections), every connection, the loops with
 * no quiet period and a 2 s cap, then the workers. A server with a graceful stop (answer the
 * requests in hand first) calls {@link #closeListeners()}, tells its connections with {@link
 * #broadcast}, waits with {@link #awaitConnectionsClosed}, then {@link #close()}s.
 *
 * <p>Rejected: a routing framework on top (the four answer in four shapes and share nothing above
 * the aggregator); wrapping TLS here (the simulator uses Netty's context, the submit API the
 * JDK's).
 *
 * <p>Thread-safe: {@link #bind}, {@link #closeListeners} and {@link #close} are serialized; the
 * hooks run on the connection's event loop.
 */
public final class HttpServerKit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpServerKit.class);

  private final Options options;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup loops;
  private final Class<? extends ServerChannel> channelType;
  private final BoundedWorkers workers;
  private final AtomicInteger open = new AtomicInteger();
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new ArrayList<>();
  private boolean closed;

  private HttpServerKit(Builder b) {
    this.options =
        new Options(
            b.backlog,
            b.maxConnections,
            b.idleTimeout,
            b.maxInitialLine,
            b.maxHeaderSize,
            b.maxChunkSize,
            b.maxRequestSize,
            b.oversized);
    IoHandlerFactory io;
    if (Epoll.isAvailable()) {
      io = EpollIoHandler.newFactory();
      channelType = EpollServerSocketChannel.class;
    } else {
      io = NioIoHandler.newFactory();
      channelType = NioServerSocketChannel.class;
    }
    acceptor =
        b.acceptorThread ? new MultiThreadIoEventLoopGroup(1, threads(b.name, "accept"), io) : null;
    loops = new MultiThreadIoEventLoopGroup(b.loops, threads(b.name, "io"), io);
    workers = b.workerThreads > 0 ? new BoundedWorkers(b.name, b.workerThreads, b.waiting) : null;
  }

  /** Options for a server whose threads are named after {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Starts a listener on {@code address}, its connections set up as the design note describes, and
   * returns its port. On failure the kit stays open (other listeners keep listening); close it.
   *
   * @param what the server in words for the error, e.g. {@code the admin API}
   * @param front adds the handlers before the codec (TLS, counters), or closes the connection
   * @param handler the handler of the gathered requests, one per connection
   * @throws IOException naming {@code what} and the address when it cannot be bound
   */
  public synchronized int bind(
      InetSocketAddress address,
      String what,
      Consumer<SocketChannel> front,
      Function<SocketChannel, ChannelHandler> handler)
      throws IOException {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    ServerBootstrap b =
        new ServerBootstrap()
            .group(acceptor == null ? loops : acceptor, loops)
            .channel(channelType)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    configure(ch, what, front, handler);
                  }
                });
    if (options.backlog() > 0) {
      b.option(ChannelOption.SO_BACKLOG, options.backlog());
    }
    Channel listener;
    try {
      listener = b.bind(address).sync().channel();
    } catch (Exception e) { // Netty rethrows the bind's IOException unchecked
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("cannot listen for " + what + " on " + where(address) + ": " + e, e);
    }
    listeners.add(listener);
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  private void configure(
      SocketChannel ch,
      String what,
      Consumer<SocketChannel> front,
      Function<SocketChannel, ChannelHandler> handler) {
    if (open.incrementAndGet() > options.maxConnections()) {
      open.decrementAndGet();
      log.warn("connection to {} from {} refused: too many connections", what, ch.remoteAddress());
      ch.close();
      return;
    }
    ch.closeFuture().addListener(f -> open.decrementAndGet());
    // Added before the front handlers run, so a server stopping (closeListeners, then broadcast)
    // either tells this connection or is seen stopping by its front handler, or both.
    connections.add(ch);
    front.accept(ch);
    if (!ch.isOpen()) {
      return;
    }
    ChannelPipeline p = ch.pipeline();
    if (options.idleTimeout() != null) {
      p.addLast(
          new IdleStateHandler(options.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    }
    p.addLast(
        new HttpServerCodec(
            options.maxInitialLine(), options.maxHeaderSize(), options.maxChunkSize()));
    p.addLast(new KitAggregator(options.maxRequestSize(), options.oversized()));
    p.addLast(handler.apply(ch));
    if (options.idleTimeout() != null) {
      p.addLast(IdleCloser.INSTANCE);
    }
  }

  /** The bounded workers for blocking work. */
  public BoundedWorkers workers() {
    if (workers == null) {
      throw new IllegalStateException("no workers configured");
    }
    return workers;
  }

  /** Fires {@code event} down every open connection's pipeline, on the connection's loop. */
  public void broadcast(Object event) {
    for (Channel ch : connections) {
      ch.pipeline().fireUserEventTriggered(event);
    }
  }

  /**
   * Waits until every connection open now is closed, or {@code timeout} has passed.
   *
   * @return whether they all closed in time
   */
  public boolean awaitConnectionsClosed(Duration timeout) {
    return connections.newCloseFuture().awaitUninterruptibly(timeout.toMillis());
  }

  /** How many connections are open. */
  public int connectionCount() {
    return connections.size();
  }

  /** Stops accepting on every listener; open connections carry on. Idempotent. */
  public synchronized void closeListeners() {
    for (Channel c : listeners) {
      c.close().syncUninterruptibly();
    }
    listeners.clear();
  }

  /** Closes the listeners, then every connection and the loops, then the workers; idempotent. */
  @Override
  public synchronized void close() {
    closeListeners();
    if (closed) {
      return;
    }
    closed = true;
    // Closed here rather than left to the loops' shutdown, so each is closed before close returns.
    connections.close().awaitUninterruptibly();
    if (acceptor != null) {
      acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    if (workers != null) {
      workers.shutdownNow();
    }
  }

  private static String where(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private static DefaultThreadFactory threads(String name, String role) {
    return new DefaultThreadFactory(name + "-" + role, true);
  }

  /** What each connection is set up with, fixed at {@link Builder#build()}. */
  private record Options(
      int backlog,
      int maxConnections,
      Duration idleTimeout,
      int maxInitialLine,
      int maxHeaderSize,
      int maxChunkSize,
      int maxRequestSize,
      OversizedRequest oversized) {}

  /**
   * The options of a server; {@link #maxRequestSize} is required, the rest have defaults. Not
   * thread-safe; the kit keeps a copy, so changing a builder after {@link #build()} changes
   * nothing.
   */
  public static final class Builder {
    private final String name;
    private boolean acceptorThread;
    private int loops = Math.max(1, Runtime.getRuntime().availableProcessors());
    private int backlog;
    private int maxConnections = Integer.MAX_VALUE;
    private Duration idleTimeout;
    private int maxInitialLine = 8192;
    private int maxHeaderSize = 16384;
    private int maxChunkSize = 16384;
    private int maxRequestSize = -1;
    private OversizedRequest oversized;
    private int workerThreads;
    private int waiting;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    /** One more thread that only accepts connections; default none (the loops accept). */
    public Builder acceptorThread() {
      this.acceptorThread = true;
      return this;
    }

    /** How many event loops serve connections; default one per core. */
    public Builder loops(int loops) {
      if (loops < 1) {
        throw new IllegalArgumentException("loops must be at least 1: " + loops);
      }
      this.loops = loops;
      return this;
    }

    /** The listen queue's length ({@code SO_BACKLOG}); default the system's. */
    public Builder backlog(int backlog) {
      this.backlog = backlog;
      return this;
    }

    /** How many connections may be open at once over every listener; default no limit. */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("maxConnections must be at least 1: " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /**
     * How long a connection may read nothing before an idle event, which closes it unless the
     * handler takes the event; default no timeout.
     */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
      return this;
    }

    /** The codec's bounds in octets; default 8192, 16384, 16384. */
    public Builder codec(int maxInitialLine, int maxHeaderSize, int maxChunkSize) {
      this.maxInitialLine = maxInitialLine;
      this.maxHeaderSize = maxHeaderSize;
      this.maxChunkSize = maxChunkSize;
      return this;
    }

    /** The bound of a request's body in octets, and how a larger one is answered. */
    public Builder maxRequestSize(int max, OversizedRequest oversized) {
      if (max < 0) {
        throw new IllegalArgumentException("maxRequestSize must not be negative: " + max);
      }
      this.maxRequestSize = max;
      this.oversized = Objects.requireNonNull(oversized, "oversized");
      return this;
    }

    /** Bounded platform workers for blocking work ({@link BoundedWorkers}); default none. */
    public Builder workers(int threads, int waiting) {
      if (threads < 1 || waiting < 0) {
        throw new IllegalArgumentException(
            "workers need at least one thread and a non-negative queue: "
                + threads
                + ", "
                + waiting);
      }
      this.workerThreads = threads;
      this.waiting = waiting;
      return this;
    }

    /** Makes the loops (and workers); nothing listens until {@link HttpServerKit#bind}. */
    public HttpServerKit build() {
      if (oversized == null) {
        throw new IllegalStateException("maxRequestSize is required");
      }
      return new HttpServerKit(this);
    }
  }
}
