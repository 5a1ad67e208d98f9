package dev.sluice.simulator;

import dev.sluice.core.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A response-latency distribution: fixed ({@code 50ms}), uniform ({@code uniform:20ms..80ms}) or
 * lognormal given its median and 99th percentile ({@code lognormal:p50=40ms,p99=200ms}). Real SES
 * calls take tens of milliseconds with a long tail, which the lognormal form models.
 *
 * <p>Immutable; thread-safe (callers pass their own random source).
 */
public sealed interface LatencySpec {
  /** Draws one latency in nanoseconds. */
  long sampleNanos(SplittableRandom random);

  /** The text form this spec was parsed from. */
  String text();

  /** Always the same delay. */
  record Fixed(Duration delay) implements LatencySpec {
    @Override
    public long sampleNanos(SplittableRandom random) {
      return delay.toNanos();
    }

    @Override
    public String text() {
      return Durations.format(delay);
    }
  }

  /** Uniform between two bounds. */
  record Uniform(Duration min, Duration max) implements LatencySpec {
    @Override
    public long sampleNanos(SplittableRandom random) {
      long lo = min.toNanos();
      long hi = max.toNanos();
      return lo == hi ? lo : random.nextLong(lo, hi + 1);
    }

    @Override
    public String text() {
      return "uniform:" + Durations.format(min) + ".." + Durations.format(max);
    }
  }

  /** Lognormal with the given median and 99th percentile. */
  record LogNormal(Duration p50, Duration p99) implements LatencySpec {
    private static final double Z99 = 2.3263478740408408;

    @Override
    public long sampleNanos(SplittableRandom random) {
      double mu = Math.log(p50.toNanos());
      double sigma = (Math.log(p99.toNanos()) - mu) / Z99;
      return Math.round(Math.exp(mu + sigma * gaussian(random)));
    }

    @Override
    public String text() {
      return "lognormal:p50=" + Durations.format(p50) + ",p99=" + Durations.format(p99);
    }

    private static double gaussian(SplittableRandom r) {
      // Box-Muller; one value per call keeps the sampler stateless.
      double u1 = 1.0 - r.nextDouble();
      double u2 = r.nextDouble();
      return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
  }

  /** No delay. */
  LatencySpec ZERO = new Fixed(Duration.ZERO);

  /** Parses one of the three forms. */
  static LatencySpec parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    String expected =
        "expected a latency such as 50ms, uniform:20ms..80ms or lognormal:p50=40ms,p99=200ms, got '"
            + text
            + "'";
    try {
      if (t.startsWith("uniform:")) {
        String[] parts = t.substring("uniform:".length()).split("\\.\\.", -1);
        if (parts.length != 2) {
          throw new IllegalArgumentException(expected);
        }
        Duration min = Durations.parse(parts[0]);
        Duration max = Durations.parse(parts[1]);
        if (max.compareTo(min) < 0) {
          throw new IllegalArgumentException(
              "uniform latency needs min <= max, got '" + text + "'");
        }
        return new Uniform(min, max);
      }
      if (t.startsWith("lognormal:")) {
        Duration p50 = null;
        Duration p99 = null;
        for (String part : t.substring("lognormal:".length()).split(",", -1)) {
          String[] kv = part.split("=", 2);
          if (kv.length != 2) {
            throw new IllegalArgumentException(expected);
          }
          switch (kv[0].strip()) {
            case "p50" -> p50 = Durations.parse(kv[1]);
            case "p99" -> p99 = Durations.parse(kv[1]);
            default -> throw new IllegalArgumentException(expected);
          }
        }
        if (p50 == null || p99 == null || p50.isZero() || p99.compareTo(p50) < 0) {
          throw new IllegalArgumentException(
              "lognormal latency needs 0 < p50 <= p99, got '" + text + "'");
        }
        return new LogNormal(p50, p99);
      }
      return new Fixed(Durations.parse(t));
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith("expected a duration")) {
        throw new IllegalArgumentException(expected, e);
      }
      throw e;
    }
  }
}
