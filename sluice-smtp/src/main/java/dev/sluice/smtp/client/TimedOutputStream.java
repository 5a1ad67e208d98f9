package dev.sluice.smtp.client;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A socket's output stream with a write timeout, which Java's blocking sockets lack: each write is
 * watched by one shared timer thread, which closes the socket if the write has not returned in time
 * (the server stopped reading and the send buffer is full). The blocked write then fails and is
 * reported as a {@link SocketTimeoutException}.
 *
 * <p>Rejected: NIO channels with a selector (the whole client would turn into callbacks), and a
 * timer per connection (a thread each). Arming costs one queue insertion per write call; the stream
 * above is buffered, so that is one per 64 KB or per command batch.
 *
 * <p>Confined to the connection's thread.
 */
final class TimedOutputStream extends FilterOutputStream {
  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private final Socket socket;
  private final long timeoutNanos;

  TimedOutputStream(Socket socket, OutputStream out, Duration timeout) {
    super(out);
    this.socket = socket;
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    ScheduledFuture<?> alarm = TIMER.schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw alarm.isDone() ? timedOut(e) : e;
    } finally {
      alarm.cancel(false);
    }
  }

  @Override
  public void flush() throws IOException {
    ScheduledFuture<?> alarm = TIMER.schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    try {
      out.flush();
    } catch (IOException e) {
      throw alarm.isDone() ? timedOut(e) : e;
    } finally {
      alarm.cancel(false);
    }
  }

  private void expire() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing to unblock the writer; nothing more to do
    }
  }

  private SocketTimeoutException timedOut(IOException cause) {
    SocketTimeoutException t =
        new SocketTimeoutException("write timed out after " + Duration.ofNanos(timeoutNanos));
    t.initCause(cause);
    return t;
  }

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("smtp-client-write-timer").unstarted(r));
    t.setRemoveOnCancelPolicy(true);
    return t;
  }
}
