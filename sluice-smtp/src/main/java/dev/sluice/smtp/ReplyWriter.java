package dev.sluice.smtp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * The session's buffered output: replies are queued and go out when the session is about to wait
 * for input, so a pipelined batch of commands gets one batch of replies (RFC 2920).
 *
 * <p>Used by one thread at a time: the session thread, or the thread that ends a session waiting
 * for a command (see {@link SmtpSession}), which takes over only when nothing is queued.
 */
final class ReplyWriter {
  private final boolean enhanced;
  private final Consumer<Reply> sent;
  private OutputStream out;

  /**
   * @param sent told of each reply as it is queued
   */
  ReplyWriter(OutputStream raw, boolean enhanced, Consumer<Reply> sent) {
    this.out = new BufferedOutputStream(raw, 8 * 1024);
    this.enhanced = enhanced;
    this.sent = sent;
  }

  /** Switches to another stream (after the TLS handshake); call after {@link #flush()}. */
  void setOutput(OutputStream raw) {
    this.out = new BufferedOutputStream(raw, 8 * 1024);
  }

  /** Queues a reply, with its enhanced code when ENHANCEDSTATUSCODES is offered. */
  void send(Reply reply) throws IOException {
    out.write(reply.toBytes(enhanced));
    sent.accept(reply);
  }

  /** Queues a reply without enhanced code (the greeting and EHLO, RFC 2034 §3). */
  void sendPlain(Reply reply) throws IOException {
    out.write(reply.toBytes(false));
    sent.accept(reply);
  }

  /** Sends what is queued. */
  void flush() throws IOException {
    out.flush();
  }
}
