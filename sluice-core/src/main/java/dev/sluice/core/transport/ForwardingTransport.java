package dev.sluice.core.transport;

import dev.sluice.core.Envelope;
import java.util.Objects;
import java.util.Optional;

/**
 * A transport that hands every call to another; a decorator overrides only what it changes.
 * Thread-safe if the transport it wraps is.
 */
public abstract class ForwardingTransport implements Transport {
  /** The transport every call goes to. */
  protected final Transport transport;

  protected ForwardingTransport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
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
  public CallResult send(Envelope envelope, byte[] content) {
    return transport.send(envelope, content);
  }

  @Override
  public Optional<AccountQuota> quota() {
    return transport.quota();
  }

  @Override
  public ConfigurationSetListing configurationSets() {
    return transport.configurationSets();
  }

  @Override
  public Optional<dev.sluice.core.suppress.AccountSuppressionList> accountSuppressionList() {
    return transport.accountSuppressionList();
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
