package dev.sluice.app.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One admin connection: each request is handed to a worker (the endpoints read the spool, which
 * must not run on an event loop) and its answer written back on the loop, strictly in order when a
 * client pipelines. While one request is being handled, later ones wait in a small queue and
 * reading pauses once it fills. A connection idle too long is closed.
 *
 * <p>Confined to the channel's event loop, but for the hand-off to and from the worker.
 */
final class AdminHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  private static final int MAX_QUEUED = 4;

  /** Stands in for a request whose body went over the limit, so it is answered in turn. */
  record Oversized(int limit) {}

  private final AdminApi api;
  private final Executor workers;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private boolean busy;
  // Answered a request over the limit: nothing more is read as requests (see write).
  private boolean lingering;

  AdminHandler(AdminApi api, Executor workers) {
    this.api = api;
    this.workers = workers;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (lingering || (!(msg instanceof FullHttpRequest) && !(msg instanceof Oversized))) {
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
      lingering = true;
      write(
          ctx,
          AdminResponse.error(
              AdminError.REQUEST_TOO_LARGE,
              "Admin requests are at most " + o.limit() + " octets",
              Map.of()),
          false);
      return;
    }
    FullHttpRequest req = (FullHttpRequest) msg;
    boolean keepAlive;
    String method;
    String uri;
    String authorization;
    byte[] body;
    try {
      keepAlive = HttpUtil.isKeepAlive(req);
      if (!req.decoderResult().isSuccess()) {
        write(
            ctx,
            AdminResponse.error(
                AdminError.BAD_REQUEST, "The request is not valid HTTP/1.1", Map.of()),
            false);
        return;
      }
      method = req.method().name();
      uri = req.uri();
      authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
      body = io.netty.buffer.ByteBufUtil.getBytes(req.content());
    } finally {
      req.release();
    }
    CompletableFuture<AdminResponse> answer;
    try {
      answer =
          CompletableFuture.supplyAsync(
              () -> api.handle(method, uri, authorization, body), workers);
    } catch (RejectedExecutionException e) {
      write(
          ctx,
          AdminResponse.error(
                  AdminError.BUSY, "Too many admin requests at once; retry shortly", Map.of())
              .with("Retry-After", "1"),
          keepAlive);
      return;
    }
    answer.whenCompleteAsync(
        (response, failure) -> {
          if (failure != null) {
            log.error("admin request failed", failure);
            response = AdminResponse.error(AdminError.INTERNAL_ERROR, "Internal error", Map.of());
          }
          log.debug("admin {} {} -> {}", method, pathOf(uri), response.status());
          write(ctx, response, keepAlive);
        },
        ctx.executor());
  }

  private static String pathOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  private void write(ChannelHandlerContext ctx, AdminResponse r, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      return;
    }
    FullHttpResponse resp =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    r.headers().forEach((k, v) -> resp.headers().set(k, v));
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    HttpUtil.setKeepAlive(resp, keepAlive);
    if (lingering) {
      // The client may still be sending the body it was refused for; closing now would reset
      // the connection and its TCP stack could drop the answer unread. Send the answer, end the
      // output, and read (and discard) until the client closes, or 2 s at most.
      ctx.writeAndFlush(resp)
          .addListener(
              f -> {
                if (ctx.channel() instanceof SocketChannel sc) {
                  sc.shutdownOutput();
                }
                ctx.executor().schedule(() -> ctx.close(), 2, TimeUnit.SECONDS);
              });
      return;
    }
    if (!keepAlive) {
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(resp);
    busy = false;
    Object next = queue.poll();
    if (next != null) {
      process(ctx, next);
    } else if (!ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
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
    log.debug("admin connection from {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
