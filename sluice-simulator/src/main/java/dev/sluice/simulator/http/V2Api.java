package dev.sluice.simulator.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.simulator.MimeHeaders;
import dev.sluice.simulator.QuotaLedger;
import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SendRequest;
import dev.sluice.simulator.SesError;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.mime.SimpleMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SES v2 REST-JSON API: SendEmail, SendBulkEmail, GetAccount and PutAccountSendingAttributes;
 * templated content goes to {@link TemplatedSends}, and other families of operations add their
 * routes as {@link V2Resource}s. Errors carry {@code x-amzn-ErrorType} and a {@code {"message":…}}
 * body, as SES sends them, so the AWS SDKs raise their modelled exception classes.
 *
 * <p>Thread-safe; stateless apart from the core it calls.
 */
final class V2Api {
  static final String PREFIX = "/v2/email/";

  /** Builds answers; reads nothing, so it needs no read limits. */
  private static final ObjectMapper JSON = new ObjectMapper();

  /** SES's limit on a v2 message's custom headers. */
  static final int MAX_HEADERS = 15;

  private final SimulatorCore core;
  private final ObjectMapper reader;
  private final V2Routes routes = new V2Routes();
  private final TemplatedSends templated;

  /**
   * @param resources the other families of operations, after the sending ones
   */
  V2Api(SimulatorCore core, List<V2Resource> resources) {
    this.core = core;
    this.reader = reader(core.config().listeners().maxRequestSize().bytes());
    this.templated = new TemplatedSends(core);
    register(routes);
    for (V2Resource r : resources) {
      r.register(routes);
    }
  }

  /**
   * A mapper whose only bound on a JSON string is the request bound, which the HTTP listener
   * enforces already. Jackson's default (20 million characters) is below the base64 of a raw
   * message SES v2 takes (40 MB is about 56 million), and a body refused for it would get a 400
   * that a client rightly treats as permanent.
   */
  static ObjectMapper reader(long maxRequestSize) {
    return new ObjectMapper(
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxRequestSize))
                    .maxDocumentLength(maxRequestSize)
                    .build())
            .build());
  }

  /**
   * Thrown while decoding or answering a request; carries the v2 error to answer, {@code
   * BadRequestException} unless another is named.
   */
  static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;
    final String type;

    BadRequest(String message) {
      this(400, "BadRequestException", message);
    }

    BadRequest(int status, String type, String message) {
      super(message, null, false, false);
      this.status = status;
      this.type = type;
    }
  }

  /**
   * Answers a v2 call: the operation its method and path name, or SES's NotFoundException for one
   * the simulator does not implement.
   */
  ApiResponse handle(ApiCall call) {
    try {
      Optional<ApiResponse> answer = routes.dispatch(call);
      if (answer.isPresent()) {
        return answer.get();
      }
    } catch (BadRequest e) {
      return error(e.status, e.type, e.getMessage());
    }
    return error(
        404,
        "NotFoundException",
        "The operation "
            + call.method()
            + " "
            + call.path()
            + " is not supported by the simulator (docs/simulator.md lists those that are).");
  }

  /** The names of the v2 operations answered (docs/simulator.md's table is checked against it). */
  java.util.Set<String> operations() {
    return routes.operations();
  }

  /** The sending operations and the account's: the ones every client calls. */
  private void register(V2Routes r) {
    r.add("SendEmail", "POST", "/v2/email/outbound-emails", (call, p) -> sendEmail(call))
        .add(
            "SendBulkEmail",
            "POST",
            "/v2/email/outbound-bulk-emails",
            (call, p) -> templated.bulk(call, parse(call.body())))
        .add("GetAccount", "GET", "/v2/email/account", (call, p) -> getAccount())
        .add(
            "PutAccountSendingAttributes",
            "PUT",
            "/v2/email/account/sending",
            (call, p) -> {
              JsonNode body = parse(call.body());
              core.sendingEnabled(body.path("SendingEnabled").asBoolean(true));
              return ApiResponse.json(200, "{}");
            });
  }

  static ApiResponse error(int status, String type, String message) {
    ObjectNode o = JSON.createObjectNode().put("message", message);
    return ApiResponse.json(status, o.toString()).header("x-amzn-ErrorType", type);
  }

  /** The single table from refusal to v2 wire error. */
  static ApiResponse error(SesError e, String message) {
    return switch (e) {
      case RATE_EXCEEDED, DAILY_QUOTA_EXCEEDED -> error(429, "TooManyRequestsException", message);
      case MESSAGE_REJECTED -> error(400, "MessageRejected", message);
      case INVALID_PARAMETER, RECIPIENT_COUNT, MESSAGE_TOO_LONG ->
          error(400, "BadRequestException", message);
      case CONFIGURATION_SET_DOES_NOT_EXIST -> error(404, "NotFoundException", message);
      case SENDING_PAUSED, CONFIGURATION_SET_SENDING_PAUSED ->
          error(400, "SendingPausedException", message);
      case INTERNAL_FAILURE ->
          error(500, "InternalFailure", "We encountered an internal error. Please try again.");
      case SERVICE_UNAVAILABLE ->
          error(503, "ServiceUnavailable", "Service is unable to handle request.");
    };
  }

  /** The body as a JSON object, or SES's BadRequestException. */
  JsonNode parse(byte[] body) throws BadRequest {
    return parse(reader, body);
  }

  /** The body as a JSON object read with {@code reader}, or SES's BadRequestException. */
  static JsonNode parse(ObjectMapper reader, byte[] body) throws BadRequest {
    if (body.length == 0) {
      throw new BadRequest("Request body is empty.");
    }
    try {
      JsonNode n = reader.readTree(body);
      if (n == null || !n.isObject()) {
        throw new BadRequest("Request body must be a JSON object.");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new BadRequest("Request body is not valid JSON.");
    } catch (IOException e) {
      throw new BadRequest("Request body cannot be read.");
    }
  }

  private ApiResponse sendEmail(ApiCall call) throws BadRequest {
    JsonNode req = parse(call.body());
    SendRequest send = decodeSend(call, req, req.path("Content"));
    return answer(core.send(send));
  }

  private static ApiResponse answer(SendOutcome o) {
    if (o instanceof SendOutcome.Accepted a) {
      return ApiResponse.json(200, "{\"MessageId\":\"" + a.messageId() + "\"}");
    }
    SendOutcome.Rejected r = (SendOutcome.Rejected) o;
    return error(r.error(), r.message());
  }

  private SendRequest decodeSend(ApiCall call, JsonNode req, JsonNode content) throws BadRequest {
    if (!content.isObject()) {
      throw new BadRequest("Missing required parameter Content.");
    }
    int kinds =
        (content.has("Simple") ? 1 : 0)
            + (content.has("Raw") ? 1 : 0)
            + (content.has("Template") ? 1 : 0);
    if (kinds != 1) {
      throw new BadRequest("Content must contain exactly one of Simple, Raw or Template.");
    }
    List<MessageTag> tags = tags(req.path("EmailTags"));
    String from = text(req, "FromEmailAddress");
    List<String> recipients = destination(req.path("Destination"));
    String subject;
    byte[] bytes;
    if (content.has("Template")) {
      return templated.email(call, req, content.path("Template"));
    } else if (content.has("Raw")) {
      String data = text(content.path("Raw"), "Data");
      if (data == null) {
        throw new BadRequest("Missing required parameter Content.Raw.Data.");
      }
      try {
        bytes = Base64s.decode(data);
      } catch (IllegalArgumentException e) {
        throw new BadRequest("Content.Raw.Data is not valid base64.");
      }
      MimeHeaders h = MimeHeaders.parse(bytes);
      subject = h.get("subject");
      if (from == null) {
        List<String> f = MimeHeaders.addresses(h.get("from"));
        from = f.isEmpty() ? null : f.get(0);
      }
      if (!req.path("Destination").isObject()) {
        recipients = h.recipients();
      }
    } else {
      JsonNode simple = content.path("Simple");
      JsonNode subj = simple.path("Subject");
      if (text(subj, "Data") == null) {
        throw new BadRequest("Missing required parameter Content.Simple.Subject.Data.");
      }
      JsonNode body = simple.path("Body");
      String textPart = text(body.path("Text"), "Data");
      String htmlPart = text(body.path("Html"), "Data");
      if (textPart == null && htmlPart == null) {
        throw new BadRequest(
            "Missing required parameter Content.Simple.Body: give Text, Html or both.");
      }
      JsonNode headers = simple.path("Headers");
      if (headers.isArray() && headers.size() > MAX_HEADERS) {
        throw new BadRequest("Too many headers: at most " + MAX_HEADERS + " are allowed.");
      }
      subject = text(subj, "Data");
      List<SimpleMessage.Field> extra = new ArrayList<>();
      for (JsonNode f : headers) {
        if (text(f, "Name") != null && text(f, "Value") != null) {
          extra.add(new SimpleMessage.Field(text(f, "Name"), text(f, "Value")));
        }
      }
      JsonNode d = req.path("Destination");
      bytes =
          SimpleMessage.compose(
              from == null ? "" : from,
              strings(d.path("ToAddresses")),
              strings(d.path("CcAddresses")),
              subject,
              textPart,
              htmlPart,
              extra,
              java.time.Instant.ofEpochMilli(core.clock().millis()));
    }
    if (from == null) {
      throw new BadRequest("Missing required parameter FromEmailAddress.");
    }
    return new SendRequest(
            SesInterface.V2,
            call.accessKeyId(),
            call.region(),
            from,
            recipients,
            subject,
            bytes,
            "SendEmail")
        .withConfigurationSet(text(req, "ConfigurationSetName"))
        .withTags(tags);
  }

  /** The single table from refusal to a SendBulkEmail entry's status. */
  static String bulkStatus(SesError e) {
    return switch (e) {
      case RATE_EXCEEDED -> "ACCOUNT_THROTTLED";
      case DAILY_QUOTA_EXCEEDED -> "ACCOUNT_DAILY_QUOTA_EXCEEDED";
      case MESSAGE_REJECTED -> "MESSAGE_REJECTED";
      case CONFIGURATION_SET_DOES_NOT_EXIST -> "CONFIGURATION_SET_NOT_FOUND";
      case INVALID_PARAMETER, RECIPIENT_COUNT, MESSAGE_TOO_LONG -> "INVALID_PARAMETER";
      case SENDING_PAUSED -> "ACCOUNT_SENDING_PAUSED";
      case CONFIGURATION_SET_SENDING_PAUSED -> "CONFIGURATION_SET_SENDING_PAUSED";
      case INTERNAL_FAILURE, SERVICE_UNAVAILABLE -> "TRANSIENT_FAILURE";
    };
  }

  private ApiResponse getAccount() {
    QuotaLedger l = core.ledger();
    ObjectNode o = JSON.createObjectNode();
    o.put("DedicatedIpAutoWarmupEnabled", false);
    o.put("EnforcementStatus", "HEALTHY");
    o.put("ProductionAccessEnabled", !core.config().account().sandbox());
    ObjectNode q = o.putObject("SendQuota");
    q.put("Max24HourSend", l.max24HourSend());
    q.put("MaxSendRate", l.maxSendRate());
    q.put("SentLast24Hours", (double) l.sentLast24Hours());
    o.put("SendingEnabled", core.sendingEnabled());
    ArrayNode reasons = o.putObject("SuppressionAttributes").putArray("SuppressedReasons");
    core.suppression().accountReasons().forEach(reasons::add);
    return ApiResponse.json(200, o.toString());
  }

  static List<String> destination(JsonNode d) throws BadRequest {
    List<String> out = new ArrayList<>();
    if (d.isMissingNode() || d.isNull()) {
      return out;
    }
    if (!d.isObject()) {
      throw new BadRequest("Destination must be an object.");
    }
    for (String f : List.of("ToAddresses", "CcAddresses", "BccAddresses")) {
      JsonNode list = d.path(f);
      if (list.isMissingNode() || list.isNull()) {
        continue;
      }
      if (!list.isArray()) {
        throw new BadRequest("Destination." + f + " must be a list of strings.");
      }
      for (JsonNode a : list) {
        if (!a.isTextual()) {
          throw new BadRequest("Destination." + f + " must be a list of strings.");
        }
        out.add(a.asText());
      }
    }
    return out;
  }

  /** The strings of a list already checked by {@link #destination}; empty when missing. */
  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(a -> out.add(a.asText()));
    return out;
  }

  /** The message tags of a {@code [{"Name","Value"}]} list, checked by SES's rule. */
  static List<MessageTag> tags(JsonNode tags) throws BadRequest {
    List<MessageTag> out = new ArrayList<>();
    if (tags.isMissingNode() || tags.isNull()) {
      return out;
    }
    if (!tags.isArray()) {
      throw new BadRequest("Tags must be a list.");
    }
    for (JsonNode t : tags) {
      String name = text(t, "Name");
      String value = text(t, "Value");
      if (name == null || value == null) {
        throw new BadRequest("Each tag needs a Name and a Value.");
      }
      String problem = MessageTags.problem(name, value);
      if (problem != null) {
        throw new BadRequest(problem);
      }
      out.add(new MessageTag(name, value));
    }
    String problem = MessageTags.problem(out);
    if (problem != null) {
      throw new BadRequest(problem);
    }
    return out;
  }

  /** A field's text, or null when it is missing, null or not a plain value. */
  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
  }
}
