package dev.sluice.app.admin;

import dev.sluice.core.Clock;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.ForwardingTransport;
import dev.sluice.core.transport.Transport;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A transport that notes when the account's limits were last read through it, so the status can say
 * how old the 24-hour figure is. Everything else passes straight through.
 *
 * <p>Thread-safe.
 */
public final class QuotaStamp extends ForwardingTransport {
  private final Clock clock;
  private volatile Instant lastRead;

  /** Wraps {@code transport}; reads are dated by {@code clock}. */
  public QuotaStamp(Transport transport, Clock clock) {
    super(transport);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** When {@link #quota()} last returned the account's limits, if it has. */
  public Optional<Instant> lastRead() {
    return Optional.ofNullable(lastRead);
  }

  @Override
  public Optional<AccountQuota> quota() {
    Optional<AccountQuota> q = transport.quota();
    if (q.isPresent()) {
      lastRead = Instant.ofEpochMilli(clock.millis());
    }
    return q;
  }
}
