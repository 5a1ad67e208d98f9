package dev.sluice.app.admin;

import dev.sluice.core.transport.AccountQuota;
import dev.sluice.ses.SesSender;
import java.util.Objects;
import java.util.Optional;

/**
 * The delivery engine's live numbers that {@link RelayMetrics} reads when asked: its shaping, the
 * account's limits, calls in flight and connections. {@link #of(SesSender)} reads them from a
 * {@link SesSender}.
 *
 * <p>Implementations are thread-safe.
 */
public interface SenderView {
  /** The rate sending is shaped to now, recipients per second; negative when unlimited. */
  double shapedRate();

  /** MaxSendRate, or the rate set by hand; negative when unlimited. */
  double maxSendRate();

  /** The account's limits and 24-hour usage as last read, if read. */
  Optional<AccountQuota> quota();

  /** Whether sending waits because the 24-hour quota is spent. */
  boolean dailyPaused();

  /** Upstream calls in flight. */
  int inFlight();

  /** Connections opened to the upstream since start. */
  long connectionsOpened();

  /** The live numbers of a {@link SesSender}. */
  static SenderView of(SesSender sender) {
    Objects.requireNonNull(sender, "sender");
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
      public Optional<AccountQuota> quota() {
        return sender.quota();
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
      public long connectionsOpened() {
        return sender.transport().connectionsOpened();
      }
    };
  }
}
