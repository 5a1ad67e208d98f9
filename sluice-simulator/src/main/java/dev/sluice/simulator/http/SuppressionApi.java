package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.Clock;
import dev.sluice.core.address.AddressCheck;
import dev.sluice.core.address.SesAddressGrammar;
import dev.sluice.simulator.account.SuppressedDestination;
import dev.sluice.simulator.account.SuppressionList;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SES v2's account-level suppression list: Put/Get/Delete/ListSuppressedDestinations and
 * PutAccountSuppressionAttributes, with SES's paths, shapes and errors. Timestamps are written as
 * the AWS JSON protocols write them (epoch seconds); the list's date filters take ISO 8601 (what
 * the SDKs send in a query) or epoch seconds.
 *
 * <p>Thread-safe: the state lives in {@link SuppressionList}.
 */
final class SuppressionApi implements V2Resource {
  private static final String ADDRESSES = "/v2/email/suppression/addresses";
  private static final String ADDRESS = ADDRESSES + "/{EmailAddress}";
  // SES: ListSuppressedDestinations pages hold at most 1,000.
  private static final int MAX_PAGE = 1000;

  private final SuppressionList list;
  private final Clock clock;

  SuppressionApi(SuppressionList list, Clock clock) {
    this.list = list;
    this.clock = clock;
  }

  @Override
  public void register(V2Routes r) {
    r.add("PutSuppressedDestination", "PUT", ADDRESSES, (call, p) -> put(call))
        .add("ListSuppressedDestinations", "GET", ADDRESSES, (call, p) -> list(call))
        .add("GetSuppressedDestination", "GET", ADDRESS, (call, p) -> get(p.get("EmailAddress")))
        .add(
            "DeleteSuppressedDestination",
            "DELETE",
            ADDRESS,
            (call, p) -> delete(p.get("EmailAddress")))
        .add(
            "PutAccountSuppressionAttributes",
            "PUT",
            "/v2/email/account/suppression",
            (call, p) -> attributes(call));
  }

  private ApiResponse put(ApiCall call) throws V2Api.BadRequest {
    JsonNode req = V2Bodies.parse(call.body());
    String address = V2Bodies.required(req, "EmailAddress");
    String reason = V2Bodies.required(req, "Reason");
    if (!SuppressionList.REASONS.contains(reason)) {
      throw new V2Api.BadRequest("Invalid reason " + reason + ": use BOUNCE or COMPLAINT.");
    }
    if (SesAddressGrammar.check(address) instanceof AddressCheck.Invalid bad) {
      throw new V2Api.BadRequest(bad.message());
    }
    if (!list.put(new SuppressedDestination(address, reason, clock.millis(), null, null))) {
      return V2Bodies.limitExceeded("The suppression list is full.");
    }
    return V2Bodies.ok();
  }

  private ApiResponse get(String address) {
    SuppressedDestination d = list.get(address).orElse(null);
    if (d == null) {
      return V2Bodies.notFound(
          "Email address " + address + " does not exist on your suppression list.");
    }
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    ObjectNode s = out.putObject("SuppressedDestination");
    s.put("EmailAddress", d.emailAddress());
    s.put("Reason", d.reason());
    s.put("LastUpdateTime", d.lastUpdateMillis() / 1000.0);
    if (d.messageId() != null || d.feedbackId() != null) {
      ObjectNode a = s.putObject("Attributes");
      if (d.messageId() != null) {
        a.put("MessageId", d.messageId());
      }
      if (d.feedbackId() != null) {
        a.put("FeedbackId", d.feedbackId());
      }
    }
    return V2Bodies.ok(out);
  }

  private ApiResponse delete(String address) {
    return list.remove(address)
        ? V2Bodies.ok()
        : V2Bodies.notFound(
            "Email address " + address + " does not exist on your suppression list.");
  }

  private ApiResponse list(ApiCall call) throws V2Api.BadRequest {
    QueryForm q = QueryForm.parse(call.query());
    Set<String> reasons = new HashSet<>(q.all("Reason"));
    for (String r : reasons) {
      if (!SuppressionList.REASONS.contains(r)) {
        throw new V2Api.BadRequest("Invalid reason " + r + ": use BOUNCE or COMPLAINT.");
      }
    }
    long from = time(q.get("StartDate"), Long.MIN_VALUE);
    long to = time(q.get("EndDate"), Long.MAX_VALUE);
    List<SuppressedDestination> all = list.list(reasons, from, to);
    V2Bodies.Page<SuppressedDestination> page = V2Bodies.page(all, q, MAX_PAGE);
    ObjectNode out = V2Bodies.JSON.createObjectNode();
    ArrayNode items = out.putArray("SuppressedDestinationSummaries");
    for (SuppressedDestination d : page.items()) {
      items
          .addObject()
          .put("EmailAddress", d.emailAddress())
          .put("Reason", d.reason())
          .put("LastUpdateTime", d.lastUpdateMillis() / 1000.0);
    }
    if (page.nextToken() != null) {
      out.put("NextToken", page.nextToken());
    }
    return V2Bodies.ok(out);
  }

  private ApiResponse attributes(ApiCall call) throws V2Api.BadRequest {
    list.accountReasons(ConfigurationSetsApi.reasons(V2Bodies.parse(call.body())));
    return V2Bodies.ok();
  }

  /** A date filter as epoch millis: ISO 8601, or epoch seconds (with a fraction). */
  private static long time(String text, long absent) throws V2Api.BadRequest {
    if (text == null || text.isEmpty()) {
      return absent;
    }
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return (long) (Double.parseDouble(text) * 1000);
      } catch (NumberFormatException n) {
        throw new V2Api.BadRequest("Invalid date " + text + ".");
      }
    }
  }
}
