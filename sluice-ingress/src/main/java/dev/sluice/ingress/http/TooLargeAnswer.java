package dev.sluice.ingress.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Gathers a request and its body up to a bound, answering a larger one with the API's JSON 413
 * instead of Netty's empty one.
 *
 * <p>When the body's length is declared and over the bound, the 413 goes out at once: with {@code
 * Expect: 100-continue} before the client sends the body; otherwise the body is read and dropped
 * and the connection kept. A body that goes over the bound while it streams in ends the connection
 * after the 413.
 *
 * <p>Confined to the channel's event loop.
 */
final class BoundedAggregator extends HttpObjectAggregator {
  private final int max;
  private final HttpObserver observer;

  /**
   * @param observer told of the 413 this aggregator writes itself
   */
  BoundedAggregator(int max, HttpObserver observer) {
    super(max);
    this.max = max;
    this.observer = observer;
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof FullHttpResponse r
        && r.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      r.release();
      observer.answered(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code());
      return SubmitHandler.toHttp(ApiResponse.error(tooLarge(max)), true);
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    // Passed on rather than written here, so that it is answered after any request before it.
    boolean keepAlive = !(oversized instanceof FullHttpMessage) && HttpUtil.isKeepAlive(oversized);
    ctx.fireChannelRead(new SubmitHandler.Oversized(keepAlive, max));
  }

  /** The refusal of a body over {@code max} octets. */
  static Refusal tooLarge(long max) {
    return new Refusal(
        ErrorCode.MESSAGE_TOO_LARGE,
        "The request body is larger than the limit of " + max + " octets");
  }
}
