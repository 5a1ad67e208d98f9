package dev.sluice.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The session's buffered output: replies are queued and go out when the session is about to wait
 * for input, so a pipelined batch of commands gets one batch of replies (RFC 2920).
 *
 * <p>Confined to the session thread.
 */
final class ReplyWriter {
  private final boolean enhanced;
  private OutputStream out;

  ReplyWriter(OutputStream raw, boolean enhanced) {
    this.out = new BufferedOutputStream(raw, 8 * 1024);
    this.enhanced = enhanced;
  }

  /** Switches to another stream (after the TLS handshake); call after {@link #flush()}. */
  void setOutput(OutputStream raw) {
    this.out = new BufferedOutputStream(raw, 8 * 1024);
  }

  /** Queues a reply, with its enhanced code when ENHANCEDSTATUSCODES is offered. */
  void send(Reply reply) throws IOException {
    out.write(reply.toBytes(enhanced));
  }

  /** Queues a reply without enhanced code (the greeting and EHLO, RFC 2034 §3). */
  void sendPlain(Reply reply) throws IOException {
    out.write(reply.toBytes(false));
  }

  /** Sends what is queued. */
  void flush() throws IOException {
    out.flush();
  }
}
