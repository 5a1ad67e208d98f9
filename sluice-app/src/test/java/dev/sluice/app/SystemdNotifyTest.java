package dev.sluice.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifyTest {
  @TempDir Path dir;

  @Test
  void send_notifySocketNamed_sendsTheStateAsOneDatagram() throws Exception {
    Epoll.ensureAvailability();
    Path path = dir.resolve("notify");
    Socket receiver = Socket.newSocketDomainDgram();
    try {
      receiver.bind(new DomainSocketAddress(path.toFile()));
      SystemdNotify systemd = SystemdNotify.from(Map.of("NOTIFY_SOCKET", path.toString()));
      assertThat(systemd.enabled()).isTrue();
      systemd.send("READY=1");
      systemd.send("STOPPING=1");
      assertThat(receive(receiver)).isEqualTo("READY=1");
      assertThat(receive(receiver)).isEqualTo("STOPPING=1");
    } finally {
      receiver.close();
    }
  }

  @Test
  void from_noNotifySocket_isDisabledAndSendsNothing() throws Exception {
    SystemdNotify systemd = SystemdNotify.from(Map.of());
    assertThat(systemd.enabled()).isFalse();
    systemd.send("READY=1");
    assertThat(SystemdNotify.from(Map.of("NOTIFY_SOCKET", "")).enabled()).isFalse();
  }

  @Test
  void send_nobodyListening_failsNamingTheSocket() {
    Path path = dir.resolve("nobody");
    SystemdNotify systemd = SystemdNotify.from(Map.of("NOTIFY_SOCKET", path.toString()));
    assertThatThrownBy(() -> systemd.send("READY=1")).isInstanceOf(IOException.class);
  }

  /** The datagram already queued on the (non-blocking) socket. */
  private static String receive(Socket receiver) throws IOException {
    ByteBuffer buf = ByteBuffer.allocateDirect(256);
    DomainDatagramSocketAddress from = receiver.recvFromDomainSocket(buf, 0, buf.capacity());
    assertThat(from).as("a datagram waiting").isNotNull();
    byte[] text = new byte[from.receivedAmount()];
    buf.get(0, text);
    return new String(text, StandardCharsets.UTF_8);
  }
}
