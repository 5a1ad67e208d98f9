package dev.sluice.app.admin;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How delivery stands at one moment: the numbers the status page, {@code sluice status} and {@code
 * GET /api/stats} show besides the spool's own counts. Rates are in recipients per second, as SES
 * counts them; a negative rate means unlimited and NaN means not known (nothing read yet).
 *
 * @param upstream where mail goes, in words (e.g. "Amazon SES v2 API in eu-west-1"); empty when the
 *     relay only holds mail
 * @param delivering whether the relay delivers at all (false: it only holds mail in the spool)
 * @param sendRate recipients accepted upstream per second, over the last {@link #RATE_SECONDS}
 *     seconds
 * @param shapedLimit the rate sending is shaped to now (MaxSendRate after any cut for throttles)
 * @param maxSendRate the account's MaxSendRate, or the rate set by hand
 * @param quota the account's limits and 24-hour usage as last read, with this relay's sends since,
 *     if read
 * @param dailyPaused whether sending waits because the 24-hour quota is spent
 * @param inFlight upstream calls in flight
 * @param bookedAheadSeconds seconds of sends the shaper has promised ahead of now: calls waiting
 *     for the rate (the reason a message taken for delivery is not yet in flight)
 * @param connectionsOpened connections opened to the upstream since start
 * @param throttlesLastMinute calls the upstream refused as over the rate or quota in the last 60 s
 * @param totals messages counted since start
 * @param recentFailures the last failures and deferrals, newest first
 * @param history per-second rates over the last minutes, for the chart
 * @param routes each route, the default one first (the default route alone when no routes are
 *     configured); empty while mail is held. With several, the numbers above are their sums: rates,
 *     quota and calls in flight over every route, paused for the daily quota only when every route
 *     is
 * @param traffic each traffic class and each tenant's cap against its limits
 */
public record DeliveryStatus(
    String upstream,
    boolean delivering,
    double sendRate,
    double shapedLimit,
    double maxSendRate,
    Optional<QuotaReading> quota,
    boolean dailyPaused,
    int inFlight,
    double bookedAheadSeconds,
    long connectionsOpened,
    long throttlesLastMinute,
    Totals totals,
    List<RecentFailures.Failure> recentFailures,
    History history,
    List<RouteStatus> routes,
    Traffic traffic) {

  /** The span {@link #sendRate} is measured over. */
  public static final int RATE_SECONDS = 10;

  /** Checks for nulls and copies the list. */
  public DeliveryStatus {
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(quota, "quota");
    Objects.requireNonNull(totals, "totals");
    recentFailures = List.copyOf(recentFailures);
    Objects.requireNonNull(history, "history");
    routes = List.copyOf(routes);
    Objects.requireNonNull(traffic, "traffic");
  }

  /**
   * The traffic classes and the tenants' caps.
   *
   * @param classes each class in order
   * @param tenants each tenant's caps in order
   */
  public record Traffic(List<ClassLine> classes, List<TenantLine> tenants) {
    /** Nothing to show. */
    public static final Traffic NONE = new Traffic(List.of(), List.of());

    /** Copies the lists. */
    public Traffic {
      classes = List.copyOf(classes);
      tenants = List.copyOf(tenants);
    }
  }

  /**
   * One traffic class against its limits.
   *
   * @param name the class
   * @param share its guaranteed share of the rate, 0 to 1
   * @param sendRate recipients given their turn at the rate per second, over the last {@link
   *     #RATE_SECONDS} seconds, every route's together (NaN until measured)
   * @param inFlight its messages taken and not yet recorded
   * @param reservedSlots in-flight slots reserved for it (the rest are common)
   * @param waitingRecipients recipients waiting for their turn at the rate
   * @param grantedRecipients recipients given their turn since start
   */
  public record ClassLine(
      String name,
      double share,
      double sendRate,
      int inFlight,
      int reservedSlots,
      long waitingRecipients,
      long grantedRecipients) {
    /** This line with its send rate measured. */
    public ClassLine withSendRate(double rate) {
      return new ClassLine(
          name, share, rate, inFlight, reservedSlots, waitingRecipients, grantedRecipients);
    }
  }

  /**
   * One tenant's cap against its use.
   *
   * @param tenant e.g. {@code user:app}
   * @param window the cap's window, e.g. {@code 1h}
   * @param cap messages per window
   * @param used messages counted in the current window
   * @param windowEnds when the current window ends
   * @param waiting messages the cap has held back in the current window, waiting in the spool for
   *     it to end (counted since the relay started)
   */
  public record TenantLine(
      String tenant,
      String window,
      long cap,
      long used,
      java.time.Instant windowEnds,
      long waiting) {}

  /**
   * The status of a relay that holds mail without delivering it: nothing sent, nothing known about
   * the account.
   */
  public static DeliveryStatus holding(Totals totals, History history) {
    return new DeliveryStatus(
        "",
        false,
        0,
        Double.NaN,
        Double.NaN,
        Optional.empty(),
        false,
        0,
        0,
        0,
        0,
        totals,
        List.of(),
        history,
        List.of(),
        Traffic.NONE);
  }

  /**
   * Messages counted since the relay started.
   *
   * @param accepted messages accepted by ingress (made durable in the spool)
   * @param delivered messages accepted upstream for every recipient
   * @param deferred delivery attempts that ended in a deferral
   * @param failed messages that failed for good
   */
  public record Totals(long accepted, long delivered, long deferred, long failed) {
    /** All zero. */
    public static final Totals ZERO = new Totals(0, 0, 0, 0);
  }

  /**
   * Per-second series over the same seconds, oldest first.
   *
   * @param sent recipients accepted upstream in each second
   * @param limit the shaped rate sampled in each second (NaN where not sampled, negative when
   *     unlimited)
   * @param throttles throttled calls in each second
   */
  public record History(
      RateWindow.Series sent, RateWindow.Series limit, RateWindow.Series throttles) {
    /** Checks that the series cover the same seconds. */
    public History {
      if (sent.endSecond() != limit.endSecond()
          || sent.endSecond() != throttles.endSecond()
          || sent.values().length != limit.values().length
          || sent.values().length != throttles.values().length) {
        throw new IllegalArgumentException("the series of a history must cover the same seconds");
      }
    }

    /** A history of {@code seconds} seconds ending at {@code endSecond} with nothing in it. */
    public static History empty(long endSecond, int seconds) {
      double[] nan = new double[seconds];
      java.util.Arrays.fill(nan, Double.NaN);
      return new History(
          RateWindow.Series.zeros(endSecond, seconds),
          new RateWindow.Series(endSecond, nan),
          RateWindow.Series.zeros(endSecond, seconds));
    }
  }
}
