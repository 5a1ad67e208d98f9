package dev.sluice.ses;

import dev.sluice.core.Envelope;
import dev.sluice.core.ses.HeaderSection;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.core.suppress.AccountSuppressionList;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.ConfigurationSetListing;
import dev.sluice.core.transport.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.GetAccountResponse;
import software.amazon.awssdk.services.sesv2.model.ListConfigurationSetsResponse;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * The SES v2 API ({@code SendEmail} with raw content, {@code GetAccount}) through the AWS SDK: the
 * default transport. The envelope recipients go in {@code Destination}, so SES delivers to exactly
 * them whatever the headers say. The {@code X-SES-CONFIGURATION-SET} and {@code X-SES-MESSAGE-TAGS}
 * headers, which SES reads from SMTP and v1 raw mail but not from v2's raw content, become the
 * {@code ConfigurationSetName} and {@code EmailTags} parameters and are taken out of the content.
 *
 * <p>Thread-safe.
 */
public final class SesV2Transport implements Transport {
  /** SES v2's message size limit. */
  public static final long MAX_MESSAGE_SIZE = 40L * 1024 * 1024;

  private static final Set<String> SES_HEADERS = Set.of(MessageTags.SET_HEADER, MessageTags.HEADER);

  /** The most pages of configuration sets read (SES allows 10,000 sets in a region). */
  static final int MAX_PAGES = 1000;

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
  public CallResult send(Envelope envelope, byte[] content) {
    // v2's SendEmail does not read X-SES-CONFIGURATION-SET and X-SES-MESSAGE-TAGS from the content
    // as SMTP and v1's SendRawEmail do: they become its parameters, and leave the content.
    List<HeaderSection.Field> fields = HeaderSection.fields(content);
    String set = last(fields, MessageTags.SET_HEADER);
    List<MessageTag> tags;
    try {
      tags = MessageTags.fromHeader(last(fields, MessageTags.HEADER));
    } catch (IllegalArgumentException e) {
      // The doors refuse such messages; one stored before they did is failed, not sent untagged.
      return new CallResult.Permanent(e.getMessage(), false);
    }
    byte[] raw = HeaderSection.without(content, fields, SES_HEADERS);
    SendEmailRequest req =
        SendEmailRequest.builder()
            // The null sender <> (a bounce) has no address to give: SES then takes the From header.
            .fromEmailAddress(envelope.from().isEmpty() ? null : envelope.from())
            .destination(d -> d.toAddresses(envelope.recipients()))
            .content(c -> c.raw(r -> r.data(SdkBytes.fromByteArrayUnsafe(raw))))
            .configurationSetName(set == null || set.isEmpty() ? null : set)
            .emailTags(
                tags.isEmpty()
                    ? null
                    : tags.stream()
                        .map(
                            t ->
                                software.amazon.awssdk.services.sesv2.model.MessageTag.builder()
                                    .name(t.name())
                                    .value(t.value())
                                    .build())
                        .toList())
            .build();
    try {
      String id =
          client != null
              ? client.sendEmail(req).messageId()
              : asyncClient.sendEmail(req).join().messageId();
      return new CallResult.Accepted(id);
    } catch (RuntimeException e) {
      return SesErrors.classify(e);
    }
  }

  /** The value of the last field with this name, or null. */
  private static String last(List<HeaderSection.Field> fields, String name) {
    List<HeaderSection.Field> f = HeaderSection.named(fields, name);
    return f.isEmpty() ? null : f.getLast().value();
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
              r.sendQuota().sentLast24Hours(),
              !Boolean.FALSE.equals(r.sendingEnabled())));
    } catch (RuntimeException e) {
      LOG.warn("GetAccount failed: {}", SesErrors.classify(e));
      return Optional.empty();
    }
  }

  /** The account's sets, from {@code ListConfigurationSets}, page by page. */
  @Override
  public ConfigurationSetListing configurationSets() {
    Set<String> names = new HashSet<>();
    String token = null;
    try {
      for (int page = 0; page < MAX_PAGES; page++) {
        String t = token;
        ListConfigurationSetsResponse r =
            client != null
                ? client.listConfigurationSets(b -> b.nextToken(t))
                : asyncClient.listConfigurationSets(b -> b.nextToken(t)).join();
        names.addAll(r.configurationSets());
        token = r.nextToken();
        if (token == null || token.isEmpty()) {
          return new ConfigurationSetListing.Listed(names);
        }
      }
      return new ConfigurationSetListing.Unreadable(
          "ListConfigurationSets gave more than " + MAX_PAGES + " pages");
    } catch (RuntimeException e) {
      return new ConfigurationSetListing.Unreadable(
          "ListConfigurationSets failed: " + SesErrors.classify(e));
    }
  }

  /** The account's suppression list, on this transport's client. */
  @Override
  public Optional<AccountSuppressionList> accountSuppressionList() {
    return Optional.of(new SesV2SuppressionList(client, asyncClient));
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
