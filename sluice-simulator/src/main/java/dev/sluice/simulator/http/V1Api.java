package dev.sluice.simulator.http;

import dev.sluice.core.ses.MessageTag;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.simulator.MimeHeaders;
import dev.sluice.simulator.QuotaLedger;
import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SendRequest;
import dev.sluice.simulator.SendStatistics;
import dev.sluice.simulator.SesError;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.mailbox.MessageIds;
import dev.sluice.simulator.mime.SimpleMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SES v1 Query API (version 2010-12-01): SendEmail, SendRawEmail, GetSendQuota and
 * GetSendStatistics, and the template actions of {@link V1Templates}, answered with the XML
 * documents SES returns and {@code ErrorResponse} documents for refusals.
 *
 * <p>Thread-safe; stateless apart from the core it calls.
 */
final class V1Api {
  private final SimulatorCore core;
  private final V1Templates templates;

  V1Api(SimulatorCore core) {
    this.core = core;
    this.templates = new V1Templates(core);
  }

  /** Thrown while decoding a request; carries the Query-protocol error to answer. */
  static final class QueryError extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;

    QueryError(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  ApiResponse handle(ApiCall call, String requestId) {
    String form =
        call.method().equals("GET")
            ? call.query()
            : new String(call.body(), StandardCharsets.UTF_8);
    try {
      QueryForm f;
      try {
        f = QueryForm.parse(form);
      } catch (IllegalArgumentException e) {
        throw new QueryError(404, "MalformedQueryString", "The query string is malformed.");
      }
      String action = f.get("Action");
      if (action == null || action.isEmpty()) {
        throw new QueryError(
            400, "MissingAction", "The request is missing an action or a required parameter.");
      }
      return switch (action) {
        case "SendEmail" -> answer("SendEmail", core.send(sendEmail(call, f)), requestId);
        case "SendRawEmail" -> answer("SendRawEmail", core.send(sendRawEmail(call, f)), requestId);
        case "GetSendQuota" -> getSendQuota(requestId);
        case "GetSendStatistics" -> getSendStatistics(requestId);
        case "ListConfigurationSets" -> listConfigurationSets(f, requestId);
        default -> {
          ApiResponse r = templates.handle(action, call, f, requestId);
          if (r == null) {
            throw new QueryError(
                400,
                "InvalidAction",
                "The action " + action + " is not valid for this web service.");
          }
          yield r;
        }
      };
    } catch (QueryError e) {
      return error(
          e.status, e.status >= 500 ? "Receiver" : "Sender", e.code, e.getMessage(), requestId);
    }
  }

  static ApiResponse error(int status, String type, String code, String message, String requestId) {
    return Xml.errorResponse(Xml.NS, status, type, code, message, requestId);
  }

  /** The single table from refusal to v1 wire error. */
  static ApiResponse error(SesError e, String message, String requestId) {
    return switch (e) {
      case RATE_EXCEEDED, DAILY_QUOTA_EXCEEDED ->
          error(400, "Sender", "Throttling", message, requestId);
      case MESSAGE_REJECTED -> error(400, "Sender", "MessageRejected", message, requestId);
      case INVALID_PARAMETER, RECIPIENT_COUNT, MESSAGE_TOO_LONG ->
          error(400, "Sender", "InvalidParameterValue", message, requestId);
      case SENDING_PAUSED ->
          error(400, "Sender", "AccountSendingPausedException", message, requestId);
      case CONFIGURATION_SET_SENDING_PAUSED ->
          error(400, "Sender", "ConfigurationSetSendingPausedException", message, requestId);
      case CONFIGURATION_SET_DOES_NOT_EXIST ->
          error(400, "Sender", "ConfigurationSetDoesNotExist", message, requestId);
      case INTERNAL_FAILURE ->
          error(
              500,
              "Receiver",
              "InternalFailure",
              "The request processing has failed because of an unknown error.",
              requestId);
      case SERVICE_UNAVAILABLE ->
          error(
              503,
              "Receiver",
              "ServiceUnavailable",
              "The request has failed due to a temporary failure of the server.",
              requestId);
    };
  }

  static ApiResponse answer(String op, SendOutcome o, String requestId) {
    if (o instanceof SendOutcome.Accepted a) {
      return ok(op, "<MessageId>" + a.messageId() + "</MessageId>", requestId);
    }
    SendOutcome.Rejected r = (SendOutcome.Rejected) o;
    return error(r.error(), r.message(), requestId);
  }

  static ApiResponse ok(String op, String result, String requestId) {
    String xml =
        "<"
            + op
            + "Response xmlns=\""
            + Xml.NS
            + "\">\n  <"
            + op
            + "Result>"
            + result
            + "</"
            + op
            + "Result>\n  <ResponseMetadata>\n    <RequestId>"
            + requestId
            + "</RequestId>\n  </ResponseMetadata>\n</"
            + op
            + "Response>\n";
    return ApiResponse.xml(200, xml);
  }

  private SendRequest sendEmail(ApiCall call, QueryForm f) throws QueryError {
    String source = required(f, "Source");
    List<String> rcpts = new ArrayList<>();
    rcpts.addAll(f.list("Destination.ToAddresses"));
    rcpts.addAll(f.list("Destination.CcAddresses"));
    rcpts.addAll(f.list("Destination.BccAddresses"));
    String subject = required(f, "Message.Subject.Data");
    String text = f.get("Message.Body.Text.Data");
    String html = f.get("Message.Body.Html.Data");
    if (text == null && html == null) {
      throw new QueryError(
          400, "MissingParameter", "The request must contain the parameter Message.Body.");
    }
    List<MessageTag> tags = tags(f);
    byte[] message =
        SimpleMessage.compose(
            source,
            f.list("Destination.ToAddresses"),
            f.list("Destination.CcAddresses"),
            subject,
            text,
            html,
            List.of(),
            java.time.Instant.ofEpochMilli(core.clock().millis()));
    return new SendRequest(
            SesInterface.V1,
            call.accessKeyId(),
            call.region(),
            source,
            rcpts,
            subject,
            message,
            "SendEmail")
        .withConfigurationSet(f.get("ConfigurationSetName"))
        .withTags(tags);
  }

  private SendRequest sendRawEmail(ApiCall call, QueryForm f) throws QueryError {
    String data = required(f, "RawMessage.Data");
    byte[] raw;
    try {
      raw = Base64s.decode(data);
    } catch (IllegalArgumentException e) {
      throw new QueryError(400, "InvalidParameterValue", "RawMessage.Data is not valid base64.");
    }
    List<MessageTag> tags = tags(f);
    MimeHeaders h = MimeHeaders.parse(raw);
    // SendRawEmail takes the set and the tags from parameters, else from SES's headers; tags given
    // both ways are not joined: the parameters' win (SES's event-publishing guide).
    if (tags.isEmpty()) {
      try {
        tags = MessageTags.fromHeader(h.get(MessageTags.HEADER));
      } catch (IllegalArgumentException e) {
        throw new QueryError(400, "InvalidParameterValue", e.getMessage());
      }
    }
    String set = f.get("ConfigurationSetName");
    if (set == null || set.isBlank()) {
      set = h.get(MessageTags.SET_HEADER);
    }
    String source = f.get("Source");
    if (source == null || source.isEmpty()) {
      List<String> from = MimeHeaders.addresses(h.get("from"));
      if (from.isEmpty()) {
        throw new QueryError(400, "MessageRejected", "Missing required header 'From'.");
      }
      source = from.get(0);
    }
    List<String> rcpts = f.list("Destinations");
    if (rcpts.isEmpty()) {
      rcpts = h.recipients();
    }
    return new SendRequest(
            SesInterface.V1,
            call.accessKeyId(),
            call.region(),
            source,
            rcpts,
            h.get("subject"),
            raw,
            "SendRawEmail")
        .withConfigurationSet(set)
        .withTags(tags);
  }

  /** The {@code Tags.member.N} parameters, checked by SES's rule. */
  private static List<MessageTag> tags(QueryForm f) throws QueryError {
    int n = f.structCount("Tags", "Name");
    List<MessageTag> out = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      String name = f.get("Tags.member." + i + ".Name");
      String value = f.get("Tags.member." + i + ".Value");
      String p = MessageTags.problem(name, value == null ? "" : value);
      if (p != null) {
        throw new QueryError(400, "InvalidParameterValue", p);
      }
      out.add(new MessageTag(name, value == null ? "" : value));
    }
    String p = MessageTags.problem(out);
    if (p != null) {
      throw new QueryError(400, "InvalidParameterValue", p);
    }
    return out;
  }

  static String required(QueryForm f, String name) throws QueryError {
    String v = f.get(name);
    if (v == null) {
      throw new QueryError(
          400, "MissingParameter", "The request must contain the parameter " + name + ".");
    }
    return v;
  }

  private ApiResponse getSendQuota(String requestId) {
    QuotaLedger l = core.ledger();
    return ok(
        "GetSendQuota",
        "\n    <Max24HourSend>"
            + l.max24HourSend()
            + "</Max24HourSend>\n    <MaxSendRate>"
            + l.maxSendRate()
            + "</MaxSendRate>\n    <SentLast24Hours>"
            + (double) l.sentLast24Hours()
            + "</SentLast24Hours>\n  ",
        requestId);
  }

  /**
   * A list action's {@code MaxItems}: {@code def} when absent, more than {@code max} read as {@code
   * max}.
   *
   * @throws QueryError when it is not a number of at least 1
   */
  static int maxItems(QueryForm f, int def, int max) throws QueryError {
    String text = f.get("MaxItems");
    if (text == null) {
      return def;
    }
    int size;
    try {
      size = Math.min(max, Integer.parseInt(text));
    } catch (NumberFormatException e) {
      size = 0;
    }
    if (size < 1) {
      throw new QueryError(
          400, "InvalidParameterValue", "MaxItems must be at least 1; it is " + text + ".");
    }
    return size;
  }

  /**
   * v1's {@code ListConfigurationSets}: the same sets as v2's, by name, {@code MaxItems} a page.
   */
  private ApiResponse listConfigurationSets(QueryForm f, String requestId) throws QueryError {
    int size = maxItems(f, 1000, 1000);
    String after = null;
    if (f.get("NextToken") != null) {
      try {
        after = TemplatesApi.decodeToken(f.get("NextToken"));
      } catch (IllegalArgumentException e) {
        throw new QueryError(400, "InvalidParameterValue", e.getMessage());
      }
    }
    StringBuilder sb = new StringBuilder("\n    <ConfigurationSets>");
    String last = null;
    int n = 0;
    boolean more = false;
    for (String name : core.configurationSets().names()) {
      if (after != null && name.compareTo(after) <= 0) {
        continue;
      }
      if (n == size) {
        more = true;
        break;
      }
      sb.append("\n      <member><Name>").append(Xml.escape(name)).append("</Name></member>");
      last = name;
      n++;
    }
    sb.append("\n    </ConfigurationSets>");
    if (more) {
      sb.append("\n    <NextToken>").append(TemplatesApi.encodeToken(last)).append("</NextToken>");
    }
    return ok("ListConfigurationSets", sb.append("\n  ").toString(), requestId);
  }

  private ApiResponse getSendStatistics(String requestId) {
    StringBuilder sb = new StringBuilder("\n    <SendDataPoints>");
    for (SendStatistics.DataPoint p : core.statistics().points(core.clock().millis())) {
      sb.append("\n      <member><Timestamp>")
          .append(Instant.ofEpochMilli(p.startMillis()))
          .append("</Timestamp><DeliveryAttempts>")
          .append(p.deliveryAttempts())
          .append("</DeliveryAttempts><Bounces>")
          .append(p.bounces())
          .append("</Bounces><Complaints>")
          .append(p.complaints())
          .append("</Complaints><Rejects>")
          .append(p.rejects())
          .append("</Rejects></member>");
    }
    sb.append("\n    </SendDataPoints>\n  ");
    return ok("GetSendStatistics", sb.toString(), requestId);
  }

  static String newRequestId() {
    return MessageIds.requestId();
  }
}
