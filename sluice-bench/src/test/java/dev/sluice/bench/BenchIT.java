package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.bench.report.BenchRun;
import dev.sluice.bench.report.LevelResult;
import dev.sluice.ses.HttpClientKind;
import dev.sluice.ses.UpstreamUrl;
import dev.sluice.simulator.Simulator;
import dev.sluice.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The benchmark in one process against the simulator: counts agree with what the simulator
 * received.
 */
class BenchIT {
  private static BenchOptions options(
      Simulator sim, List<Integer> levels, long messages, boolean keepAlive) {
    return new BenchOptions(
        UpstreamUrl.parse("ses-v2+http://127.0.0.1:" + sim.httpEndpoint().getPort(), "us-east-1"),
        levels,
        1,
        messages,
        Duration.ofSeconds(1),
        Duration.ZERO,
        List.of("success@simulator.amazonses.com"),
        2,
        1024,
        -1,
        keepAlive,
        false,
        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "s")),
        null,
        null,
        HttpClientKind.APACHE5);
  }

  @Test
  void run_rampWithFixedMessages_countsMatchTheSimulator() throws Exception {
    try (Simulator sim =
        Simulator.start(
            SimulatorConfig.onFreePorts("max-send-rate=unlimited", "max-24h-send=unlimited"))) {
      BenchOptions o = options(sim, List.of(1, 2, 4), 40, true);
      BenchRun run = new Bench(o, Progress.NONE, List.of()).run(Bench.describe(o));
      assertThat(run.levels()).hasSize(3);
      for (LevelResult l : run.levels()) {
        assertThat(l.accepted()).isEqualTo(40);
        assertThat(l.recipientsPerSecond())
            .isCloseTo(2 * l.throughputPerSecond(), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(l.latency().count()).isEqualTo(40);
        assertThat(l.connectionsOpened()).isLessThanOrEqualTo(l.concurrency());
      }
      assertThat(sim.core().inbox().total()).isEqualTo(120);
      assertThat(run.kneeNote()).contains("knee");
    }
  }

  @Test
  void run_sesSmtpEndpoint_deliversOverStarttls() throws Exception {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("max-send-rate=unlimited"))) {
      BenchOptions base = options(sim, List.of(4), 40, true);
      BenchOptions o =
          new BenchOptions(
              UpstreamUrl.parse("ses-smtp://AKID:pw@127.0.0.1:" + sim.smtpPort(), "us-east-1"),
              base.levels(),
              1,
              40,
              base.duration(),
              base.warmup(),
              base.recipients(),
              2,
              1024,
              -1,
              true,
              false,
              null,
              null,
              sim.certificate().clientContext(),
              HttpClientKind.APACHE5);
      LevelResult l = new Bench(o, Progress.NONE, List.of()).run(Bench.describe(o)).levels().get(0);
      assertThat(l.accepted()).isEqualTo(40);
      assertThat(l.connectionsOpened()).isLessThanOrEqualTo(4);
      assertThat(sim.core().inbox().recent(1, m -> true).get(0).via())
          .isEqualTo(dev.sluice.simulator.SesInterface.SMTP);
    }
  }

  @Test
  void run_withoutKeepAlive_opensAConnectionPerCall() throws Exception {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("max-send-rate=unlimited"))) {
      BenchOptions o = options(sim, List.of(2), 30, false);
      LevelResult l = new Bench(o, Progress.NONE, List.of()).run(Bench.describe(o)).levels().get(0);
      assertThat(l.accepted()).isEqualTo(30);
      assertThat(l.connectionsOpened()).isGreaterThanOrEqualTo(30);
    }
  }

  @Test
  void run_throttledTarget_countsThrottlesAndStillDelivers() throws Exception {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("max-send-rate=20/s"))) {
      BenchOptions o = shapedTo(options(sim, List.of(4), 40, true), 60, 1);
      LevelResult l = new Bench(o, Progress.NONE, List.of()).run(Bench.describe(o)).levels().get(0);
      assertThat(l.accepted()).isEqualTo(40);
      assertThat(l.throttled()).isPositive();
      assertThat(l.attempts()).isEqualTo(l.accepted() + l.throttled());
    }
  }

  private static BenchOptions shapedTo(BenchOptions base, double rate, int processes) {
    return new BenchOptions(
        base.target(),
        base.levels(),
        processes,
        base.messages(),
        base.duration(),
        base.warmup(),
        base.recipients(),
        1,
        1024,
        rate,
        true,
        false,
        base.credentials(),
        null,
        null,
        HttpClientKind.APACHE5);
  }

  @Test
  void run_settingsSayTheRateShapedTo_readFromTheTargetOrSetByHand() throws Exception {
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("max-send-rate=50/s"))) {
      BenchOptions base = options(sim, List.of(2), 10, true);

      BenchOptions account = shapedTo(base, Double.NaN, 1);
      BenchRun run = new Bench(account, Progress.NONE, List.of()).run(Bench.describe(account));
      assertThat(run.settings())
          .containsEntry("shaping", "the target's MaxSendRate, 50/s when read at the start");
      assertThat(run.levels().get(0).throttled()).as("shaped to what it read").isZero();

      BenchOptions byHand = shapedTo(base, 20, 1);
      assertThat(new Bench(byHand, Progress.NONE, List.of()).run(Bench.describe(byHand)).settings())
          .containsEntry("shaping", "20/s (--max-send-rate)");
      BenchOptions none = shapedTo(base, -1, 1);
      assertThat(new Bench(none, Progress.NONE, List.of()).shaping())
          .isEqualTo("none (--max-send-rate unlimited)");
      assertThat(new Bench(shapedTo(base, Double.NaN, 3), Progress.NONE, List.of()).shaping())
          .isEqualTo(
              "the target's MaxSendRate, 50/s when read at the start, in each of 3 processes");
    }
    try (Simulator sim = Simulator.start(SimulatorConfig.onFreePorts("max-send-rate=unlimited"))) {
      BenchOptions account = shapedTo(options(sim, List.of(1), 5, true), Double.NaN, 1);
      assertThat(new Bench(account, Progress.NONE, List.of()).shaping())
          .isEqualTo("none: the target's MaxSendRate is unlimited");
      BenchOptions smtp =
          new BenchOptions(
              UpstreamUrl.parse("smtp://127.0.0.1:" + sim.smtpPort(), "us-east-1"),
              List.of(1),
              1,
              5,
              account.duration(),
              account.warmup(),
              account.recipients(),
              1,
              1024,
              Double.NaN,
              true,
              false,
              null,
              null,
              null,
              HttpClientKind.APACHE5);
      assertThat(new Bench(smtp, Progress.NONE, List.of()).shaping())
          .startsWith("none: no MaxSendRate could be read from the target (");
    }
  }
}
