package dev.sluice.app.admin;

import dev.sluice.core.spool.Spool;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the admin server reads from a running relay: its spool, for counts, listings and operator
 * changes, and a snapshot of delivery. The relay implements it (or builds one with {@link #of});
 * the admin server knows nothing else about the relay.
 *
 * <p>Implementations are thread-safe: the server calls them from its worker threads.
 */
public interface RelayView {
  /** The relay's spool; the admin server lists, retries and deletes through it. */
  Spool spool();

  /** How delivery stands now; called for every {@code /api/stats} request, so keep it cheap. */
  DeliveryStatus status();

  /** A view of a spool and a status source. */
  static RelayView of(Spool spool, Supplier<DeliveryStatus> status) {
    Objects.requireNonNull(spool, "spool");
    Objects.requireNonNull(status, "status");
    return new RelayView() {
      @Override
      public Spool spool() {
        return spool;
      }

      @Override
      public DeliveryStatus status() {
        return status.get();
      }
    };
  }
}
