package dev.sluice.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Netty's aggregator with the server's {@link OversizedRequest} answering what goes over the bound.
 *
 * <p>Confined to the channel's event loop.
 */
final class KitAggregator extends HttpObjectAggregator {
  private final int max;
  private final OversizedRequest oversized;

  KitAggregator(int max, OversizedRequest oversized) {
    super(max);
    this.max = max;
    this.oversized = oversized;
  }

  @Override
  protected Object newContinueResponse(
      HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object response = super.newContinueResponse(start, maxContentLength, pipeline);
    if (response instanceof FullHttpResponse r
        && r.status().code() == HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code()) {
      FullHttpResponse own = oversized.continueRefusal(start, max);
      if (own != null) {
        r.release();
        return own;
      }
    }
    return response;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage message) {
    oversized.answer(ctx, message, max);
  }
}
