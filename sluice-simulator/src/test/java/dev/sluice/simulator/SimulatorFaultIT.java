package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.SesException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/** Injected faults reach the real SDK as the failures they imitate. */
class SimulatorFaultIT {
  private static SimulatorConfig with(FaultSpec f, String latency) {
    Map<SesInterface, LatencySpec> l = new EnumMap<>(SesInterface.class);
    Map<SesInterface, FaultSpec> fs = new EnumMap<>(SesInterface.class);
    for (SesInterface i : SesInterface.values()) {
      l.put(i, LatencySpec.parse(latency));
      fs.put(i, f);
    }
    return SimulatorConfig.defaultsOnFreePorts().withQuota(-1, -1).withFaults(l, fs);
  }

  @Test
  void faultRateOne_everyCallIs500or503AndNothingIsSent() {
    try (Simulator sim = Simulator.start(with(FaultSpec.of(1.0, 0, 0), "0ms"));
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
    try (Simulator sim = Simulator.start(with(new FaultSpec(0, 0, 1.0, 0), "0ms"));
        SesV2Client v2 = SesClients.v2(sim, sim.httpEndpoint())) {
      assertThatThrownBy(() -> v2.sendEmail(SimulatorV2IT.simple("a@example.net")))
          .isInstanceOf(SdkClientException.class);
      assertThat(sim.core().inbox().total()).isZero();
    }
  }

  @Test
  void hangRateOne_clientTimesOut() {
    try (Simulator sim = Simulator.start(with(new FaultSpec(0, 0, 0, 1.0), "0ms"));
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
    try (Simulator sim = Simulator.start(with(FaultSpec.NONE, "200ms"));
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
