package dev.sluice.ses;

import dev.sluice.core.suppress.AccountSuppressionList;
import dev.sluice.core.suppress.Suppression;
import dev.sluice.core.transport.CallResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.ListSuppressedDestinationsRequest;
import software.amazon.awssdk.services.sesv2.model.ListSuppressedDestinationsResponse;
import software.amazon.awssdk.services.sesv2.model.PutSuppressedDestinationRequest;
import software.amazon.awssdk.services.sesv2.model.SuppressedDestinationSummary;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;

/**
 * The SES account's suppression list through the v2 API's {@code ListSuppressedDestinations} and
 * {@code PutSuppressedDestination}, on the client (and so the credentials, endpoint and connection
 * pool) of the {@link SesV2Transport} that made it. Errors are classified by {@link SesErrors}: a
 * permanent refusal that is not about the account (an address SES will not take) is about the
 * address; everything else is retried later.
 *
 * <p>Thread-safe, as the SDK clients are.
 */
final class SesV2SuppressionList implements AccountSuppressionList {
  private final SesV2Client client;
  private final SesV2AsyncClient asyncClient;

  /** One of the two clients is null. */
  SesV2SuppressionList(SesV2Client client, SesV2AsyncClient asyncClient) {
    this.client = client;
    this.asyncClient = asyncClient;
  }

  @Override
  public Listing list(Instant from, Instant to, int pageSize, String nextToken)
      throws AccountListException {
    ListSuppressedDestinationsRequest req =
        ListSuppressedDestinationsRequest.builder()
            .startDate(from)
            .endDate(to)
            .pageSize(pageSize)
            .nextToken(nextToken)
            .build();
    ListSuppressedDestinationsResponse r;
    try {
      r =
          client != null
              ? client.listSuppressedDestinations(req)
              : asyncClient.listSuppressedDestinations(req).join();
    } catch (RuntimeException e) {
      throw failure("ListSuppressedDestinations", e);
    }
    List<Listed> items = new ArrayList<>(r.suppressedDestinationSummaries().size());
    for (SuppressedDestinationSummary s : r.suppressedDestinationSummaries()) {
      if (s.emailAddress() == null || s.lastUpdateTime() == null) {
        continue;
      }
      Suppression.Reason reason =
          s.reason() == SuppressionListReason.COMPLAINT
              ? Suppression.Reason.COMPLAINT
              : Suppression.Reason.BOUNCE;
      items.add(new Listed(s.emailAddress(), reason, s.lastUpdateTime()));
    }
    String token = r.nextToken();
    return new Listing(items, token == null || token.isEmpty() ? null : token);
  }

  @Override
  public void put(String address, Suppression.Reason reason) throws AccountListException {
    if (reason != Suppression.Reason.BOUNCE && reason != Suppression.Reason.COMPLAINT) {
      throw new IllegalArgumentException("SES takes BOUNCE or COMPLAINT, not " + reason);
    }
    PutSuppressedDestinationRequest req =
        PutSuppressedDestinationRequest.builder()
            .emailAddress(address)
            .reason(
                reason == Suppression.Reason.COMPLAINT
                    ? SuppressionListReason.COMPLAINT
                    : SuppressionListReason.BOUNCE)
            .build();
    try {
      if (client != null) {
        client.putSuppressedDestination(req);
      } else {
        asyncClient.putSuppressedDestination(req).join();
      }
    } catch (RuntimeException e) {
      throw failure("PutSuppressedDestination", e);
    }
  }

  private static AccountListException failure(String call, RuntimeException e) {
    CallResult a = SesErrors.classify(e);
    String words =
        switch (a) {
          case CallResult.Throttled t -> "throttled: " + t.text();
          case CallResult.Transient t -> t.text();
          case CallResult.Permanent p -> p.text();
          case CallResult.Accepted x -> String.valueOf(x);
        };
    boolean aboutTheAddress = a instanceof CallResult.Permanent p && !p.accountWide();
    return new AccountListException(call + " failed: " + words, aboutTheAddress);
  }
}
