package dev.sluice.ses;

import dev.sluice.core.Envelope;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.ConfigurationSetListing;
import dev.sluice.core.transport.Transport;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.GetSendQuotaResponse;
import software.amazon.awssdk.services.ses.model.ListConfigurationSetsResponse;

/**
 * The SES v1 Query API ({@code SendRawEmail}, {@code GetSendQuota}) through the AWS SDK, for
 * accounts and proxies that only speak v1. The envelope goes in {@code Source} and {@code
 * Destinations}.
 *
 * <p>Thread-safe.
 */
public final class SesV1Transport implements Transport {
  /** SES v1's message size limit. */
  public static final long MAX_MESSAGE_SIZE = 10L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(SesV1Transport.class);
  private final SesClient client;
  private final AtomicLong connections = new AtomicLong();
  private final boolean counting;

  private SesV1Transport(SesApiSettings s) {
    this.counting = SdkClients.countsConnections(s.withAsyncClient(false));
    this.client =
        SdkClients.configure(SesClient.builder(), s)
            .httpClient(SdkClients.blockingHttp(s, connections))
            .build();
  }

  /** Creates the transport; the asynchronous-client setting is ignored for v1. */
  public static SesV1Transport create(SesApiSettings settings) {
    return new SesV1Transport(settings);
  }

  @Override
  public String name() {
    return "ses-v1";
  }

  @Override
  public int maxRecipients() {
    return 50;
  }

  @Override
  public long maxMessageSize() {
    return MAX_MESSAGE_SIZE;
  }

  @Override
  public CallResult send(Envelope envelope, byte[] content) {
    try {
      String id =
          client
              .sendRawEmail(
                  r ->
                      // Source is optional: for the null sender SES takes the From header.
                      r.source(envelope.from().isEmpty() ? null : envelope.from())
                          .destinations(envelope.recipients())
                          .rawMessage(m -> m.data(SdkBytes.fromByteArrayUnsafe(content))))
              .messageId();
      return new CallResult.Accepted(id);
    } catch (RuntimeException e) {
      return SesErrors.classify(e);
    }
  }

  @Override
  public Optional<AccountQuota> quota() {
    try {
      GetSendQuotaResponse q = client.getSendQuota();
      return Optional.of(new AccountQuota(q.maxSendRate(), q.max24HourSend(), q.sentLast24Hours()));
    } catch (RuntimeException e) {
      LOG.warn("GetSendQuota failed: {}", SesErrors.classify(e));
      return Optional.empty();
    }
  }

  /** The account's sets, from v1's {@code ListConfigurationSets}, page by page. */
  @Override
  public ConfigurationSetListing configurationSets() {
    Set<String> names = new HashSet<>();
    String token = null;
    try {
      for (int page = 0; page < SesV2Transport.MAX_PAGES; page++) {
        String t = token;
        ListConfigurationSetsResponse r =
            client.listConfigurationSets(b -> b.nextToken(t).maxItems(1000));
        r.configurationSets().forEach(c -> names.add(c.name()));
        token = r.nextToken();
        if (token == null || token.isEmpty()) {
          return new ConfigurationSetListing.Listed(names);
        }
      }
      return new ConfigurationSetListing.Unreadable(
          "ListConfigurationSets gave more than " + SesV2Transport.MAX_PAGES + " pages");
    } catch (RuntimeException e) {
      return new ConfigurationSetListing.Unreadable(
          "ListConfigurationSets failed: " + SesErrors.classify(e));
    }
  }

  @Override
  public long connectionsOpened() {
    return counting ? connections.get() : -1;
  }

  @Override
  public void close() {
    client.close();
  }
}
