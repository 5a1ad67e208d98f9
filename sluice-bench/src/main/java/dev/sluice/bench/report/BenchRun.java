package dev.sluice.bench.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One {@code sluice bench} run: what was measured, how, and the result of every concurrency level.
 *
 * <p>Immutable: the settings keep their insertion order (the order the report shows them) in an
 * unmodifiable copy, and the levels are copied.
 *
 * @param target the upstream measured, e.g. an endpoint URL or {@code simulator}
 * @param transport how calls were made, e.g. {@code sesv2-http} or {@code smtp}
 * @param settings the run's settings in display order
 * @param levels one result per concurrency level, in ramp order
 * @param started when the run started
 * @param kneeNote a sentence about the knee for people (may be empty, never null)
 */
public record BenchRun(
    String target,
    String transport,
    Map<String, String> settings,
    List<LevelResult> levels,
    Instant started,
    String kneeNote) {

  /** Copies the settings and levels; a null knee note becomes empty. */
  public BenchRun {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(started, "started");
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    settings.forEach(
        (k, v) -> {
          Objects.requireNonNull(k, "setting name");
          Objects.requireNonNull(v, () -> "value of setting " + k);
        });
    levels = List.copyOf(levels);
    kneeNote = kneeNote == null ? "" : kneeNote;
  }

  /** Returns the index in {@link #levels()} of the knee, as {@link Knee#find(List)} defines it. */
  public OptionalInt kneeIndex() {
    return Knee.find(levels);
  }
}
