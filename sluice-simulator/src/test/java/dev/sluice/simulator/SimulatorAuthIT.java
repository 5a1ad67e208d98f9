package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/** Strict mode: the real SDK's SigV4 signatures are verified against configured credentials. */
class SimulatorAuthIT {
  @Test
  void strictAuth_realSdkSignatures_passOverHttpAndHttps() {
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts(
                    "max-send-rate=unlimited", "max-24h-send=unlimited", SesClients.STRICT));
        SesV2Client http = SesClients.v2(sim, sim.httpEndpoint());
        SesV2Client https = SesClients.v2(sim, sim.httpsEndpoint());
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      assertThat(http.sendEmail(SimulatorV2IT.simple("a@example.net")).messageId()).isNotBlank();
      assertThat(https.getAccount(r -> {}).sendingEnabled()).isTrue();
      assertThat(v1.sendEmail(SimulatorV1IT.simple("a@example.net")).messageId()).isNotBlank();
      assertThat(v1.getSendQuota().maxSendRate()).isNegative();
    }
  }

  @Test
  void strictAuth_wrongSecret_isRejectedAndNothingIsSent() {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts(SesClients.STRICT));
        SesV2Client bad =
            SesClients.v2(sim, sim.httpEndpoint(), "not-the-secret", Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> bad.sendEmail(SimulatorV2IT.simple("a@example.net")))
          .isInstanceOf(SesV2Exception.class)
          .satisfies(
              e -> {
                SesV2Exception x = (SesV2Exception) e;
                assertThat(x.statusCode()).isEqualTo(403);
                assertThat(x.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
              });
      assertThat(sim.core().inbox().total()).isZero();
    }
  }

  @Test
  void nonStrict_anyCredentials_areAcceptedAndRecorded() {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts());
        SesV2Client c =
            SesClients.v2(sim, sim.httpEndpoint(), "whatever", Duration.ofSeconds(10))) {
      String id = c.sendEmail(SimulatorV2IT.simple("a@example.net")).messageId();
      assertThat(sim.core().inbox().find(id).accessKeyId()).isEqualTo(SesClients.ACCESS_KEY);
    }
  }
}
