package dev.sluice.ses;

import dev.sluice.core.Envelope;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.Attempt;
import dev.sluice.core.transport.Transport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * The SES v2 API ({@code SendEmail} with raw content, {@code GetAccount}) through the AWS SDK: the
 * default transport. The envelope recipients go in {@code Destination}, so SES delivers to exactly
 * them whatever the headers say.
 *
 * <p>Thread-safe.
 */
public final class SesV2Transport implements Transport {
  /** SES v2's message size limit. */
  public static final long MAX_MESSAGE_SIZE = 40L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(SesV2Transport.class);
  private final SesV2Client client;
  private final SesV2AsyncClient asyncClient;
  private final AtomicLong connections = new AtomicLong();
  private final boolean counting;

  private SesV2Transport(SesApiSettings s) {
    this.counting = SdkClients.countsConnections(s);
    if (s.asyncClient()) {
      this.client = null;
      this.asyncClient =
          SdkClients.configure(SesV2AsyncClient.builder(), s)
              .httpClient(SdkClients.asyncHttp(s))
              .build();
    } else {
      this.asyncClient = null;
      this.client =
          SdkClients.configure(SesV2Client.builder(), s)
              .httpClient(SdkClients.blockingHttp(s, connections))
              .build();
    }
  }

  /** Creates the transport; no connection is opened until the first call. */
  public static SesV2Transport create(SesApiSettings settings) {
    return new SesV2Transport(settings);
  }

  @Override
  public String name() {
    return "ses-v2";
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
  public Attempt send(Envelope envelope, byte[] content) {
    SendEmailRequest req =
        SendEmailRequest.builder()
            // The null sender <> (a bounce) has no address to give: SES then takes the From header.
            .fromEmailAddress(envelope.from().isEmpty() ? null : envelope.from())
            .destination(d -> d.toAddresses(envelope.recipients()))
            .content(c -> c.raw(r -> r.data(SdkBytes.fromByteArrayUnsafe(content))))
            .build();
    try {
      String id =
          client != null
              ? client.sendEmail(req).messageId()
              : asyncClient.sendEmail(req).join().messageId();
      return new Attempt.Accepted(id);
    } catch (RuntimeException e) {
      return SesErrors.classify(e);
    }
  }

  @Override
  public Optional<AccountQuota> quota() {
    try {
      GetAccountResponse r =
          client != null ? client.getAccount(b -> {}) : asyncClient.getAccount(b -> {}).join();
      if (r.sendQuota() == null) {
        return Optional.empty();
      }
      return Optional.of(
          new AccountQuota(
              r.sendQuota().maxSendRate(),
              r.sendQuota().max24HourSend(),
              r.sendQuota().sentLast24Hours()));
    } catch (RuntimeException e) {
      LOG.warn("GetAccount failed: {}", SesErrors.classify(e));
      return Optional.empty();
    }
  }

  /**
   * Connections opened so far; -1 with the asynchronous or the CRT client, which cannot count them.
   */
  @Override
  public long connectionsOpened() {
    return counting ? connections.get() : -1;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    } else {
      asyncClient.close();
    }
  }
}
