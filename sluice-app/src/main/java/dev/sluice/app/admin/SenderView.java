package dev.sluice.app.admin;

import dev.sluice.core.transport.AccountQuota;
import dev.sluice.ses.SesSender;
import java.time.Instant;
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
