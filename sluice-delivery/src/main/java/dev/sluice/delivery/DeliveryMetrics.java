package dev.sluice.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The scheduler's meters: outcomes recorded by type ({@code sluice.delivery.outcomes}), messages in
 * flight ({@code sluice.delivery.in.flight}), and the time from taking a message to recording its
 * outcome ({@code sluice.delivery.latency}).
 *
 * <p>Thread-safe.
 */
final class DeliveryMetrics {
  private final Map<DeliveryEvent.Type, Counter> outcomes = new EnumMap<>(DeliveryEvent.Type.class);
  private final Timer latency;

  DeliveryMetrics(MeterRegistry registry, Supplier<Number> inFlight) {
    for (DeliveryEvent.Type t : DeliveryEvent.Type.values()) {
      outcomes.put(
          t,
          Counter.builder("sluice.delivery.outcomes")
              .tag("type", t.name().toLowerCase(Locale.ROOT))
              .description("Delivery outcomes recorded in the spool")
              .register(registry));
    }
    Gauge.builder("sluice.delivery.in.flight", inFlight)
        .description("Messages taken from the spool whose outcome is not recorded yet")
        .register(registry);
    this.latency =
        Timer.builder("sluice.delivery.latency")
            .description("From taking a message to recording its outcome")
            .register(registry);
  }

  void recorded(DeliveryEvent.Type type, Duration took) {
    outcomes.get(type).increment();
    latency.record(took);
  }
}
