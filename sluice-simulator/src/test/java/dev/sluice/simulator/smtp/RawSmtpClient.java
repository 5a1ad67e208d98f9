package dev.sluice.simulator.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A raw SMTP client for send/expect scripts against the endpoint. */
final class RawSmtpClient implements AutoCloseable {
  private final Socket raw;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  RawSmtpClient(int port) throws IOException {
    raw = new Socket(InetAddress.getLoopbackAddress(), port);
    raw.setSoTimeout(5_000);
    socket = raw;
    in = new BufferedInputStream(raw.getInputStream());
    out = raw.getOutputStream();
  }

  /** Sets the read timeout. */
  RawSmtpClient timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
    return this;
  }

  /** Sends a line with CRLF. */
  RawSmtpClient send(String line) throws IOException {
    return sendRaw(line + "\r\n");
  }

  /** Sends text as is. */
  RawSmtpClient sendRaw(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return this;
  }

  /** Reads one whole reply, lines joined by '\n'. */
  String reply() throws IOException {
    StringBuilder all = new StringBuilder();
    while (true) {
      String line = line();
      if (line == null) {
        throw new java.io.EOFException("end of stream; read so far: " + all);
      }
      all.append(all.isEmpty() ? "" : "\n").append(line);
      if (line.length() < 4 || line.charAt(3) != '-') {
        return all.toString();
      }
    }
  }

  /** Reads a reply and checks it equals {@code expected} exactly. */
  RawSmtpClient expect(String expected) throws IOException {
    String r = reply();
    if (!r.equals(expected)) {
      throw new AssertionError("expected '" + expected + "' but got '" + r + "'");
    }
    return this;
  }

  /** Reads one line; null at end of stream. */
  String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return null;
  }

  /** Upgrades to TLS after the server's 220 to STARTTLS. */
  RawSmtpClient startTls(SSLContext context) throws IOException {
    SSLSocket s =
        (SSLSocket) context.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), true);
    s.setUseClientMode(true);
    s.setSoTimeout(raw.getSoTimeout());
    s.startHandshake();
    socket = s;
    in = new BufferedInputStream(s.getInputStream());
    out = s.getOutputStream();
    return this;
  }

  @Override
  public void close() throws IOException {
    socket.close();
    raw.close();
  }
}
