package dev.sluice.feedback.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The intake's counters, tagged by source ({@code sns} or {@code sqs}): {@code
 * sluice.feedback.received} (every message), {@code .recorded}, {@code .duplicate}, {@code
 * .confirmed}, {@code .ignored}, {@code .failed} and {@code .refused} (tagged {@code reason}).
 *
 * <p>Thread-safe.
 */
final class IntakeMetrics {
  private final Counter received;
  private final Map<IntakeOutcome.Kind, Counter> byKind = new EnumMap<>(IntakeOutcome.Kind.class);
  private final Map<SnsRefusal.Reason, Counter> refused = new EnumMap<>(SnsRefusal.Reason.class);

  IntakeMetrics(MeterRegistry registry, String source) {
    received =
        Counter.builder("sluice.feedback.received")
            .description("SES event messages received")
            .tag("source", source)
            .register(registry);
    for (IntakeOutcome.Kind k : IntakeOutcome.Kind.values()) {
      if (k != IntakeOutcome.Kind.REFUSED) {
        byKind.put(
            k,
            Counter.builder("sluice.feedback." + k.name().toLowerCase(java.util.Locale.ROOT))
                .description("SES event messages " + k.name().toLowerCase(java.util.Locale.ROOT))
                .tag("source", source)
                .register(registry));
      }
    }
    for (SnsRefusal.Reason r : SnsRefusal.Reason.values()) {
      refused.put(
          r,
          Counter.builder("sluice.feedback.refused")
              .description("SES event messages refused, by reason")
              .tag("source", source)
              .tag("reason", r.tag())
              .register(registry));
    }
  }

  void received() {
    received.increment();
  }

  /** Counts an outcome; returns it, for chaining. */
  IntakeOutcome count(IntakeOutcome o) {
    if (o.kind() == IntakeOutcome.Kind.REFUSED) {
      refused.get(o.refusal()).increment();
    } else {
      byKind.get(o.kind()).increment();
    }
    return o;
  }
}
