package dev.sluice.ingress.http;

import dev.sluice.http.OversizedRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Answers a request over the bound with the API's JSON 413 instead of Netty's empty one.
 *
 * <p>When the body's length is declared and over the bound, the 413 goes out at once: with {@code
 * Expect: 100-continue} before the client sends the body; otherwise the body is read and dropped
 * and the connection kept. A body that goes over the bound while it streams in ends the connection
 * after the 413.
 *
 * <p>Stateless apart from the observer; called on a connection's event loop.
 */
final class TooLargeAnswer implements OversizedRequest {
  private final HttpObserver observer;

  /**
   * @param observer told of the 413 written before the body (the others go through the handler)
   */
  TooLargeAnswer(HttpObserver observer) {
    this.observer = observer;
  }

  @Override
  public FullHttpResponse continueRefusal(HttpMessage start, int limit) {
    observer.answered(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
    return SubmitHandler.toHttp(ApiResponse.error(tooLarge(limit)), true);
  }

  @Override
  public void answer(ChannelHandlerContext ctx, HttpMessage oversized, int limit) {
    // Passed on rather than written here, so that it is answered after any request before it.
    boolean keepAlive = !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
    ctx.fireChannelRead(new SubmitHandler.Oversized(keepAlive, limit));
  }

  /** The refusal of a body over {@code max} octets. */
  static Refusal tooLarge(long max) {
    return new Refusal(
        ErrorCode.MESSAGE_TOO_LARGE,
        "The request body is larger than the limit of " + max + " octets");
  }
}
