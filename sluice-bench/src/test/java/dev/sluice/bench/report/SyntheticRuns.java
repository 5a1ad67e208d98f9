package dev.sluice.bench.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds bench runs with made-up but plausible numbers for the report tests. */
final class SyntheticRuns {

  static final Instant STARTED = Instant.parse("2025-05-04T10:15:30Z");

  private SyntheticRuns() {}

  /** A level measured for 10 s with the given throughput and latencies, one recipient a call. */
  static LevelResult level(int concurrency, double throughput, double p50, double p99) {
    long accepted = Math.round(throughput * 10);
    return new LevelResult(
        concurrency,
        1,
        accepted + concurrency,
        accepted,
        concurrency / 4,
        concurrency / 8,
        0,
        10.0,
        throughput,
        throughput * 2,
        new LatencySummary(
            accepted, p50, (p50 + p99) / 2, p99, p99 * 1.5, p99 * 2, (p50 * 3 + p99) / 4),
        concurrency);
  }

  /** Levels at concurrency 1, 2, 4 … with the given throughputs and a latency that grows. */
  static List<LevelResult> curve(double... throughputs) {
    List<LevelResult> levels = new ArrayList<>();
    for (int i = 0; i < throughputs.length; i++) {
      levels.add(level(1 << i, throughputs[i], 10 + i, 14 + 3 * i * i));
    }
    return levels;
  }

  /** Six levels, 1 to 32, saturating at concurrency 8 (the knee, index 3). */
  static BenchRun sixLevels() {
    List<LevelResult> levels =
        List.of(
            level(1, 95.2, 10.4, 14.1),
            level(2, 185.0, 10.8, 16.0),
            level(4, 350.5, 11.4, 21.3),
            level(8, 610.0, 13.1, 35.0),
            level(16, 640.0, 25.0, 80.2),
            level(32, 620.0, 51.0, 190.5));
    return run(levels);
  }

  /** A run over the given levels with a few settings, one of them hostile markup. */
  static BenchRun run(List<LevelResult> levels) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("duration per level", "10s");
    settings.put("max concurrency", "32");
    settings.put("sender", "<script>alert('x')</script> & \"friends\"");
    settings.put("recipients per call", "2");
    return new BenchRun(
        "http://127.0.0.1:8480", "sesv2-http", settings, levels, STARTED, Knee.describe(levels));
  }
}
