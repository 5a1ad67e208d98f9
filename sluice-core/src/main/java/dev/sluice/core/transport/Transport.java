package dev.sluice.core.transport;

import dev.sluice.core.Envelope;
import java.util.Optional;

/**
 * One way to hand mail to an upstream: the SES v2 API, the v1 API, an SMTP endpoint. A transport
 * owns its connections and its error table; it knows nothing of spools, shaping or retries.
 *
 * <p>Implementations are thread-safe. {@link #send} blocks the calling thread for one round trip,
 * and is meant to be called from virtual threads, many at once.
 */
public interface Transport extends AutoCloseable {
  /** A short name for logs and metrics, such as {@code ses-v2}. */
  String name();

  /** The most recipients one call may carry (50 for SES). */
  int maxRecipients();

  /** The largest message one call may carry, in bytes. */
  long maxMessageSize();

  /**
   * Makes one call carrying at most {@link #maxRecipients()} recipients and classifies the answer.
   * Never throws for upstream or network failures: those are {@link CallResult}s.
   */
  CallResult send(Envelope envelope, byte[] content);

  /** Reads the account's limits, when the upstream has an API for them. */
  Optional<AccountQuota> quota();

  /** Connections this transport has opened so far, to make connection reuse visible. */
  long connectionsOpened();

  /** Closes every connection. */
  @Override
  void close();

  /**
   * The account's configuration sets, read from the upstream; {@link
   * ConfigurationSetListing.Unreadable} when this transport has no call for it (SMTP) or the call
   * fails.
   */
  default ConfigurationSetListing configurationSets() {
    return new ConfigurationSetListing.Unreadable(
        name() + " has no call that lists configuration sets");
  }

  /**
   * The account's own suppression list, when this transport's upstream has an API for it (the SES
   * v2 API); empty otherwise.
   */
  default Optional<dev.sluice.core.suppress.AccountSuppressionList> accountSuppressionList() {
    return Optional.empty();
  }
}
