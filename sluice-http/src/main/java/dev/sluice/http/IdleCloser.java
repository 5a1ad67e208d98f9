package dev.sluice.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The last handler of a connection with an idle timeout: closes it on an idle event the server's
 * handler let pass. A handler that takes the event itself (to keep a connection with a request in
 * hand) does not forward it.
 *
 * <p>Stateless, so one instance serves every connection.
 */
@ChannelHandler.Sharable
final class IdleCloser extends ChannelInboundHandlerAdapter {
  static final IdleCloser INSTANCE = new IdleCloser();

  private IdleCloser() {}

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
