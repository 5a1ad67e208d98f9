package dev.sluice.ses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.Envelope;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.Transport;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SES transports over the AWS Common Runtime HTTP client, against the simulator: calls reach it
 * and are signed as with the default client; over HTTPS the simulator's certificate is trusted only
 * through the {@code javax.net.ssl.trustStore} system property.
 */
class CrtClientIT {
  private static final String TRUST_STORE = "javax.net.ssl.trustStore";
  private static final byte[] MESSAGE =
      "From: sender@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: crt\r\n\r\nHi\r\n"
          .getBytes(StandardCharsets.US_ASCII);
  private static final Envelope ENVELOPE =
      new Envelope("sender@example.com", List.of("success@simulator.amazonses.com"));

  @Test
  void send_v2AndV1OverHttp_reachTheSimulatorSigned() throws Exception {
    try (SimulatorHarness h =
        new SimulatorHarness(
            "max-send-rate=unlimited", "max-24h-send=unlimited", "strict-auth=AKIDTEST:secret")) {
      SesApiSettings api = h.api(false).withTrust(null).withHttpClient(HttpClientKind.CRT);
      for (Transport t : List.of(SesV2Transport.create(api), SesV1Transport.create(api))) {
        try (t) {
          CallResult a = t.send(ENVELOPE, MESSAGE);
          assertThat(a).as(t.name()).isInstanceOf(CallResult.Accepted.class);
          assertThat(t.quota()).as(t.name()).isPresent();
          assertThat(t.connectionsOpened()).as("the CRT client cannot count").isEqualTo(-1);
        }
      }
      assertThat(h.metric("simulator_sends_total", "outcome=\"accepted\"")).isEqualTo(2.0);
    }
  }

  @Test
  void send_overHttpsWithTheCertificateInTheTrustStoreProperty_isAccepted(@TempDir Path dir)
      throws Exception {
    try (SimulatorHarness h =
        new SimulatorHarness("max-send-rate=unlimited", "max-24h-send=unlimited")) {
      Path store = dir.resolve("trust.p12");
      char[] password = "test".toCharArray();
      try (OutputStream out = Files.newOutputStream(store)) {
        h.sim.certificate().trustStore().store(out, password);
      }
      String[] keys = {TRUST_STORE, TRUST_STORE + "Type", TRUST_STORE + "Password"};
      String[] before = new String[keys.length];
      for (int i = 0; i < keys.length; i++) {
        before[i] = System.getProperty(keys[i]);
      }
      System.setProperty(keys[0], store.toString());
      System.setProperty(keys[1], "PKCS12");
      System.setProperty(keys[2], new String(password));
      try (Transport t =
          SesV2Transport.create(h.api(true).withTrust(null).withHttpClient(HttpClientKind.CRT))) {
        assertThat(t.send(ENVELOPE, MESSAGE)).isInstanceOf(CallResult.Accepted.class);
      } finally {
        for (int i = 0; i < keys.length; i++) {
          if (before[i] == null) {
            System.clearProperty(keys[i]);
          } else {
            System.setProperty(keys[i], before[i]);
          }
        }
      }
    }
  }

  @Test
  void send_overHttpsWithoutTrust_isNotAccepted() {
    try (SimulatorHarness h =
        new SimulatorHarness("max-send-rate=unlimited", "max-24h-send=unlimited")) {
      assertThat(System.getProperty(TRUST_STORE)).isNull();
      try (Transport t =
          SesV2Transport.create(h.api(true).withTrust(null).withHttpClient(HttpClientKind.CRT))) {
        assertThat(t.send(ENVELOPE, MESSAGE)).isNotInstanceOf(CallResult.Accepted.class);
      }
    }
  }

  @Test
  void create_withTrustManagers_isRefused() {
    try (SimulatorHarness h = new SimulatorHarness()) {
      SesApiSettings api = h.api(true).withHttpClient(HttpClientKind.CRT);
      assertThatThrownBy(() -> SesV2Transport.create(api))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("javax.net.ssl.trustStore");
    }
  }
}
