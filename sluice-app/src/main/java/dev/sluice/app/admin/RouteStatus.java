package dev.sluice.app.admin;

import java.util.Objects;
import java.util.Optional;

/**
 * How one route stands, for the status page, {@code sluice status} and {@code GET /api/stats}.
 *
 * @param name the route's name ({@code default} for {@code relay.upstream})
 * @param upstream where it delivers, in words
 * @param region the AWS region it signs for
 * @param sendRate recipients it had accepted upstream per second, over the last {@link
 *     DeliveryStatus#RATE_SECONDS} seconds
 * @param shapedLimit the rate its sending is shaped to now, recipients per second; negative when
 *     unlimited
 * @param maxSendRate its account's MaxSendRate, or the rate set by hand
 * @param quota its account's limits and 24-hour usage as last read, with its sends since, if read
 * @param inFlight its upstream calls in flight
 * @param health {@code ok}, or why it cannot send now and for how long
 * @param failOver the route it fails over to, or empty for none
 * @param sendsVia the route its mail goes to now: itself, its fail-over, or empty when none on its
 *     chain can send (its mail waits in the spool)
 */
public record RouteStatus(
    String name,
    String upstream,
    String region,
    double sendRate,
    double shapedLimit,
    double maxSendRate,
    Optional<QuotaReading> quota,
    int inFlight,
    String health,
    String failOver,
    String sendsVia) {
  /** Checks for nulls. */
  public RouteStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(quota, "quota");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(failOver, "failOver");
    Objects.requireNonNull(sendsVia, "sendsVia");
  }
}
