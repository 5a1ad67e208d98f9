package dev.sluice.ses;

import dev.sluice.core.transport.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of one {@link SesSender}: upstream calls by result, shaper deferrals, and gauges read
 * from the sender when scraped.
 *
 * <p>Thread-safe (Micrometer's meters are).
 */
final class SenderMetrics {
  final Counter accepted;
  final Counter throttled;
  final Counter transientFailures;
  final Counter permanentFailures;
  final Counter shaperDeferrals;

  SenderMetrics(MeterRegistry registry) {
    this.accepted = call(registry, "accepted");
    this.throttled = call(registry, "throttled");
    this.transientFailures = call(registry, "transient");
    this.permanentFailures = call(registry, "permanent");
    this.shaperDeferrals =
        Counter.builder("sluice.sender.shaper.deferrals")
            .description(
                "Messages sent back to the spool because the send rate was booked too far ahead")
            .register(registry);
  }

  /** Registers the gauges that read {@code sender} and its transport. */
  void gauges(MeterRegistry registry, SesSender sender, Transport transport) {
    Gauge.builder("sluice.sender.shaper.ahead", sender, SesSender::bookedAheadSeconds)
        .description("Seconds of sends the shaper has promised ahead of now")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("sluice.sender.in.flight", sender, SesSender::inFlight)
        .description("Upstream calls in flight")
        .register(registry);
    Gauge.builder("sluice.sender.rate", sender, SesSender::currentRate)
        .description("The shaped rate in recipients per second (negative: unlimited)")
        .register(registry);
    Gauge.builder("sluice.sender.rate.ceiling", sender, SesSender::rateCeiling)
        .description("MaxSendRate, or the rate set by hand")
        .register(registry);
    Gauge.builder(
            "sluice.sender.account.closed", sender, s -> s.gate().closure().isPresent() ? 1 : 0)
        .description("1 while the account cannot send (daily quota, paused, rate booked ahead)")
        .register(registry);
    Gauge.builder("sluice.sender.connections.opened", transport, Transport::connectionsOpened)
        .description("Connections opened to the upstream")
        .register(registry);
  }

  private static Counter call(MeterRegistry r, String result) {
    return Counter.builder("sluice.sender.calls")
        .tag("result", result)
        .description("Upstream calls by result")
        .register(r);
  }
}
