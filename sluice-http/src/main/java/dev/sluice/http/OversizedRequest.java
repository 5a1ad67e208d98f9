package dev.sluice.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;

/**
 * How a server answers a request whose body is over its bound, in its own shape (the simulator's
 * JSON error, the submit API's error code, the admin API's, the SNS endpoint's text and counter).
 *
 * <p>Netty's aggregator has already decided what follows: a body declared over the bound on a
 * kept-alive request is read and dropped, so the connection can carry the answer and the next
 * request; a body that grows over the bound while it streams in ends the connection once answered.
 * The hook only writes (or passes on) the answer.
 *
 * <p>Called on the connection's event loop.
 */
@FunctionalInterface
public interface OversizedRequest {
  /**
   * Answers {@code oversized}, or fires something down the pipeline for the handler to answer in
   * turn (behind any request read before it).
   *
   * @param limit the bound it went over, in octets
   */
  void answer(ChannelHandlerContext ctx, HttpMessage oversized, int limit);

  /**
   * The answer to {@code Expect: 100-continue} on a body declared over the bound, sent before the
   * client sends the body; {@code null} (the default) for Netty's bare {@code 413}.
   *
   * @param limit the bound, in octets
   */
  default FullHttpResponse continueRefusal(HttpMessage start, int limit) {
    return null;
  }
}
