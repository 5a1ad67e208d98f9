package dev.sluice.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencySpecTest {
  @Test
  void parse_threeForms_roundTripThroughText() {
    for (String s :
        new String[] {"50ms", "uniform:20ms..80ms", "lognormal:p50=40ms,p99=200ms", "0ms"}) {
      assertThat(LatencySpec.parse(s).text()).isEqualTo(s);
    }
    assertThat(LatencySpec.parse("1s")).isEqualTo(new LatencySpec.Fixed(Duration.ofSeconds(1)));
  }

  @Test
  void parse_badInput_namesTheForms() {
    for (String s :
        new String[] {
          "slow",
          "uniform:80ms",
          "uniform:80ms..20ms",
          "lognormal:p50=40ms",
          "lognormal:p99=1ms,p50=2ms",
          "lognormal:x=1ms,p99=2ms"
        }) {
      assertThatThrownBy(() -> LatencySpec.parse(s))
          .as(s)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> LatencySpec.parse("slow"))
        .hasMessageContaining("lognormal:p50=40ms,p99=200ms");
  }

  @Test
  void sample_uniform_staysWithinBounds() {
    SplittableRandom r = new SplittableRandom(7);
    LatencySpec u = LatencySpec.parse("uniform:20ms..80ms");
    for (int i = 0; i < 10_000; i++) {
      assertThat(u.sampleNanos(r)).isBetween(20_000_000L, 80_000_000L);
    }
  }

  @Test
  void sample_lognormal_hasTheRequestedPercentiles() {
    SplittableRandom r = new SplittableRandom(11);
    LatencySpec l = LatencySpec.parse("lognormal:p50=40ms,p99=200ms");
    long[] xs = new long[100_000];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = l.sampleNanos(r);
    }
    Arrays.sort(xs);
    assertThat(xs[50_000] / 1e6).isCloseTo(40, org.assertj.core.data.Offset.offset(1.5));
    assertThat(xs[99_000] / 1e6).isCloseTo(200, org.assertj.core.data.Offset.offset(15.0));
  }

  @Test
  void randomFaultInjector_drawsFaultsInProportion() {
    FaultSpec spec = new FaultSpec(0.1, 0.2, 0.05, 0.05);
    RandomFaultInjector inj =
        new RandomFaultInjector(
            Map.of(SesInterface.V2, LatencySpec.parse("5ms")), Map.of(SesInterface.V2, spec), 3);
    int[] counts = new int[Injection.Kind.values().length];
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      Injection x = inj.next(SesInterface.V2);
      counts[x.kind().ordinal()]++;
      assertThat(x.latency()).isEqualTo(Duration.ofMillis(5));
    }
    assertThat(counts[Injection.Kind.ERROR_500.ordinal()] / (double) n).isBetween(0.09, 0.11);
    assertThat(counts[Injection.Kind.ERROR_503.ordinal()] / (double) n).isBetween(0.19, 0.21);
    assertThat(counts[Injection.Kind.RESET.ordinal()] / (double) n).isBetween(0.04, 0.06);
    assertThat(counts[Injection.Kind.HANG.ordinal()] / (double) n).isBetween(0.04, 0.06);
    assertThat(inj.next(SesInterface.V1)).isSameAs(Injection.NONE);
  }

  @Test
  void faultSpec_probabilitiesOverOne_areRejected() {
    assertThatThrownBy(() -> new FaultSpec(0.5, 0.5, 0.1, 0)).hasMessageContaining("more than 1");
    assertThat(FaultSpec.parseProbability("5%")).isEqualTo(0.05);
    assertThatThrownBy(() -> FaultSpec.parseProbability("2"))
        .hasMessageContaining("between 0 and 1");
  }
}
