package dev.sluice.app.admin;

import dev.sluice.core.transport.AccountQuota;
import dev.sluice.ses.SesSender;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The delivery engine's live numbers that {@link RelayMetrics} reads when asked: its shaping, the
 * account's limits, calls in flight and connections. {@link #of(SesSender, QuotaStamp)} reads them
 * from a {@link SesSender}.
 *
 * <p>Implementations are thread-safe.
 */
public interface SenderView {
  /** The rate sending is shaped to now, recipients per second; negative when unlimited. */
  double shapedRate();

  /** MaxSendRate, or the rate set by hand; negative when unlimited. */
  double maxSendRate();

  /** The account's limits and 24-hour usage as last read with the sends since, if read. */
  Optional<QuotaReading> quota();

  /** Whether sending waits because the 24-hour quota is spent. */
  boolean dailyPaused();

  /** Upstream calls in flight. */
  int inFlight();

  /** Seconds of sends the shaper has promised ahead of now (calls waiting for the rate). */
  double bookedAheadSeconds();

  /** Connections opened to the upstream since start. */
  long connectionsOpened();

  /**
   * The numbers of several engines (a relay's routes) as one: rates, calls in flight and
   * connections summed (unlimited when any is, unknown when any is), the quota summed once every
   * engine has read its own (dated by the oldest read), paused for the daily quota only when every
   * engine is, booked ahead as far as the furthest.
   */
  static SenderView total(List<SenderView> views) {
    List<SenderView> all = List.copyOf(views);
    if (all.size() == 1) {
      return all.getFirst();
    }
    return new SenderView() {
      @Override
      public double shapedRate() {
        return sum(SenderView::shapedRate);
      }

      @Override
      public double maxSendRate() {
        return sum(SenderView::maxSendRate);
      }

      @Override
      public Optional<QuotaReading> quota() {
        double max = 0;
        double sent = 0;
        double rate = 0;
        boolean enabled = false;
        long since = 0;
        Instant oldest = null;
        for (SenderView v : all) {
          Optional<QuotaReading> q = v.quota();
          if (q.isEmpty()) {
            return Optional.empty();
          }
          AccountQuota a = q.get().account();
          max = max < 0 || a.max24HourSend() < 0 ? -1 : max + a.max24HourSend();
          rate = rate < 0 || a.maxSendRate() < 0 ? -1 : rate + a.maxSendRate();
          sent += a.sentLast24Hours();
          enabled |= a.sendingEnabled();
          since += q.get().sentSinceRead();
          oldest = oldest == null || q.get().readAt().isBefore(oldest) ? q.get().readAt() : oldest;
        }
        return Optional.of(
            new QuotaReading(new AccountQuota(rate, max, sent, enabled), oldest, since));
      }

      @Override
      public boolean dailyPaused() {
        return all.stream().allMatch(SenderView::dailyPaused);
      }

      @Override
      public int inFlight() {
        return all.stream().mapToInt(SenderView::inFlight).sum();
      }

      @Override
      public double bookedAheadSeconds() {
        return all.stream().mapToDouble(SenderView::bookedAheadSeconds).max().orElse(0);
      }

      @Override
      public long connectionsOpened() {
        return all.stream().mapToLong(SenderView::connectionsOpened).sum();
      }

      private double sum(java.util.function.ToDoubleFunction<SenderView> f) {
        double total = 0;
        for (SenderView v : all) {
          double x = f.applyAsDouble(v);
          if (Double.isNaN(x)) {
            return Double.NaN;
          }
          if (x < 0 || total < 0) {
            total = -1;
          } else {
            total += x;
          }
        }
        return total;
      }
    };
  }

  /**
   * The live numbers of a {@link SesSender}.
   *
   * @param stamp the sender's transport, which dates each read of the account's limits
   */
  static SenderView of(SesSender sender, QuotaStamp stamp) {
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(stamp, "stamp");
    return new SenderView() {
      @Override
      public double shapedRate() {
        return sender.currentRate();
      }

      @Override
      public double maxSendRate() {
        return sender.rateCeiling();
      }

      @Override
      public Optional<QuotaReading> quota() {
        // Three reads, not one snapshot: right after a refresh the count of sends since may not be
        // reset yet for a moment, which shows those sends twice until the next look.
        Optional<AccountQuota> q = sender.quota();
        long since = sender.sentSinceRefresh();
        return q.map(
            a -> new QuotaReading(a, stamp.lastRead().orElseGet(Instant::now), Math.max(0, since)));
      }

      @Override
      public boolean dailyPaused() {
        return sender.dailyPaused();
      }

      @Override
      public int inFlight() {
        return sender.inFlight();
      }

      @Override
      public double bookedAheadSeconds() {
        return sender.bookedAheadSeconds();
      }

      @Override
      public long connectionsOpened() {
        return sender.transport().connectionsOpened();
      }
    };
  }
}
