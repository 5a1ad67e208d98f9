package dev.sluice.ses;

import dev.sluice.core.transport.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

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

  private final Tags tags;

  SenderMetrics(MeterRegistry registry, Tags tags) {
    this.tags = tags;
    this.accepted = call(registry, "accepted", tags);
    this.throttled = call(registry, "throttled", tags);
    this.transientFailures = call(registry, "transient", tags);
    this.permanentFailures = call(registry, "permanent", tags);
    this.shaperDeferrals =
        Counter.builder("sluice.sender.shaper.deferrals")
            .tags(tags)
            .description(
                "Messages sent back to the spool because the send rate was booked too far ahead")
            .register(registry);
  }

  /** Registers the gauges that read {@code sender} and its transport. */
  void gauges(MeterRegistry registry, SesSender sender, Transport transport) {
    Gauge.builder("sluice.sender.shaper.ahead", sender, SesSender::bookedAheadSeconds)
        .description("Seconds of sends the shaper has promised ahead of now")
        .baseUnit("seconds")
        .tags(tags)
        .register(registry);
    Gauge.builder("sluice.sender.in.flight", sender, SesSender::inFlight)
        .description("Upstream calls in flight")
        .tags(tags)
        .register(registry);
    Gauge.builder("sluice.sender.rate", sender, SesSender::currentRate)
        .description("The shaped rate in recipients per second (negative: unlimited)")
        .tags(tags)
        .register(registry);
    Gauge.builder("sluice.sender.rate.ceiling", sender, SesSender::rateCeiling)
        .description("MaxSendRate, or the rate set by hand")
        .tags(tags)
        .register(registry);
    Gauge.builder(
            "sluice.sender.account.closed", sender, s -> s.gate().closure().isPresent() ? 1 : 0)
        .description("1 while the account cannot send (daily quota, paused, rate booked ahead)")
        .tags(tags)
        .register(registry);
    Gauge.builder("sluice.sender.connections.opened", transport, Transport::connectionsOpened)
        .description("Connections opened to the upstream")
        .tags(tags)
        .register(registry);
  }

  private static Counter call(MeterRegistry r, String result, Tags tags) {
    return Counter.builder("sluice.sender.calls")
        .tags(tags)
        .tag("result", result)
        .description("Upstream calls by result")
        .register(r);
  }
}
