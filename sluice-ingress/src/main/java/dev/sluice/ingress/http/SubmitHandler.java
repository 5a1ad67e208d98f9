package dev.sluice.ingress.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests: each is copied off the event loop to a worker, and its answer written
 * back on the loop when the worker's future completes, so the loop never waits for a password check
 * or a durable write.
 *
 * <p>Requests on one connection are answered strictly in order (HTTP/1.1 pipelining): while one is
 * being handled, later ones wait in a small queue and reading pauses once it fills, which also
 * bounds memory per connection. A connection with no request in hand is closed when it has been
 * idle too long.
 *
 * <p>When the server stops ({@link #STOP}), a connection with no request in hand is closed; one
 * with requests in hand stops reading, answers every request it has read whole (the last answer
 * says {@code Connection: close}), and then closes.
 *
 * <p>Confined to the channel's event loop, but for the hand-off to and from the worker.
 */
final class SubmitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SubmitHandler.class);
  private static final int MAX_QUEUED = 4;

  /** The user event that tells a connection the server is stopping. */
  static final Object STOP = new Object();

  /**
   * A request whose body went over the limit: the aggregator passes this on in the request's place,
   * so its 413 is written in turn.
   *
   * @param keepAlive whether the connection may serve another request afterwards
   * @param limit the body limit in octets
   */
  record Oversized(boolean keepAlive, long limit) {}

  private final SubmitApi api;
  private final Executor workers;
  private final boolean tls;
  private final BooleanSupplier stopping;
  private final HttpObserver observer;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private boolean busy;

  /**
   * @param stopping whether the server is stopping: answers then close their connection once no
   *     request is left in hand
   * @param observer told of every response written
   */
  SubmitHandler(
      SubmitApi api,
      Executor workers,
      boolean tls,
      BooleanSupplier stopping,
      HttpObserver observer) {
    this.api = api;
    this.workers = workers;
    this.tls = tls;
    this.stopping = stopping;
    this.observer = observer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest) && !(msg instanceof Oversized)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      queue.add(msg);
      if (queue.size() >= MAX_QUEUED) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    process(ctx, msg);
  }

  private void process(ChannelHandlerContext ctx, Object msg) {
    busy = true;
    if (msg instanceof Oversized o) {
      write(ctx, ApiResponse.error(TooLargeAnswer.tooLarge(o.limit())), o.keepAlive());
      return;
    }
    FullHttpRequest req = (FullHttpRequest) msg;
    boolean keepAlive;
    SubmitRequest r;
    try {
      keepAlive = HttpUtil.isKeepAlive(req);
      if (!req.decoderResult().isSuccess()) {
        Refusal bad = new Refusal(ErrorCode.BAD_REQUEST, "The request is not valid HTTP/1.1");
        write(ctx, ApiResponse.error(bad), false);
        return;
      }
      r =
          new SubmitRequest(
              req.method().name(),
              req.uri(),
              req.headers().get(HttpHeaderNames.CONTENT_TYPE),
              req.headers().get(HttpHeaderNames.AUTHORIZATION),
              ByteBufUtil.getBytes(req.content()),
              ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress(),
              tls);
    } finally {
      req.release();
    }
    CompletableFuture<ApiResponse> answer;
    try {
      answer =
          CompletableFuture.supplyAsync(() -> api.handle(r), workers)
              .thenCompose(Function.identity());
    } catch (RejectedExecutionException e) {
      ctx.close(); // stopping
      return;
    }
    answer.whenCompleteAsync(
        (response, failure) -> {
          if (failure != null) {
            log.error("HTTP request failed", failure);
            response = ApiResponse.error(new Refusal(ErrorCode.INTERNAL_ERROR, "Internal error"));
          }
          write(ctx, response, keepAlive);
        },
        ctx.executor());
  }

  private void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      return;
    }
    boolean last = !keepAlive || (stopping.getAsBoolean() && queue.isEmpty());
    observer.answered(r.status());
    FullHttpResponse resp = toHttp(r, !last);
    if (last) {
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(resp);
    busy = false;
    Object next = queue.poll();
    if (next != null) {
      process(ctx, next);
    } else if (!ctx.channel().config().isAutoRead() && !stopping.getAsBoolean()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** The response as Netty writes it. */
  static FullHttpResponse toHttp(ApiResponse r, boolean keepAlive) {
    FullHttpResponse resp =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    r.headers().forEach((k, v) -> resp.headers().set(k, v));
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    HttpUtil.setKeepAlive(resp, keepAlive);
    return resp;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == STOP) {
      if (!busy && queue.isEmpty()) {
        ctx.close();
      } else {
        ctx.channel().config().setAutoRead(false); // answer what is in hand, read nothing more
      }
      return;
    }
    if (evt instanceof IdleStateEvent) {
      if (!busy && queue.isEmpty()) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Object r;
    while ((r = queue.poll()) != null) {
      ReferenceCountUtil.release(r);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and failed TLS handshakes are routine; the connection is simply closed.
    log.debug("HTTP connection from {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
