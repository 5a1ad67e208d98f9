package dev.sluice.simulator.http;

import dev.sluice.simulator.FaultInjector;
import dev.sluice.simulator.Injection;
import dev.sluice.simulator.SesError;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.auth.SigV4Credential;
import dev.sluice.simulator.auth.SigV4Exception;
import dev.sluice.simulator.auth.SigV4Verifier;
import dev.sluice.simulator.auth.TemporaryCredentials;
import dev.sluice.simulator.mailbox.MessageIds;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One connection's HTTP requests: authentication, latency and fault injection, and dispatch to the
 * v2, v1, STS, SNS or inspection API.
 *
 * <p>Design: everything runs on the connection's event loop. Injected latency is a timer on that
 * loop ({@code schedule}), not a sleeping thread, so a thousand connections each waiting 50 ms cost
 * a thousand timer entries and no threads. Requests on one connection are answered strictly in
 * order (HTTP/1.1 pipelining): while one is pending, later ones wait in a small queue and reading
 * pauses, which also bounds memory per connection. A hung request holds its connection until the
 * client closes it or the hang limit passes.
 *
 * <p>Confined to the channel's event loop.
 */
final class ApiHandler extends ChannelInboundHandlerAdapter {
  private static final int MAX_QUEUED = 16;

  private final SimulatorCore core;
  private final V2Api v2;
  private final V1Api v1;
  private final StsApi sts;
  private final InspectionApi inspection;
  private final SnsEndpoints sns;
  private final FaultInjector faults;
  private final Duration hangLimit;
  private final Map<String, String> strictAuth;
  private final String region;
  private final ArrayDeque<FullHttpRequest> queue = new ArrayDeque<>();
  private boolean busy;
  private ScheduledFuture<?> hang;

  ApiHandler(
      SimulatorCore core,
      V2Api v2,
      V1Api v1,
      StsApi sts,
      InspectionApi inspection,
      SnsEndpoints sns,
      FaultInjector faults) {
    this.core = core;
    this.v2 = v2;
    this.v1 = v1;
    this.sts = sts;
    this.inspection = inspection;
    this.sns = sns;
    this.faults = faults;
    this.hangLimit = core.config().chaos().hangLimit();
    this.strictAuth = core.config().account().strictAuth();
    this.region = core.config().account().region();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest req)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (busy) {
      queue.add(req);
      if (queue.size() >= MAX_QUEUED) {
        ctx.channel().config().setAutoRead(false);
      }
      return;
    }
    process(ctx, req);
  }

  private void process(ChannelHandlerContext ctx, FullHttpRequest req) {
    busy = true;
    try {
      dispatch(ctx, req);
    } finally {
      req.release();
    }
  }

  private void dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!req.decoderResult().isSuccess()) {
      write(
          ctx,
          V2Api.error(400, "BadRequestException", "The request could not be parsed as HTTP."),
          false,
          0);
      return;
    }
    String uri = req.uri();
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? null : uri.substring(q + 1);
    String method = req.method().name();
    ApiResponse snsAnswer =
        sns.handle(
            method,
            path,
            query,
            req.headers().get(HttpHeaderNames.AUTHORIZATION),
            () -> ByteBufUtil.getBytes(req.content()));
    if (snsAnswer != null) {
      write(ctx, snsAnswer, keepAlive, 0);
      return;
    }
    if (method.equals("GET") && path.equals("/") && query == null) {
      write(ctx, InboxPage.redirect(), keepAlive, 0); // a person's browser; v1 calls are POSTs
      return;
    }
    if (InspectionApi.owns(path)) {
      QueryForm form;
      try {
        form = QueryForm.parse(query);
      } catch (IllegalArgumentException e) {
        write(ctx, ApiResponse.json(400, "{\"error\":\"malformed query string\"}"), keepAlive, 0);
        return;
      }
      write(ctx, inspection.handle(method, path, form), keepAlive, 0);
      return;
    }
    boolean isV2 = path.startsWith(V2Api.PREFIX);
    if (!isV2 && !path.equals("/")) {
      write(
          ctx,
          V2Api.error(
              404, "UnknownOperationException", "No operation at " + method + " " + path + "."),
          keepAlive,
          0);
      return;
    }
    SesInterface via = isV2 ? SesInterface.V2 : SesInterface.V1;
    String requestId = MessageIds.requestId();
    byte[] body = ByteBufUtil.getBytes(req.content());
    String accessKey;
    String callerRegion;
    boolean isSts;
    try {
      SigV4Credential cred =
          SigV4Credential.parse(req.headers().get(HttpHeaderNames.AUTHORIZATION));
      accessKey = cred.accessKeyId();
      callerRegion = cred.region();
      // STS's Query calls share SES v1's "POST /"; the credential scope's service tells them apart.
      isSts = !isV2 && cred.service().equals("sts");
      Refusal refused = authenticate(cred, req, method, path, query, body);
      if (refused != null) {
        String code = isV2 ? refused.jsonCode : refused.queryCode;
        write(ctx, authError(via, isSts, 403, code, refused.message, requestId), keepAlive, 0);
        return;
      }
    } catch (SigV4Exception e) {
      int status = e.code().equals("IncompleteSignature") ? 400 : 403;
      write(ctx, authError(via, false, status, e.code(), e.getMessage(), requestId), keepAlive, 0);
      return;
    }
    if (isSts) {
      ApiCall call =
          new ApiCall(
              method, path, query, name -> req.headers().get(name), body, accessKey, callerRegion);
      write(ctx, sts.handle(call, requestId).header("x-amzn-RequestId", requestId), keepAlive, 0);
      return;
    }
    Injection inj = faults.next(via);
    long delay = inj.latency().toNanos();
    ApiResponse resp;
    switch (inj.kind()) {
      case RESET -> {
        ctx.executor().schedule(() -> reset(ctx), delay, TimeUnit.NANOSECONDS);
        return;
      }
      case HANG -> {
        hang =
            ctx.executor().schedule(() -> ctx.close(), hangLimit.toNanos(), TimeUnit.NANOSECONDS);
        return;
      }
      case ERROR_500 -> {
        core.countFault(via, SesError.INTERNAL_FAILURE);
        resp =
            isV2
                ? V2Api.error(SesError.INTERNAL_FAILURE, "")
                : V1Api.error(SesError.INTERNAL_FAILURE, "", requestId);
      }
      case ERROR_503 -> {
        core.countFault(via, SesError.SERVICE_UNAVAILABLE);
        resp =
            isV2
                ? V2Api.error(SesError.SERVICE_UNAVAILABLE, "")
                : V1Api.error(SesError.SERVICE_UNAVAILABLE, "", requestId);
      }
      default -> {
        ApiCall call =
            new ApiCall(
                method,
                path,
                query,
                name -> req.headers().get(name),
                body,
                accessKey,
                callerRegion == null ? region : callerRegion);
        resp = isV2 ? v2.handle(call) : v1.handle(call, requestId);
      }
    }
    resp.header("x-amzn-RequestId", requestId);
    write(ctx, resp, keepAlive, delay);
  }

  /**
   * Checks the caller's credentials: an access key STS issued (its session token, its expiry, its
   * secret) whether or not the simulator is strict; in strict mode any other key must be configured
   * and its signature must match; a lenient simulator takes any other key. Returns the refusal, or
   * null to go on.
   */
  private Refusal authenticate(
      SigV4Credential cred,
      FullHttpRequest req,
      String method,
      String path,
      String query,
      byte[] body) {
    TemporaryCredentials issued = core.temporaryCredentials();
    TemporaryCredentials.Session session = issued.find(cred.accessKeyId());
    String secret;
    if (session != null) {
      switch (issued.check(session, req.headers().get("x-amz-security-token"))) {
        case INVALID_TOKEN:
          return Refusal.UNKNOWN_KEY;
        case EXPIRED:
          return Refusal.EXPIRED_TOKEN;
        default:
          secret = session.secretAccessKey();
      }
    } else if (!strictAuth.isEmpty()) {
      secret = strictAuth.get(cred.accessKeyId());
      if (secret == null) {
        return Refusal.UNKNOWN_KEY;
      }
    } else {
      return null;
    }
    String amzDate = req.headers().get("x-amz-date");
    boolean ok =
        amzDate != null
            && SigV4Verifier.verify(
                cred, method, path, query, name -> req.headers().get(name), body, secret, amzDate);
    return ok ? null : Refusal.BAD_SIGNATURE;
  }

  /** Why a caller's credentials are refused, with the codes of the JSON (v2) and Query APIs. */
  private enum Refusal {
    UNKNOWN_KEY(
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "The security token included in the request is invalid."),
    EXPIRED_TOKEN(
        "ExpiredTokenException",
        "ExpiredToken",
        "The security token included in the request is expired"),
    BAD_SIGNATURE(
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided.");

    final String jsonCode;
    final String queryCode;
    final String message;

    Refusal(String jsonCode, String queryCode, String message) {
      this.jsonCode = jsonCode;
      this.queryCode = queryCode;
      this.message = message;
    }
  }

  private static ApiResponse authError(
      SesInterface via, boolean isSts, int status, String code, String message, String requestId) {
    if (isSts) {
      return StsApi.error(status, code, message, requestId).header("x-amzn-RequestId", requestId);
    }
    return via == SesInterface.V2
        ? V2Api.error(status, code, message).header("x-amzn-RequestId", requestId)
        : V1Api.error(status, "Sender", code, message, requestId)
            .header("x-amzn-RequestId", requestId);
  }

  private void write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive, long delayNanos) {
    if (delayNanos > 0) {
      ctx.executor().schedule(() -> writeNow(ctx, r, keepAlive), delayNanos, TimeUnit.NANOSECONDS);
    } else {
      writeNow(ctx, r, keepAlive);
    }
  }

  private void writeNow(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
    if (!ctx.channel().isActive()) {
      return;
    }
    FullHttpResponse resp =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            Unpooled.wrappedBuffer(r.body()));
    if (r.contentType() != null) {
      resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    }
    r.headers().forEach((k, v) -> resp.headers().set(k, v));
    resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    if (keepAlive) {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(resp);
      busy = false;
      FullHttpRequest next = queue.poll();
      if (next != null) {
        process(ctx, next);
      } else if (!ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      }
    } else {
      resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static void reset(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (hang != null) {
      hang.cancel(false);
    }
    FullHttpRequest r;
    while ((r = queue.poll()) != null) {
      r.release();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and TLS failures from clients are routine; the connection is simply closed.
    ctx.close();
  }
}
