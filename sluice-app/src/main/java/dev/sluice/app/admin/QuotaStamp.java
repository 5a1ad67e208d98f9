package dev.sluice.app.admin;

import dev.sluice.core.Clock;
import dev.sluice.core.Envelope;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.Attempt;
import dev.sluice.core.transport.ConfigurationSetListing;
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
public final class QuotaStamp implements Transport {
  private final Transport transport;
  private final Clock clock;
  private volatile Instant lastRead;

  /** Wraps {@code transport}; reads are dated by {@code clock}. */
  public QuotaStamp(Transport transport, Clock clock) {
    this.transport = Objects.requireNonNull(transport, "transport");
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

  @Override
  public String name() {
    return transport.name();
  }

  @Override
  public int maxRecipients() {
    return transport.maxRecipients();
  }

  @Override
  public long maxMessageSize() {
    return transport.maxMessageSize();
  }

  @Override
  public Attempt send(Envelope envelope, byte[] content) {
    return transport.send(envelope, content);
  }

  @Override
  public ConfigurationSetListing configurationSets() {
    return transport.configurationSets();
  }

  @Override
  public long connectionsOpened() {
    return transport.connectionsOpened();
  }

  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return transport.toString();
  }
}
