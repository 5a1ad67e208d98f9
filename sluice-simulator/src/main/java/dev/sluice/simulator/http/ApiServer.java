package dev.sluice.simulator.http;

import dev.sluice.http.HttpServerKit;
import dev.sluice.simulator.FaultInjector;
import dev.sluice.simulator.FaultSettings;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.sns.SnsService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The HTTP and HTTPS listeners of the SES API, on the {@link HttpServerKit} with one thread that
 * only accepts, so a burst of new connections is taken off the listen queue at once, and one event
 * loop per core. Both listeners share the loops and the handlers' state.
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
  private final StsApi sts;
  private final HttpServerKit server;
  private final Counter connections;
  private final Counter tlsConnections;

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
    this.sts =
        new StsApi(
            core.temporaryCredentials(),
            core.config().account().stsRoles(),
            core.config().account().accountId());
    this.server =
        HttpServerKit.builder("simulator-http")
            .acceptorThread()
            .backlog(4096)
            .codec(8192, 16384, 65536)
            .maxRequestSize(
                core.config().listeners().maxRequestSize().toIntExact(), ApiServer::tooLarge)
            .build();
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
                core.config().account().verifyIdentities(),
                core.clock()),
            new TemplatesApi(core)));
  }

  /**
   * Starts a plain HTTP listener and returns its port.
   *
   * @throws IOException when the address cannot be bound
   */
  public int bindHttp(String address, int port) throws IOException {
    return bind(address, port, null);
  }

  /**
   * Starts an HTTPS listener and returns its port.
   *
   * @throws IOException when the address cannot be bound
   */
  public int bindHttps(String address, int port, SslContext ssl) throws IOException {
    return bind(address, port, ssl);
  }

  private int bind(String address, int port, SslContext ssl) throws IOException {
    return server.bind(
        new InetSocketAddress(address, port),
        ssl == null ? "the SES API (HTTP)" : "the SES API (HTTPS)",
        ch -> {
          if (ssl != null) {
            tlsConnections.increment();
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
          } else {
            connections.increment();
          }
        },
        ch -> new ApiHandler(core, v2, v1, sts, inspection, sns, faults));
  }

  /** Stops listening, closes every connection and releases the event loops. */
  @Override
  public void close() {
    server.close();
  }

  /** Answers an oversized body with a 413 in the v2 error shape instead of a bare status. */
  private static void tooLarge(ChannelHandlerContext ctx, HttpMessage oversized, int max) {
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
