package dev.sluice.feedback.intake;

import dev.sluice.http.HttpServerKit;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint SNS POSTs SES's events to, on its own listener: each POST is handed to {@link
 * SnsIntake} and answered {@code 200} only once the event was recorded (or was a duplicate, or a
 * confirmed subscription), else with the refusal's 4xx or {@code 503} (SNS retries those).
 *
 * <h2>Design note</h2>
 *
 * <p>Its own listener, not a path on the admin listener: SNS must reach it from outside, while the
 * admin API stays on loopback or behind a bearer token SNS cannot send; and the two are exposed,
 * proxied and limited differently. It listens on loopback unless told otherwise; SNS reaches it
 * through the operator's TLS-terminating proxy (an HTTPS subscription) or directly over HTTP.
 *
 * <p>One event-loop thread does the network work; platform workers (bounded queue, {@code 503} when
 * full) run the intake, whose certificate fetches, confirmations and recorder writes block, and
 * whose recorder may call native code that belongs neither on an event loop nor on a virtual
 * thread. There are 32 of them, not a few: a worker spends most of its time waiting for the store's
 * disk, and the store's group commit syncs once for all the workers waiting, so events per second
 * grow with the workers until the CPU is the limit (4 workers on a busy disk: about 800 a second).
 * Bodies are capped at {@link SnsIntake#MAX_BODY} (larger: {@code 413}, counted), a connection idle
 * for 30 s is closed, and answers are short text, never a stack trace.
 *
 * <p>Thread-safe.
 */
public final class SnsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnsEndpoint.class);
  private static final int WORKERS = 32;
  private static final int WAITING = 256;

  private final SnsIntake intake;
  private final InetSocketAddress bind;
  private HttpServerKit server;
  private Executor workers;
  private int port = -1;

  /** An endpoint; nothing listens until {@link #start()}. */
  public SnsEndpoint(SnsIntake intake, InetSocketAddress bind) {
    this.intake = Objects.requireNonNull(intake, "intake");
    this.bind = Objects.requireNonNull(bind, "bind");
  }

  /**
   * Starts listening.
   *
   * @throws IOException when the address cannot be bound
   */
  public synchronized void start() throws IOException {
    if (port >= 0) {
      throw new IllegalStateException("already started");
    }
    server =
        HttpServerKit.builder("sns")
            .loops(1)
            .idleTimeout(Duration.ofSeconds(30))
            .codec(8192, 16384, 16384)
            .maxRequestSize(SnsIntake.MAX_BODY, this::tooLarge)
            .workers(WORKERS, WAITING)
            .build();
    workers = server.workers();
    try {
      port = server.bind(bind, "SNS", ch -> {}, ch -> new Handler());
    } catch (IOException e) {
      close();
      throw e;
    }
    log.info("SNS endpoint for SES events on {}:{}", bind.getHostString(), port);
  }

  /** The port listened on, once started. */
  public synchronized int port() {
    if (port < 0) {
      throw new IllegalStateException("not started");
    }
    return port;
  }

  /** Stops listening and the workers; idempotent. */
  @Override
  public synchronized void close() {
    port = -1;
    if (server != null) {
      server.close();
      server = null;
    }
  }

  private static void answer(
      ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String text) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    HttpUtil.setContentLength(r, r.content().readableBytes());
    if (keepAlive) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(r);
    } else {
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Answers a request over the cap 413 and counts it. */
  private void tooLarge(ChannelHandlerContext ctx, HttpMessage oversized, int limit) {
    intake.tooLarge();
    // On a kept-alive connection the rest of the body is read and dropped (the aggregator
    // discards it) so the client, still sending, reads the answer; closing at once could reset
    // the connection under it and lose the 413.
    answer(
        ctx,
        HttpUtil.isKeepAlive(oversized),
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
        "too_large");
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      if (req.decoderResult().isFailure()) {
        answer(ctx, false, HttpResponseStatus.BAD_REQUEST, "bad request");
        return;
      }
      if (!req.method().equals(HttpMethod.POST)) {
        answer(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "SNS POSTs");
        return;
      }
      String type = req.headers().get("x-amz-sns-message-type");
      String body = req.content().toString(StandardCharsets.UTF_8);
      try {
        workers.execute(
            () -> {
              IntakeOutcome o;
              try {
                o = intake.accept(type, body);
              } catch (RuntimeException e) {
                log.error("SNS message not taken: unexpected failure", e);
                answer(ctx, false, HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error");
                return;
              }
              answer(
                  ctx,
                  keepAlive,
                  HttpResponseStatus.valueOf(o.httpStatus()),
                  o.kind() == IntakeOutcome.Kind.REFUSED
                      ? o.refusal().tag()
                      : o.kind().name().toLowerCase(java.util.Locale.ROOT));
            });
      } catch (RejectedExecutionException e) {
        answer(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "busy");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug(
          "SNS connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    }
  }
}
