package dev.sluice.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The session's buffered input: reads lines up to a length bound, reads exact byte counts (BDAT),
 * and calls back around every read that may block, which is where the session flushes its replies
 * (RFC 2920 §3.2: reply as a batch once the client's batch is consumed) and, while it waits for a
 * command, lets another thread end it.
 *
 * <p>Confined to the session thread.
 */
final class LineReader {
  /** Called around each read that may block. */
  interface Wait {
    /** Before the read. */
    void before() throws IOException;

    /** After the read, whether it returned or threw (a throw here replaces the read's). */
    default void after() throws IOException {}
  }

  private final byte[] buf = new byte[16 * 1024];
  private final Wait defaultWait;
  private final LongConsumer counted;
  private InputStream in;
  private int pos;
  private int end;
  private byte[] line = new byte[1024];
  private int length;
  private boolean crlf;
  private boolean overflow;

  /**
   * @param defaultWait called around every read that may block, unless a read names its own
   * @param counted told of the octets each read brings
   */
  LineReader(InputStream in, Wait defaultWait, LongConsumer counted) {
    this.in = in;
    this.defaultWait = defaultWait;
    this.counted = counted;
  }

  /** Switches to another stream (after the TLS handshake); the buffer must be empty. */
  void setInput(InputStream newIn) {
    this.in = newIn;
    this.pos = 0;
    this.end = 0;
  }

  /** Whether input is already buffered, i.e. the client sent more than was consumed. */
  boolean hasBuffered() {
    return pos < end;
  }

  /** Drops whatever is buffered (RFC 3207 §4.2: nothing sent before the TLS handshake counts). */
  void discardBuffered() {
    pos = end;
  }

  /**
   * Reads one line ended by LF (CRLF or bare LF). Afterwards {@link #line()} and {@link #length()}
   * hold its content without the line end, truncated to {@code maxWithCrlf - 2} octets; {@link
   * #overflowed()} says whether it was longer, {@link #endedWithCrlf()} how it ended.
   *
   * @return false at end of stream (a partial last line is dropped)
   */
  boolean readLine(int maxWithCrlf) throws IOException {
    return readLine(maxWithCrlf, defaultWait);
  }

  /** Reads one line as {@link #readLine(int)} does, with {@code wait} around each blocking read. */
  boolean readLine(int maxWithCrlf, Wait wait) throws IOException {
    int limit = maxWithCrlf - 2;
    if (line.length < limit + 1) {
      line = Arrays.copyOf(line, limit + 1);
    }
    long total = 0;
    int stored = 0;
    byte last = 0;
    while (true) {
      if (pos == end && !fill(wait)) {
        return false;
      }
      int i = pos;
      while (i < end && buf[i] != '\n') {
        i++;
      }
      int n = i - pos;
      if (n > 0) {
        int room = limit + 1 - stored;
        int copy = Math.min(room, n);
        System.arraycopy(buf, pos, line, stored, copy);
        stored += copy;
        total += n;
        last = buf[i - 1];
      }
      if (i < end) {
        pos = i + 1;
        crlf = total > 0 && last == '\r';
        long content = crlf ? total - 1 : total;
        overflow = content > limit;
        length = (int) Math.min(content, Math.min(stored, limit));
        return true;
      }
      pos = i;
    }
  }

  /** The last line's content; valid up to {@link #length()} until the next read. */
  byte[] line() {
    return line;
  }

  /** The last line's stored length. */
  int length() {
    return length;
  }

  /** Whether the last line ended with CRLF rather than a bare LF. */
  boolean endedWithCrlf() {
    return crlf;
  }

  /** Whether the last line was longer than allowed (its content is truncated). */
  boolean overflowed() {
    return overflow;
  }

  /** Receives bytes read by {@link #readExactly}. */
  interface Sink {
    void accept(byte[] bytes, int offset, int count);
  }

  /**
   * Reads exactly {@code count} octets into the sink.
   *
   * @return false if the stream ended first
   */
  boolean readExactly(long count, Sink sink) throws IOException {
    long left = count;
    while (left > 0) {
      if (pos == end && !fill(defaultWait)) {
        return false;
      }
      int n = (int) Math.min(left, end - pos);
      sink.accept(buf, pos, n);
      pos += n;
      left -= n;
    }
    return true;
  }

  /**
   * Drops what is buffered and what one read brings, without the call before blocking (the session
   * is being closed and has nothing more to say).
   *
   * @return false at end of stream
   */
  boolean discardSome() throws IOException {
    pos = 0;
    end = 0;
    int n = in.read(buf, 0, buf.length);
    if (n < 0) {
      return false;
    }
    counted.accept(n);
    return true;
  }

  private boolean fill(Wait wait) throws IOException {
    wait.before();
    int n;
    try {
      n = in.read(buf, 0, buf.length);
    } finally {
      wait.after();
    }
    if (n < 0) {
      return false;
    }
    counted.accept(n);
    pos = 0;
    end = n;
    return true;
  }
}
