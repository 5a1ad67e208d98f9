package dev.sluice.smtp;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads the message after DATA up to the {@code CRLF . CRLF} that ends it, undoing dot-stuffing
 * (RFC 5321 §4.5.2) and checking size, line length and line endings.
 *
 * <p>Only a "." line that ends with CRLF and follows a line that ended with CRLF ends the data, so
 * a {@code LF . LF} or {@code LF . CRLF} cannot end a message early (the "SMTP smuggling" attack,
 * 2023). A message with a bare LF or CR is read to its end and then refused as a whole.
 *
 * <p>Stateless; each call is confined to the calling session thread.
 */
final class DataReader {
  /** Why a message read whole is still refused. */
  enum Problem {
    NONE,
    TOO_BIG,
    LINE_TOO_LONG,
    BARE_NEWLINE
  }

  /**
   * A message read to its end.
   *
   * @param message the octets (empty unless {@code problem} is NONE)
   */
  record Body(byte[] message, Problem problem) {}

  private DataReader() {}

  /**
   * Reads one message.
   *
   * @return the body, or {@code null} if the stream ended before the final "."
   */
  static Body read(LineReader in, int maxTextLine, long maxSize) throws IOException {
    MessageBuffer buffer = new MessageBuffer(maxSize);
    boolean previousCrlf = true;
    boolean bare = false;
    boolean longLine = false;
    while (true) {
      if (!in.readLine(maxTextLine)) {
        return null;
      }
      byte[] b = in.line();
      int n = in.length();
      boolean crlf = in.endedWithCrlf();
      if (crlf && previousCrlf && n == 1 && b[0] == '.' && !in.overflowed()) {
        break;
      }
      previousCrlf = crlf;
      bare |= !crlf || indexOf(b, n, (byte) '\r') >= 0;
      longLine |= in.overflowed();
      int skip = n > 0 && b[0] == '.' ? 1 : 0;
      buffer.appendLine(b, skip, n - skip);
    }
    if (buffer.overflowed()) {
      return new Body(new byte[0], Problem.TOO_BIG);
    }
    if (longLine) {
      return new Body(new byte[0], Problem.LINE_TOO_LONG);
    }
    if (bare) {
      return new Body(new byte[0], Problem.BARE_NEWLINE);
    }
    return new Body(buffer.toByteArray(), Problem.NONE);
  }

  /** Whether {@code message} has an LF without a CR before it, or a CR without an LF after it. */
  static boolean hasBareNewline(byte[] message) {
    for (int i = 0; i < message.length; i++) {
      byte c = message[i];
      if (c == '\n' && (i == 0 || message[i - 1] != '\r')) {
        return true;
      }
      if (c == '\r' && (i + 1 == message.length || message[i + 1] != '\n')) {
        return true;
      }
    }
    return false;
  }

  private static int indexOf(byte[] b, int n, byte value) {
    for (int i = 0; i < n; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** A growable byte array that stops growing, and drops its content, once over a bound. */
  static final class MessageBuffer {
    private final long max;
    private byte[] data = new byte[8 * 1024];
    private int size;
    private boolean overflow;

    MessageBuffer(long max) {
      this.max = max;
    }

    /** Appends a line's content and CRLF. */
    void appendLine(byte[] b, int off, int len) {
      append(b, off, len);
      append(CRLF, 0, 2);
    }

    /** Appends octets, or marks the buffer overflowed. */
    void append(byte[] b, int off, int len) {
      if (overflow) {
        return;
      }
      if ((long) size + len > max) {
        overflow = true;
        data = new byte[0];
        size = 0;
        return;
      }
      if (size + len > data.length) {
        data =
            Arrays.copyOf(data, (int) Math.min(max, Math.max((long) data.length * 2, size + len)));
      }
      System.arraycopy(b, off, data, size, len);
      size += len;
    }

    boolean overflowed() {
      return overflow;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(data, size);
    }

    private static final byte[] CRLF = {'\r', '\n'};
  }
}
