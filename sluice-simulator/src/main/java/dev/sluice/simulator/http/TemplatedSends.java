package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SendRequest;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.template.CompiledContent;
import dev.sluice.simulator.template.EmailTemplate;
import dev.sluice.simulator.template.MimeComposer.Attachment;
import dev.sluice.simulator.template.MimeComposer.Header;
import dev.sluice.simulator.template.TemplateContent;
import dev.sluice.simulator.template.TemplateData;
import dev.sluice.simulator.template.TemplateSyntaxException;
import dev.sluice.simulator.template.TemplatedEmail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SES v2's templated sends: SendEmail with {@code Content.Template}, and SendBulkEmail, whose
 * content is always a template. The template is a stored one (TemplateName or TemplateArn) or given
 * inline (TemplateContent); each destination's data renders it into the MIME message SES would
 * send, which the inbox keeps.
 *
 * <p>Design: what SES checks when it answers is checked here and refused at once (a template that
 * does not exist, data that is not a JSON object, bad headers); what SES finds only when it renders
 * after answering — an attribute the data lacks — makes an accepted send that is charged, recorded
 * and not delivered, with the failure passed to the core as SES reports it in a RenderingFailure
 * event. SendBulkEmail merges each entry's ReplacementTemplateData over the default data (top-level
 * keys; the entry's win), its ReplacementTags over DefaultEmailTags and its ReplacementHeaders over
 * the template's headers (same name, case-insensitive), and answers a missing template with {@code
 * TEMPLATE_NOT_FOUND} for every entry.
 *
 * <p>Thread-safe; stateless apart from the core it calls.
 */
final class TemplatedSends {
  /** SES's limit on inline template content (1 MB, read as 2^20 bytes). */
  static final long MAX_INLINE_BYTES = 1 << 20;

  /** The name a failure of an inline template is reported under. */
  static final String INLINE = "(inline)";

  private static final Pattern TEMPLATE_ARN =
      Pattern.compile("arn:aws[a-z-]*:ses:[a-z0-9-]*:[0-9]*:template/(.+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SimulatorCore core;

  TemplatedSends(SimulatorCore core) {
    this.core = core;
  }

  /** The template a send uses, and the name it is known by. */
  private record Source(String name, CompiledContent content) {}

  /** Addressing of one message. */
  private record Destination(List<String> to, List<String> cc, List<String> bcc) {}

  /** What every message of a send shares. */
  private record Common(
      ApiCall call,
      String operation,
      String from,
      List<String> replyTo,
      Source source,
      List<Attachment> attachments,
      String configurationSet) {}

  // ---- SendEmail

  /** SendEmail's request for {@code Content.Template}. */
  SendRequest email(ApiCall call, JsonNode req, JsonNode template) throws V2Api.BadRequest {
    if (!template.isObject()) {
      throw new V2Api.BadRequest("Content.Template must be an object.");
    }
    Common c = common(call, "SendEmail", req, template, source(template, "Content.Template"));
    ObjectNode data = data(template.get("TemplateData"), "Content.Template.TemplateData");
    List<Header> headers =
        V2MessageParts.headers(template.path("Headers"), "Content.Template.Headers");
    return message(
        c, destination(req.path("Destination")), data, headers, tags(req.path("EmailTags")));
  }

  /** What the request says that every message of it shares. */
  private static Common common(
      ApiCall call, String operation, JsonNode req, JsonNode template, Source source)
      throws V2Api.BadRequest {
    String from = V2Api.text(req, "FromEmailAddress");
    if (from == null) {
      throw new V2Api.BadRequest("Missing required parameter FromEmailAddress.");
    }
    return new Common(
        call,
        operation,
        from,
        addresses(req.path("ReplyToAddresses"), "ReplyToAddresses"),
        source,
        V2MessageParts.attachments(template.path("Attachments")),
        V2Api.text(req, "ConfigurationSetName"));
  }

  // ---- SendBulkEmail

  /** SendBulkEmail: one message per entry, each with its own result. */
  ApiResponse bulk(ApiCall call, JsonNode req) throws V2Api.BadRequest {
    JsonNode entries = req.path("BulkEmailEntries");
    if (!entries.isArray() || entries.isEmpty()) {
      throw new V2Api.BadRequest("Missing required parameter BulkEmailEntries.");
    }
    if (entries.size() > SimulatorCore.MAX_RECIPIENTS) {
      throw new V2Api.BadRequest("BulkEmailEntries may hold at most 50 entries.");
    }
    JsonNode template = req.path("DefaultContent").path("Template");
    if (!template.isObject()) {
      throw new V2Api.BadRequest("Missing required parameter DefaultContent.Template.");
    }
    Source source = null;
    String notFound = null;
    try {
      source = source(template, "DefaultContent.Template");
    } catch (V2Api.BadRequest e) {
      if (e.status != 404) {
        throw e;
      }
      notFound = e.getMessage();
    }
    ObjectNode defaultData =
        data(template.get("TemplateData"), "DefaultContent.Template.TemplateData");
    List<Header> defaultHeaders =
        V2MessageParts.headers(template.path("Headers"), "DefaultContent.Template.Headers");
    List<MessageTag> defaultTags = tags(req.path("DefaultEmailTags"));
    Common c = common(call, "SendBulkEmail", req, template, source);
    ArrayNode results = JSON.createArrayNode();
    for (JsonNode entry : entries) {
      List<MessageTag> tags = merge(defaultTags, tags(entry.path("ReplacementTags")));
      List<Header> headers =
          replace(
              defaultHeaders,
              V2MessageParts.headers(entry.path("ReplacementHeaders"), "ReplacementHeaders"));
      ObjectNode r = results.addObject();
      if (notFound != null) {
        r.put("Status", "TEMPLATE_NOT_FOUND").put("Error", notFound);
        continue;
      }
      ObjectNode data;
      try {
        data =
            mergeData(
                defaultData,
                entry
                    .path("ReplacementEmailContent")
                    .path("ReplacementTemplate")
                    .get("ReplacementTemplateData"));
      } catch (V2Api.BadRequest e) {
        r.put("Status", "INVALID_PARAMETER").put("Error", e.getMessage());
        continue;
      }
      SendOutcome o =
          core.send(message(c, destination(entry.path("Destination")), data, headers, tags));
      if (o instanceof SendOutcome.Accepted a) {
        r.put("Status", "SUCCESS").put("MessageId", a.messageId());
      } else {
        SendOutcome.Rejected rej = (SendOutcome.Rejected) o;
        r.put("Status", V2Api.bulkStatus(rej.error())).put("Error", rej.message());
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.set("BulkEmailEntryResults", results);
    return ApiResponse.json(200, out.toString());
  }

  private static ObjectNode mergeData(ObjectNode defaults, JsonNode replacement)
      throws V2Api.BadRequest {
    if (replacement == null || replacement.isNull()) {
      return defaults;
    }
    return TemplateData.merge(defaults, data(replacement, "ReplacementTemplateData"));
  }

  private static List<MessageTag> merge(List<MessageTag> defaults, List<MessageTag> replacements) {
    Map<String, MessageTag> byName = new LinkedHashMap<>();
    for (MessageTag t : defaults) {
      byName.put(t.name(), t);
    }
    for (MessageTag t : replacements) {
      byName.put(t.name(), t);
    }
    return List.copyOf(byName.values());
  }

  private static List<Header> replace(List<Header> defaults, List<Header> replacements) {
    if (replacements.isEmpty()) {
      return defaults;
    }
    Set<String> replaced = new java.util.HashSet<>();
    for (Header h : replacements) {
      replaced.add(h.name().toLowerCase(Locale.ROOT));
    }
    List<Header> out = new ArrayList<>();
    for (Header h : defaults) {
      if (!replaced.contains(h.name().toLowerCase(Locale.ROOT))) {
        out.add(h);
      }
    }
    out.addAll(replacements);
    return out;
  }

  // ---- one message

  /**
   * The request for one destination: rendered and composed, or, when the data cannot render the
   * template, an accepted send that carries the failure and no content.
   */
  private SendRequest message(
      Common c, Destination d, ObjectNode data, List<Header> headers, List<MessageTag> tags)
      throws V2Api.BadRequest {
    if (headers.size() > V2Api.MAX_HEADERS) {
      throw new V2Api.BadRequest(
          "Too many headers: at most " + V2Api.MAX_HEADERS + " are allowed.");
    }
    TemplatedEmail e =
        new TemplatedEmail(
            c.source().name(),
            c.source().content(),
            c.from(),
            d.to(),
            d.cc(),
            d.bcc(),
            c.replyTo(),
            headers,
            c.attachments());
    return request(
        core, SesInterface.V2, c.call(), c.operation(), e, data, c.configurationSet(), tags);
  }

  /**
   * The core's request for one templated message on either API: the rendered message within the
   * interface's size limit, or the rendering failure.
   */
  static SendRequest request(
      SimulatorCore core,
      SesInterface via,
      ApiCall call,
      String operation,
      TemplatedEmail e,
      JsonNode data,
      String configurationSet,
      List<MessageTag> tags) {
    long max = via == SesInterface.V1 ? SimulatorCore.V1_MAX_BYTES : SimulatorCore.V2_MAX_BYTES;
    TemplatedEmail.Result r = e.render(data, core.clock().millis(), max);
    return new SendRequest(
            via,
            call.accessKeyId(),
            call.region(),
            e.from(),
            e.recipients(),
            r.subject(),
            r.mime(),
            operation)
        .withConfigurationSet(configurationSet)
        .withTags(tags)
        .withTemplate(e.templateName(), r.failure());
  }

  // ---- decoding

  /** The template a {@code Template} object names or holds. */
  private Source source(JsonNode template, String where) throws V2Api.BadRequest {
    String name = V2Api.text(template, "TemplateName");
    String arn = V2Api.text(template, "TemplateArn");
    JsonNode inline = template.get("TemplateContent");
    boolean hasInline = inline != null && !inline.isNull();
    if (hasInline && (name != null || arn != null)) {
      throw new V2Api.BadRequest(
          where
              + " takes either TemplateContent or a stored template's TemplateName or"
              + " TemplateArn, not both.");
    }
    if (hasInline) {
      return new Source(INLINE, inline(inline, where + ".TemplateContent"));
    }
    if (arn != null) {
      Matcher m = TEMPLATE_ARN.matcher(arn);
      if (!m.matches()) {
        throw new V2Api.BadRequest("Invalid " + where + ".TemplateArn: " + arn);
      }
      if (name != null && !name.equals(m.group(1))) {
        throw new V2Api.BadRequest(
            where
                + ".TemplateName "
                + name
                + " and TemplateArn "
                + arn
                + " name different templates.");
      }
      name = m.group(1);
    }
    if (name == null) {
      throw new V2Api.BadRequest(
          where + " needs a TemplateName, a TemplateArn or TemplateContent.");
    }
    Optional<EmailTemplate> t = core.templates().find(name);
    if (t.isEmpty()) {
      throw new V2Api.BadRequest(404, "NotFoundException", "Template " + name + " does not exist.");
    }
    return new Source(name, t.get().compiled());
  }

  private static CompiledContent inline(JsonNode c, String where) throws V2Api.BadRequest {
    if (!c.isObject()) {
      throw new V2Api.BadRequest(where + " must be an object.");
    }
    TemplateContent content = TemplatesApi.content(c);
    if (content.text() == null && content.html() == null) {
      throw new V2Api.BadRequest(where + " needs a Text part, an Html part or both.");
    }
    if (content.utf8Bytes() > MAX_INLINE_BYTES) {
      throw new V2Api.BadRequest(
          where
              + " is "
              + content.utf8Bytes()
              + " bytes; inline content may have at most "
              + MAX_INLINE_BYTES
              + ".");
    }
    try {
      return CompiledContent.compile(content, true);
    } catch (TemplateSyntaxException e) {
      throw new V2Api.BadRequest(where + ": " + e.getMessage());
    }
  }

  /** Template data: a string holding a JSON object; absent means no data ({@code {}}). */
  static ObjectNode data(JsonNode field, String where) throws V2Api.BadRequest {
    if (field == null || field.isNull()) {
      return TemplateData.empty();
    }
    if (!field.isTextual()) {
      throw new V2Api.BadRequest(where + " must be a string holding a JSON object.");
    }
    try {
      return TemplateData.parse(field.asText(), where);
    } catch (IllegalArgumentException e) {
      throw new V2Api.BadRequest(e.getMessage());
    }
  }

  private static Destination destination(JsonNode d) throws V2Api.BadRequest {
    V2Api.destination(d); // checks the shape
    return new Destination(
        strings(d.path("ToAddresses")),
        strings(d.path("CcAddresses")),
        strings(d.path("BccAddresses")));
  }

  private static List<String> addresses(JsonNode list, String where) throws V2Api.BadRequest {
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new V2Api.BadRequest(where + " must be a list of strings.");
    }
    for (JsonNode a : list) {
      if (!a.isTextual()) {
        throw new V2Api.BadRequest(where + " must be a list of strings.");
      }
    }
    return strings(list);
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    for (JsonNode a : list) {
      out.add(a.asText());
    }
    return out;
  }

  private static List<MessageTag> tags(JsonNode tags) throws V2Api.BadRequest {
    return V2Api.tags(tags);
  }
}
