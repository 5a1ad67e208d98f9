package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/** Injected faults reach the real SDK as the failures they imitate. */
class SimulatorFaultIT {
  private static SimulatorConfig with(String... faults) {
    String[] all = new String[faults.length + 2];
    all[0] = "max-send-rate=unlimited";
    all[1] = "max-24h-send=unlimited";
    System.arraycopy(faults, 0, all, 2, faults.length);
    return SimulatorConfig.onFreePorts(all);
  }

  @Test
  void faultRateOne_everyCallIs500or503AndNothingIsSent() {
    try (Simulator sim = Simulator.start(with("fault-rate=1"));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint());
        SesClient v1 = SesClients.v1(sim, sim.httpEndpoint())) {
      int s500 = 0;
      int s503 = 0;
      for (int i = 0; i < 40; i++) {
        try {
          v2.sendEmail(SimulatorV2IT.simple("a@example.net"));
        } catch (SesV2Exception e) {
          if (e.statusCode() == 500) {
            s500++;
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
          } else if (e.statusCode() == 503) {
            s503++;
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
          }
        }
      }
      assertThat(s500 + s503).isEqualTo(40);
      assertThat(s500).isPositive();
      assertThat(s503).isPositive();
      assertThatThrownBy(() -> v1.sendEmail(SimulatorV1IT.simple("a@example.net")))
          .isInstanceOf(SesException.class)
          .satisfies(e -> assertThat(((SesException) e).statusCode()).isIn(500, 503));
      assertThat(sim.core().inbox().total()).isZero();
    }
  }

  @Test
  void resetRateOne_clientSeesConnectionFailure() {
    try (Simulator sim = Simulator.start(with("reset-rate=1"));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint())) {
      assertThatThrownBy(() -> v2.sendEmail(SimulatorV2IT.simple("a@example.net")))
          .isInstanceOf(SdkClientException.class);
      assertThat(sim.core().inbox().total()).isZero();
    }
  }

  @Test
  void hangRateOne_clientTimesOut() {
    try (Simulator sim = Simulator.start(with("hang-rate=1"));
        SesV2Client v2 =
            SesClients.v2(sim, sim.httpEndpoint(), SesClients.SECRET, Duration.ofMillis(300))) {
      assertThatThrownBy(() -> v2.sendEmail(SimulatorV2IT.simple("a@example.net")))
          .isInstanceOf(SdkClientException.class)
          .hasMessageContaining("timed out");
      assertThat(sim.core().inbox().total()).isZero();
    }
  }

  @Test
  void latency_delaysTheAnswerWithoutFailingIt() {
    try (Simulator sim = Simulator.start(with("latency=200ms"));
        SesV2Client v2 =
            SesClients.v2(sim, sim.httpEndpoint(), SesClients.SECRET, Duration.ofSeconds(10))) {
      v2.getAccount(r -> {});
      long t0 = System.nanoTime();
      v2.sendEmail(SimulatorV2IT.simple("a@example.net"));
      // A lower bound only: the answer cannot come before the injected delay.
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(200_000_000L);
    }
  }
}
