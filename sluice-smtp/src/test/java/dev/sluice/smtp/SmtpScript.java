package dev.sluice.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A raw SMTP client for send/expect tests: writes exact bytes, reads whole replies. */
final class SmtpScript implements AutoCloseable {
  private final Socket raw;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private SmtpScript(Socket socket) throws IOException {
    this.raw = socket;
    this.socket = socket;
    socket.setSoTimeout(5_000);
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1 at a port. */
  static SmtpScript connect(int port) throws IOException {
    return new SmtpScript(new Socket(InetAddress.getLoopbackAddress(), port));
  }

  /** Connects from a chosen local address (another 127.x.y.z on Linux). */
  static SmtpScript connectFrom(String localAddress, int port) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(localAddress, 0));
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return new SmtpScript(s);
  }

  /** Sets the read timeout. */
  SmtpScript timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
    return this;
  }

  /** Sends a line with CRLF. */
  SmtpScript send(String line) throws IOException {
    return sendRaw(line + "\r\n");
  }

  /** Sends text as is. */
  SmtpScript sendRaw(String text) throws IOException {
    return sendBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends bytes as is. */
  SmtpScript sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads one whole reply (all its lines, joined by '\n'), or throws at end of stream. */
  String reply() throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      String line = line();
      if (line == null) {
        throw new IOException("end of stream; read so far: " + all);
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

  /** Reads a reply and checks that it starts with {@code prefix}; returns it. */
  String expect(String prefix) throws IOException {
    String r = reply();
    if (!r.startsWith(prefix)) {
      throw new AssertionError(
          "expected a reply starting with '" + prefix + "' but got '" + r + "'");
    }
    return r;
  }

  /** Reads one line without its CRLF; null at end of stream. */
  String line() throws IOException {
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

  /** Reads until the server closes; returns what came. */
  String readToEnd() throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Upgrades to TLS as a client (after the server's 220 to STARTTLS). */
  SmtpScript startTls(SSLContext context) throws IOException {
    return startTls(context, new String[0]);
  }

  /** Upgrades to TLS as a client offering only the given protocols (all enabled when none). */
  SmtpScript startTls(SSLContext context, String... protocols) throws IOException {
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

  /** Half-closes: the server sees end of stream. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    raw.close();
  }
}
