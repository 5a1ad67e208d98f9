package dev.sluice.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A raw SMTP client for send/expect tests over a real socket: it writes exact bytes and reads whole
 * replies, so a test states the conversation line by line ({@code expect("220")}, {@code send("EHLO
 * c").expect("250")}).
 *
 * <p>A reply is all its lines (RFC 5321 section 4.2.1: {@code 250-...} continues, {@code 250 ...}
 * ends), returned joined by {@code '\n'} without their CRLFs. Reads time out after 10 s unless
 * {@link #timeout} says otherwise, so a server that says nothing fails the test rather than hanging
 * it. {@link #startTls} fails if plain text the server sent is still unread, since a server that
 * answers commands pipelined with STARTTLS is open to the injection of RFC 3207 section 5.
 *
 * <p>Not thread-safe: one test thread drives one conversation.
 */
public final class SmtpConversation implements AutoCloseable {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final Socket raw;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpConversation(Socket socket) throws IOException {
    this.raw = socket;
    this.socket = socket;
    socket.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to a port on the loopback address. */
  public static SmtpConversation connect(int port) throws IOException {
    return new SmtpConversation(new Socket(InetAddress.getLoopbackAddress(), port));
  }

  /** Connects to a loopback port from a chosen local address (another 127.x.y.z on Linux). */
  public static SmtpConversation connectFrom(String localAddress, int port) throws IOException {
    Socket s = new Socket();
    try {
      s.bind(new InetSocketAddress(localAddress, 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return new SmtpConversation(s);
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Sets how long a read waits for the server before it fails. */
  public SmtpConversation timeout(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    return this;
  }

  /** Sends a line, adding CRLF. */
  public SmtpConversation send(String line) throws IOException {
    return sendRaw(line + "\r\n");
  }

  /** Sends text as is, in UTF-8. */
  public SmtpConversation sendRaw(String text) throws IOException {
    return sendBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends bytes as is. */
  public SmtpConversation sendBytes(byte[] bytes) throws IOException {
    return sendBytes(bytes, 0, bytes.length);
  }

  /** Sends {@code length} bytes from {@code offset} as is. */
  public SmtpConversation sendBytes(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    out.flush();
    return this;
  }

  /** Whether the server has sent something not read yet (readable without blocking). */
  public boolean inputWaiting() throws IOException {
    return in.available() > 0;
  }

  /** Reads one whole reply, its lines joined by {@code '\n'}; fails at end of stream. */
  public String reply() throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      String line = line();
      if (line == null) {
        throw new EOFException("end of stream; read so far: '" + all + "'");
      }
      if (!all.isEmpty()) {
        all.append('\n');
      }
      all.append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return all.toString();
      }
    }
  }

  /** Reads a reply, fails unless it starts with {@code prefix}, and returns it. */
  public String expect(String prefix) throws IOException {
    String r = reply();
    if (!r.startsWith(prefix)) {
      throw new AssertionError(
          "expected a reply starting with '" + prefix + "' but got '" + r + "'");
    }
    return r;
  }

  /** Reads a reply, fails unless it is exactly {@code reply} (lines joined by '\n'), returns it. */
  public String expectExactly(String reply) throws IOException {
    String r = reply();
    if (!r.equals(reply)) {
      throw new AssertionError("expected the reply '" + reply + "' but got '" + r + "'");
    }
    return r;
  }

  /** Reads one line without its line ending; null at end of stream (a partial line is dropped). */
  public String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    return null;
  }

  /** Reads until the server closes and returns what came. */
  public String readToEnd() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /**
   * Upgrades to TLS as a client after the server's 220 to STARTTLS, offering only {@code protocols}
   * (all the context enables when none are named).
   */
  public SmtpConversation startTls(SSLContext context, String... protocols) throws IOException {
    if (in.available() > 0) {
      throw new AssertionError("unread plain-text input before the TLS handshake");
    }
    SSLSocket s =
        (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
    s.setUseClientMode(true);
    if (protocols.length > 0) {
      s.setEnabledProtocols(protocols);
    }
    s.setSoTimeout(raw.getSoTimeout());
    s.startHandshake();
    socket = s;
    in = new BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
    return this;
  }

  /** Half-closes: the server reads end of stream, and replies can still be read. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    raw.close();
  }
}
