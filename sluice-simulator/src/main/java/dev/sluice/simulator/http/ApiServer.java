package dev.sluice.simulator.http;

import dev.sluice.simulator.FaultInjector;
import dev.sluice.simulator.FaultSettings;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.sns.SnsService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP and HTTPS listeners of the SES API, built on Netty with one event loop per core (epoll
 * where available). Both listeners share the loops and the handlers' state.
 *
 * <p>Thread-safe for bind and close.
 */
public final class ApiServer implements AutoCloseable {
  private final SimulatorCore core;
  private final FaultInjector faults;
  private final V2Api v2;
  private final V1Api v1;
  private final InspectionApi inspection;
  private final SnsEndpoints sns;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup group;
  private final Class<? extends ServerChannel> channelType;
  private final int maxRequestSize;
  private final Counter connections;
  private final Counter tlsConnections;
  private final List<Channel> listeners = new ArrayList<>();

  /**
   * Creates the server; nothing listens until a bind method is called.
   *
   * @param settings the settings {@code faults} draws from, changed by {@code PUT /_sluice/faults}
   */
  public ApiServer(
      SimulatorCore core,
      FaultSettings settings,
      FaultInjector faults,
      PrometheusMeterRegistry registry,
      SnsService snsService) {
    this.core = core;
    this.faults = faults;
    this.v2 = v2(core);
    this.v1 = new V1Api(core);
    this.inspection = new InspectionApi(core, settings, registry);
    this.sns = new SnsEndpoints(snsService);
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    // One thread only accepts, so a burst of new connections is taken off the listen queue at
    // once instead of waiting behind the loops that serve open connections.
    if (Epoll.isAvailable()) {
      this.acceptor = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
      this.channelType = EpollServerSocketChannel.class;
    } else {
      this.acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
      this.channelType = NioServerSocketChannel.class;
    }
    this.maxRequestSize = core.config().maxRequestSize().toIntExact();
    this.connections =
        Counter.builder("simulator.http.connections.opened")
            .tag("tls", "false")
            .description("HTTP connections accepted")
            .register(registry);
    this.tlsConnections =
        Counter.builder("simulator.http.connections.opened")
            .tag("tls", "true")
            .description("HTTP connections accepted")
            .register(registry);
  }

  /** The v2 API with every family of operations the simulator answers. */
  static V2Api v2(SimulatorCore core) {
    return new V2Api(
        core,
        List.of(
            new ConfigurationSetsApi(core.configurationSets(), core.clock()),
            new SuppressionApi(core.suppression(), core.clock()),
            new IdentitiesApi(
                core.identities(),
                core.configurationSets(),
                core.config().verifyIdentities(),
                core.clock()),
            new TemplatesApi(core)));
  }

  /** Starts a plain HTTP listener and returns its port. */
  public int bindHttp(String address, int port) throws InterruptedException {
    return bind(address, port, null);
  }

  /** Starts an HTTPS listener and returns its port. */
  public int bindHttps(String address, int port, SslContext ssl) throws InterruptedException {
    return bind(address, port, ssl);
  }

  private synchronized int bind(String address, int port, SslContext ssl)
      throws InterruptedException {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(acceptor, group)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (ssl != null) {
                      tlsConnections.increment();
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                    } else {
                      connections.increment();
                    }
                    ch.pipeline().addLast(new HttpServerCodec(8192, 16384, 65536));
                    ch.pipeline().addLast(new Aggregator(maxRequestSize));
                    ch.pipeline().addLast(new ApiHandler(core, v2, v1, inspection, sns, faults));
                  }
                });
    Channel ch = b.bind(new InetSocketAddress(address, port)).sync().channel();
    listeners.add(ch);
    return ((InetSocketAddress) ch.localAddress()).getPort();
  }

  /** Stops listening, closes every connection and releases the event loops. */
  @Override
  public synchronized void close() {
    for (Channel c : listeners) {
      c.close().syncUninterruptibly();
    }
    listeners.clear();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Answers an oversized body with a 413 in the v2 error shape instead of a bare status. */
  private static final class Aggregator extends HttpObjectAggregator {
    private final int max;

    Aggregator(int max) {
      super(max);
      this.max = max;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      byte[] body =
          ("{\"message\":\"Request body is larger than the limit of " + max + " bytes.\"}")
              .getBytes(StandardCharsets.UTF_8);
      FullHttpResponse resp =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              Unpooled.wrappedBuffer(body));
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      resp.headers().set("x-amzn-ErrorType", "RequestEntityTooLargeException");
      resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      resp.headers().set(HttpHeaderNames.CONNECTION, "close");
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
