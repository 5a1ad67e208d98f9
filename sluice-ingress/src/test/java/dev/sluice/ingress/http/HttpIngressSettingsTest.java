package dev.sluice.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.ByteSize;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class HttpIngressSettingsTest {
  private final HttpIngressSettings d = HttpIngressSettings.defaults("relay.example");

  @Test
  void defaults_matchTheSmtpDoorAndListenOnLoopback() {
    assertThat(d.bind().getAddress().isLoopbackAddress()).isTrue();
    assertThat(d.bind().getPort()).isEqualTo(HttpIngressSettings.DEFAULT_PORT);
    assertThat(d.maxMessageSize()).isEqualTo(ByteSize.ofMegabytes(40));
    assertThat(d.maxRequestSize()).isEqualTo(ByteSize.ofMegabytes(41));
    assertThat(d.maxRecipients()).isEqualTo(100);
    assertThat(d.maxBatch()).isEqualTo(500);
    assertThat(d.basicAuthWithoutTlsOnLoopback()).isTrue();
  }

  @Test
  void withMaxMessageSize_movesTheRequestBoundWithIt() {
    HttpIngressSettings s = d.withMaxMessageSize(ByteSize.ofBytes(1000));
    assertThat(s.maxRequestSize().bytes()).isEqualTo(1000 + 1024 * 1024);
  }

  @Test
  void constructor_badValues_nameTheSetting() {
    assertThatThrownBy(() -> d.withCounts(0, 1)).hasMessageContaining("maxRecipients");
    assertThatThrownBy(() -> d.withCounts(1, 0)).hasMessageContaining("maxBatch");
    assertThatThrownBy(() -> HttpIngressSettings.defaults("bad host"))
        .hasMessageContaining("hostname");
    assertThatThrownBy(
            () ->
                new HttpIngressSettings(
                    new InetSocketAddress(0),
                    "h",
                    ByteSize.ofBytes(100),
                    ByteSize.ofBytes(99),
                    1,
                    1,
                    1,
                    Duration.ofSeconds(1),
                    true))
        .hasMessageContaining("maxRequestSize");
    assertThatThrownBy(
            () ->
                new HttpIngressSettings(
                    new InetSocketAddress(0),
                    "h",
                    ByteSize.ofBytes(100),
                    ByteSize.ofBytes(100),
                    1,
                    1,
                    1,
                    Duration.ZERO,
                    true))
        .hasMessageContaining("idleTimeout");
  }
}
