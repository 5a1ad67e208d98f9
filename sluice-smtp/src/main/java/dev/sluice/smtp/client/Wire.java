package dev.sluice.smtp.client;

import dev.sluice.smtp.Reply;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The bytes of one client connection: the socket with its timeouts, a buffered command writer and a
 * {@link ReplyReader}, and the STARTTLS upgrade. {@link SmtpClient} holds the conversation; this
 * class knows nothing of SMTP's sequence.
 *
 * <p>Commands are buffered until {@link #flush()}, so a caller pipelines by writing several
 * commands before one flush.
 *
 * <p>Confined to the connection's thread, except {@link #close()}.
 */
final class Wire implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;

  private final Duration writeTimeout;
  private volatile Socket socket;
  private ReplyReader replies;
  private OutputStream out;
  private long flushes;

  private Wire(Socket socket, Duration writeTimeout) throws IOException {
    this.writeTimeout = writeTimeout;
    this.socket = socket;
    attach(socket);
  }

  /** Connects with TCP_NODELAY and the given timeouts; closes the socket if that fails. */
  static Wire open(String host, int port, Duration connect, Duration read, Duration write)
      throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), (int) connect.toMillis());
      s.setSoTimeout((int) read.toMillis());
      return new Wire(s, write);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Runs the TLS handshake over the connection (after a 220 to STARTTLS) and drops anything
   * buffered before it (RFC 3207 §4.2).
   *
   * @param verifyHostname whether the certificate must name {@code host} (RFC 6125, as HTTPS)
   */
  void upgradeToTls(SSLContext context, String host, int port, boolean verifyHostname)
      throws IOException {
    SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
    socket = ssl;
    ssl.setUseClientMode(true);
    if (verifyHostname) {
      SSLParameters p = ssl.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(p);
    }
    ssl.startHandshake();
    attach(ssl);
  }

  /** The RFC 5321 §4.1.3 address literal of the local end, e.g. {@code [127.0.0.1]}. */
  String localAddressLiteral() {
    InetAddress a = socket.getLocalAddress();
    String host = a.getHostAddress();
    int scope = host.indexOf('%');
    if (scope >= 0) {
      host = host.substring(0, scope);
    }
    return a instanceof Inet6Address ? "[IPv6:" + host + "]" : "[" + host + "]";
  }

  /** Buffers one command line; the caller makes sure it holds no CR or LF. */
  void command(String line) throws IOException {
    out.write(line.getBytes(StandardCharsets.US_ASCII));
    out.write('\r');
    out.write('\n');
  }

  /** Buffers message content as DATA, dot-stuffed and terminated. */
  void data(byte[] content) throws IOException {
    DataEncoder.write(content, out);
  }

  /** Sends everything buffered. */
  void flush() throws IOException {
    flushes++;
    out.flush();
  }

  /** Reads the next reply. */
  Reply read() throws IOException {
    return replies.read();
  }

  /** Sends one command and reads its reply. */
  Reply exchange(String line) throws IOException {
    command(line);
    flush();
    return read();
  }

  /** How many flushes so far: one per round trip. */
  long flushes() {
    return flushes;
  }

  /** Whether the socket is still open. */
  boolean isOpen() {
    return !socket.isClosed();
  }

  /** Closes the socket; idempotent, never throws. */
  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }

  private void attach(Socket s) throws IOException {
    replies = new ReplyReader(new BufferedInputStream(s.getInputStream(), BUFFER));
    out =
        new BufferedOutputStream(
            new TimedOutputStream(s, s.getOutputStream(), writeTimeout), BUFFER);
  }
}
