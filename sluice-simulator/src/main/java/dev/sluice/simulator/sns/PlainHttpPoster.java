package dev.sluice.simulator.sns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * POSTs to plain {@code http://} endpoints over kept-alive HTTP/1.1 connections, one blocking
 * exchange per connection at a time, for callers on their own threads.
 *
 * <p>Design note. What a delivery costs besides its signature was mostly the JDK's HTTP client: per
 * request it builds an immutable request, consults the proxy selector, resolves the address,
 * registers with its selector thread and completes a chain of futures across its worker threads; a
 * profile of the simulator under load with events put three quarters as much CPU there as in the
 * RSA signature. A thread blocking on a socket needs none of that: the request is written in one
 * piece, the answer's status line and headers are read, its body (by {@code Content-Length},
 * chunked, or to the end of the connection) is discarded, and the connection goes back to its
 * endpoint's idle list unless either side said {@code Connection: close}. A kept-alive connection
 * the endpoint closed while idle fails before any byte of the answer; such a request is sent once
 * more on a new connection (an endpoint that read it and closed without answering gets it twice,
 * which SNS's at-least-once delivery allows). Interim {@code 1xx} answers are skipped. No proxy is
 * consulted. {@code https://} endpoints stay with the JDK client (its TLS and trust configuration).
 *
 * <p>Timeout: {@code timeout} bounds the connect and the wait for the whole answer. Memory: at most
 * one idle connection per concurrent POST ever made to an endpoint. Thread-safe.
 */
final class PlainHttpPoster implements AutoCloseable {
  private static final int MAX_HEADER_LINE = 16 * 1024;
  private static final int MAX_HEADERS = 200;

  private final Duration timeout;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, ArrayDeque<Connection>> idle = new ConcurrentHashMap<>();
  private final Set<Connection> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  PlainHttpPoster(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * POSTs {@code body} to {@code target} (an {@code http} URI without user info) with {@code
   * headers} (name, value pairs) besides {@code Host} and {@code Content-Length}; returns the
   * answer's status.
   *
   * @throws IOException when the endpoint cannot be reached, closes the connection, answers
   *     something that is not HTTP/1.x, or does not answer within the timeout
   */
  int post(URI target, List<String> headers, byte[] body) throws IOException {
    if (closed) {
      throw new IOException("stopped");
    }
    String host = target.getHost();
    if (host == null) {
      throw new IOException("no host in " + target);
    }
    int port = target.getPort() < 0 ? 80 : target.getPort();
    String key = host + ":" + port;
    byte[] request = request(target, host, port, headers, body);
    Connection c = takeIdle(key);
    if (c != null) {
      try {
        return exchange(key, c, request);
      } catch (StaleConnection e) {
        // Closed by the endpoint while idle: nothing of this request was answered.
      }
    }
    c = connect(host, port);
    try {
      return exchange(key, c, request);
    } catch (StaleConnection e) {
      throw new IOException("connection closed before an answer", e);
    }
  }

  private static byte[] request(
      URI target, String host, int port, List<String> headers, byte[] body) {
    StringBuilder b = new StringBuilder(256);
    String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : null;
    b.append("POST ").append(path == null ? target.getRawPath() : path);
    if (target.getRawQuery() != null) {
      b.append('?').append(target.getRawQuery());
    }
    b.append(" HTTP/1.1\r\nHost: ").append(host);
    if (target.getPort() >= 0 && port != 80) {
      b.append(':').append(port);
    }
    b.append("\r\nContent-Length: ").append(body.length).append("\r\n");
    for (int i = 0; i + 1 < headers.size(); i += 2) {
      String name = headers.get(i);
      String value = headers.get(i + 1);
      if (breaksLine(name) || breaksLine(value)) {
        throw new IllegalArgumentException("line break in header " + clip(name));
      }
      b.append(name).append(": ").append(value).append("\r\n");
    }
    b.append("\r\n");
    byte[] head = b.toString().getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private static boolean breaksLine(String s) {
    return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
  }

  private Connection takeIdle(String key) {
    lock.lock();
    try {
      ArrayDeque<Connection> q = idle.get(key);
      return q == null ? null : q.pollLast();
    } finally {
      lock.unlock();
    }
  }

  private void giveBack(String key, Connection c) {
    lock.lock();
    try {
      if (!closed) {
        idle.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(c);
        return;
      }
    } finally {
      lock.unlock();
    }
    c.close();
  }

  private Connection connect(String host, int port) throws IOException {
    Socket s = new Socket();
    Connection c = new Connection(s);
    open.add(c);
    if (closed) {
      c.close();
      throw new IOException("stopped");
    }
    try {
      String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      s.connect(new InetSocketAddress(h, port), timeoutMillis());
      s.setTcpNoDelay(true);
      c.in = s.getInputStream();
      c.out = s.getOutputStream();
      return c;
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private int timeoutMillis() {
    return Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE);
  }

  private int exchange(String key, Connection c, byte[] request) throws IOException {
    boolean keep = false;
    try {
      try {
        c.out.write(request);
        c.out.flush();
      } catch (IOException e) {
        if (c.used) {
          throw new StaleConnection(e);
        }
        throw e;
      }
      boolean reused = c.used;
      c.used = true;
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String status = line(c, deadline, reused);
        reused = false;
        if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
          throw new IOException("not an HTTP/1.x answer: " + clip(status));
        }
        int code = code(status);
        boolean http10 = status.charAt(7) == '0';
        long length = -1;
        boolean chunked = false;
        boolean close = http10;
        for (int n = 0; ; n++) {
          String h = line(c, deadline, false);
          if (h.isEmpty()) {
            break;
          }
          if (n >= MAX_HEADERS) {
            throw new IOException("too many header lines");
          }
          int colon = h.indexOf(':');
          if (colon <= 0) {
            continue;
          }
          String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
          switch (name) {
            case "content-length" -> {
              try {
                length = Long.parseLong(value);
              } catch (NumberFormatException e) {
                throw new IOException("bad Content-Length: " + clip(value), e);
              }
            }
            case "transfer-encoding" -> chunked = value.endsWith("chunked");
            case "connection" -> {
              if (value.contains("close")) {
                close = true;
              } else if (value.contains("keep-alive")) {
                close = false;
              }
            }
            default -> {}
          }
        }
        if (code / 100 == 1) {
          continue;
        }
        if (code == 204 || code == 304) {
          length = 0;
        }
        if (chunked) {
          skipChunked(c, deadline);
        } else if (length >= 0) {
          skip(c, length, deadline);
        } else {
          while (read(c, deadline) >= 0) {
            // to the end of the connection
          }
          close = true;
        }
        // Bytes beyond the answer mean the connection is out of step: not reused.
        keep = !close && c.pos == c.limit;
        return code;
      }
    } finally {
      if (keep) {
        giveBack(key, c);
      } else {
        c.close();
      }
    }
  }

  private static int code(String status) throws IOException {
    int code = 0;
    for (int i = 9; i < 12; i++) {
      char ch = status.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new IOException("bad status line: " + clip(status));
      }
      code = code * 10 + (ch - '0');
    }
    return code;
  }

  private void skipChunked(Connection c, long deadline) throws IOException {
    while (true) {
      String size = line(c, deadline, false);
      int semi = size.indexOf(';');
      long n;
      try {
        n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size: " + clip(size), e);
      }
      if (n == 0) {
        while (!line(c, deadline, false).isEmpty()) {
          // trailers
        }
        return;
      }
      skip(c, n, deadline);
      if (!line(c, deadline, false).isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  /** One line without its CRLF (or LF); stale when the connection ends before its first byte. */
  private String line(Connection c, long deadline, boolean firstOfReused) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    while (true) {
      int ch;
      try {
        ch = read(c, deadline);
      } catch (IOException e) {
        if (firstOfReused && b.size() == 0 && !(e instanceof SocketTimeoutException)) {
          throw new StaleConnection(e);
        }
        throw e;
      }
      if (ch < 0) {
        if (firstOfReused && b.size() == 0) {
          throw new StaleConnection(null);
        }
        throw new IOException("connection closed within the answer");
      }
      if (ch == '\n') {
        byte[] bytes = b.toByteArray();
        int len =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      if (b.size() >= MAX_HEADER_LINE) {
        throw new IOException("answer line longer than " + MAX_HEADER_LINE + " bytes");
      }
      b.write(ch);
    }
  }

  /** One byte, -1 at the end; a refill waits no longer than what is left before the deadline. */
  private int read(Connection c, long deadline) throws IOException {
    if (c.pos == c.limit) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("no answer within " + timeout.toMillis() + " ms");
      }
      c.socket.setSoTimeout(Math.clamp(left / 1_000_000, 1, Integer.MAX_VALUE));
      int n = c.in.read(c.buffer);
      if (n < 0) {
        return -1;
      }
      c.pos = 0;
      c.limit = n;
    }
    return c.buffer[c.pos++] & 0xff;
  }

  private void skip(Connection c, long n, long deadline) throws IOException {
    long left = n;
    while (left > 0) {
      if (c.pos == c.limit) {
        if (read(c, deadline) < 0) {
          throw new IOException("connection closed within the answer's body");
        }
        left--;
        continue;
      }
      int take = (int) Math.min(left, c.limit - c.pos);
      c.pos += take;
      left -= take;
    }
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /** Closes idle connections and cuts those in use; later POSTs fail. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      idle.clear();
    } finally {
      lock.unlock();
    }
    for (Connection c : open) {
      c.close();
    }
  }

  /** Connections open now (idle or in use). */
  int openConnections() {
    return open.size();
  }

  /** A kept-alive connection that turned out closed before any of the answer was read. */
  private static final class StaleConnection extends IOException {
    private static final long serialVersionUID = 1L;

    StaleConnection(Throwable cause) {
      super("kept-alive connection closed by the endpoint", cause);
    }
  }

  /** One socket; used by one exchange at a time. */
  private final class Connection {
    final Socket socket;
    final byte[] buffer = new byte[8192];
    InputStream in;
    OutputStream out;
    int pos;
    int limit;
    boolean used;

    Connection(Socket socket) {
      this.socket = socket;
    }

    void close() {
      open.remove(this);
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to do about it
      }
    }
  }
}
