package dev.sluice.app;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Tells systemd about the relay's state ({@code READY=1}, {@code STOPPING=1}) as {@code
 * sd_notify(3)} does: one datagram to the {@code AF_UNIX} socket named by {@code $NOTIFY_SOCKET},
 * for units of {@code Type=notify}. Without that variable (not run by systemd) it does nothing.
 *
 * <p>Design note: the JDK opens {@code AF_UNIX} stream sockets only ({@code SocketChannel} with a
 * {@code UnixDomainSocketAddress}), not datagram ones, and systemd's socket takes datagrams only.
 * Running {@code systemd-notify} as a child was rejected: the message then comes from a process
 * that exits at once, which systemd may fail to attribute to the unit. Netty's native transport,
 * already in the relay for its listeners, opens the datagram socket from this process. A name
 * starting with {@code @} is in the abstract namespace, written with a leading NUL byte.
 *
 * <p>Thread safety: stateless; each call opens, sends and closes its own socket.
 */
final class SystemdNotify {
  private final String socket;

  private SystemdNotify(String socket) {
    this.socket = socket;
  }

  /** The notifier for the socket named in the environment; does nothing when none is named. */
  static SystemdNotify from(Map<String, String> env) {
    String s = env.get("NOTIFY_SOCKET");
    return new SystemdNotify(s == null || s.isEmpty() ? null : s);
  }

  /** Whether a socket is named, so that {@link #send} sends. */
  boolean enabled() {
    return socket != null;
  }

  /**
   * Sends one state message, e.g. {@code READY=1}.
   *
   * @throws IOException when the socket is named but the datagram cannot be sent
   */
  void send(String state) throws IOException {
    if (socket == null) {
      return;
    }
    if (!Epoll.isAvailable()) {
      throw new IOException(
          "cannot notify systemd: Netty's epoll transport is not available",
          Epoll.unavailabilityCause());
    }
    byte[] path = socket.getBytes(StandardCharsets.UTF_8);
    if (path[0] == '@') {
      path[0] = 0;
    }
    byte[] text = state.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocateDirect(text.length).put(text).flip();
    Socket s = Socket.newSocketDomainDgram();
    try {
      int sent = s.sendToDomainSocket(buf, buf.position(), buf.limit(), path);
      if (sent != text.length) {
        throw new IOException("sent " + sent + " of " + text.length + " bytes to " + socket);
      }
    } finally {
      s.close();
    }
  }
}
