package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

/** Throttling measured over a window with the real SDK, not decided by a single call. */
class SimulatorQuotaIT {
  @Test
  void sendEmail_overloadForTwoSeconds_admitsAboutRateTimesWindow() throws Exception {
    double rate = 25;
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts("max-send-rate=" + rate, "max-24h-send=unlimited"));
        SesV2Client c = SesClients.v2(sim, sim.httpEndpoint())) {
      c.getAccount(r -> {}); // warm up the connection pool outside the window
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger throttled = new AtomicInteger();
      long start = System.nanoTime();
      long end = start + 2_000_000_000L;
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        fs.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    try {
                      c.sendEmail(SimulatorV2IT.simple("someone@example.net"));
                      ok.incrementAndGet();
                    } catch (TooManyRequestsException e) {
                      assertThat(e.statusCode()).isEqualTo(429);
                      assertThat(e.getMessage()).contains("Maximum sending rate exceeded.");
                      throttled.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      double elapsed = (System.nanoTime() - start) / 1e9;
      // The bucket starts full (1 s of rate) and refills at the rate; nothing above that may pass.
      assertThat(ok.get()).isLessThanOrEqualTo((int) Math.ceil(rate * elapsed + rate) + 1);
      assertThat(ok.get()).isGreaterThanOrEqualTo((int) (rate * 1.0));
      assertThat(throttled.get()).isPositive();
      assertThat(sim.core().inbox().total()).isEqualTo(ok.get());
    }
  }

  @Test
  void sendEmail_dailyQuotaSpent_isRefusedWithDailyText() {
    try (Simulator sim =
            Simulator.start(
                SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=3"));
        SesV2Client c = SesClients.v2(sim, sim.httpEndpoint())) {
      for (int i = 0; i < 3; i++) {
        c.sendEmail(SimulatorV2IT.simple("r" + i + "@example.net"));
      }
      // Simulator recipients do not count toward the daily quota but are refused once it is spent.
      assertThatThrownBy(() -> c.sendEmail(SimulatorV2IT.simple("x@example.net")))
          .isInstanceOf(TooManyRequestsException.class)
          .hasMessageContaining("Daily message quota exceeded.");
      assertThat(c.getAccount(r -> {}).sendQuota().sentLast24Hours()).isEqualTo(3.0);
    }
  }
}
