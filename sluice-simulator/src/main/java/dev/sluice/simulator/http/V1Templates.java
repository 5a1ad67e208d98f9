package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.core.ses.MessageTag;
import dev.sluice.core.ses.MessageTags;
import dev.sluice.simulator.SendOutcome;
import dev.sluice.simulator.SesError;
import dev.sluice.simulator.SesInterface;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.template.EmailTemplate;
import dev.sluice.simulator.template.RenderingException;
import dev.sluice.simulator.template.TemplateContent;
import dev.sluice.simulator.template.TemplateData;
import dev.sluice.simulator.template.TemplateException;
import dev.sluice.simulator.template.TemplateStore;
import dev.sluice.simulator.template.TemplatedEmail;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SES v1's template actions on the same store as v2's: CreateTemplate, GetTemplate, UpdateTemplate,
 * DeleteTemplate, ListTemplates, TestRenderTemplate, SendTemplatedEmail and SendBulkTemplatedEmail,
 * answered in the Query protocol's XML.
 *
 * <p>Design: v1 differs from v2 in its words, not its rules: the same store, renderer and message
 * composition ({@link TemplatedSends#request}), with v1's error codes ({@code
 * TemplateDoesNotExist}, {@code InvalidTemplate}, {@code MissingRenderingAttribute} …), a missing
 * template refusing the whole bulk call (v1 declares {@code TemplateDoesNotExist} for it), and
 * DeleteTemplate succeeding whether or not the template exists (it declares no error).
 *
 * <p>Thread-safe; stateless apart from the core it calls.
 */
final class V1Templates {
  private final SimulatorCore core;

  V1Templates(SimulatorCore core) {
    this.core = core;
  }

  /** The answer to a template action, or null when the action is not one. */
  ApiResponse handle(String action, ApiCall call, QueryForm f, String requestId)
      throws V1Api.QueryError {
    return switch (action) {
      case "CreateTemplate" -> createOrUpdate("CreateTemplate", f, requestId);
      case "UpdateTemplate" -> createOrUpdate("UpdateTemplate", f, requestId);
      case "GetTemplate" -> get(f, requestId);
      case "DeleteTemplate" -> {
        core.templates().delete(V1Api.required(f, "TemplateName"));
        yield V1Api.ok("DeleteTemplate", "", requestId);
      }
      case "ListTemplates" -> list(f, requestId);
      case "TestRenderTemplate" -> testRender(f, requestId);
      case "SendTemplatedEmail" -> send(call, f, requestId);
      case "SendBulkTemplatedEmail" -> bulk(call, f, requestId);
      default -> null;
    };
  }

  private ApiResponse createOrUpdate(String op, QueryForm f, String requestId)
      throws V1Api.QueryError {
    String name = V1Api.required(f, "Template.TemplateName");
    TemplateContent c =
        new TemplateContent(
            f.get("Template.SubjectPart"), f.get("Template.TextPart"), f.get("Template.HtmlPart"));
    try {
      if (op.equals("CreateTemplate")) {
        core.templates().create(name, c, core.clock().millis());
      } else {
        core.templates().update(name, c);
      }
    } catch (TemplateException e) {
      throw error(e);
    }
    return V1Api.ok(op, "", requestId);
  }

  private ApiResponse get(QueryForm f, String requestId) throws V1Api.QueryError {
    EmailTemplate t = template(V1Api.required(f, "TemplateName"));
    StringBuilder sb = new StringBuilder("\n    <Template>\n      ");
    element(sb, "TemplateName", t.name());
    element(sb, "SubjectPart", t.content().subject());
    element(sb, "TextPart", t.content().text());
    element(sb, "HtmlPart", t.content().html());
    sb.append("</Template>\n  ");
    return V1Api.ok("GetTemplate", sb.toString(), requestId);
  }

  private static void element(StringBuilder sb, String name, String value) {
    if (value != null) {
      sb.append('<').append(name).append('>').append(Xml.escape(value));
      sb.append("</").append(name).append('>');
    }
  }

  private ApiResponse list(QueryForm f, String requestId) throws V1Api.QueryError {
    int size = V1Api.maxItems(f, TemplatesApi.DEFAULT_PAGE_SIZE, TemplatesApi.MAX_PAGE_SIZE);
    String after = null;
    if (f.get("NextToken") != null) {
      try {
        after = TemplatesApi.decodeToken(f.get("NextToken"));
      } catch (IllegalArgumentException e) {
        throw new V1Api.QueryError(400, "InvalidParameterValue", e.getMessage());
      }
    }
    TemplateStore.Page page = core.templates().list(after, size);
    StringBuilder sb = new StringBuilder("\n    <TemplatesMetadata>");
    for (EmailTemplate t : page.templates()) {
      sb.append("\n      <member><Name>")
          .append(Xml.escape(t.name()))
          .append("</Name><CreatedTimestamp>")
          .append(Instant.ofEpochMilli(t.createdMillis()))
          .append("</CreatedTimestamp></member>");
    }
    sb.append("\n    </TemplatesMetadata>");
    if (page.last() != null) {
      sb.append("\n    <NextToken>")
          .append(TemplatesApi.encodeToken(page.last()))
          .append("</NextToken>");
    }
    return V1Api.ok("ListTemplates", sb.append("\n  ").toString(), requestId);
  }

  private ApiResponse testRender(QueryForm f, String requestId) throws V1Api.QueryError {
    EmailTemplate t = template(V1Api.required(f, "TemplateName"));
    ObjectNode data;
    try {
      data = TemplateData.parse(V1Api.required(f, "TemplateData"), "TemplateData");
    } catch (IllegalArgumentException e) {
      throw new V1Api.QueryError(400, "InvalidRenderingParameter", e.getMessage());
    }
    try {
      String mime = TemplatesApi.rendered(t, data, core.clock().millis());
      return V1Api.ok(
          "TestRenderTemplate",
          "\n    <RenderedTemplate>" + Xml.escape(mime) + "</RenderedTemplate>\n  ",
          requestId);
    } catch (RenderingException e) {
      throw new V1Api.QueryError(400, "MissingRenderingAttribute", e.getMessage());
    }
  }

  private ApiResponse send(ApiCall call, QueryForm f, String requestId) throws V1Api.QueryError {
    EmailTemplate t = template(templateName(f));
    ObjectNode data = data(V1Api.required(f, "TemplateData"), "TemplateData");
    TemplatedEmail e =
        email(t, V1Api.required(f, "Source"), "Destination.", f, f.list("ReplyToAddresses"));
    SendOutcome o = send(call, "SendTemplatedEmail", e, data, f, tags(f, "Tags"));
    return V1Api.answer("SendTemplatedEmail", o, requestId);
  }

  private ApiResponse bulk(ApiCall call, QueryForm f, String requestId) throws V1Api.QueryError {
    String source = V1Api.required(f, "Source");
    EmailTemplate t = template(templateName(f));
    String defaults = f.get("DefaultTemplateData");
    ObjectNode defaultData =
        defaults == null ? TemplateData.empty() : data(defaults, "DefaultTemplateData");
    List<MessageTag> defaultTags = tags(f, "DefaultTags");
    List<String> replyTo = f.list("ReplyToAddresses");
    int n = 0;
    while (f.hasPrefix("Destinations.member." + (n + 1) + ".")) {
      n++;
    }
    if (n == 0) {
      throw new V1Api.QueryError(
          400, "MissingParameter", "The request must contain the parameter Destinations.");
    }
    if (n > SimulatorCore.MAX_RECIPIENTS) {
      throw new V1Api.QueryError(
          400, "InvalidParameterValue", "Destinations may hold at most 50 destinations.");
    }
    StringBuilder sb = new StringBuilder("\n    <Status>");
    for (int i = 1; i <= n; i++) {
      String prefix = "Destinations.member." + i + ".";
      Map<String, MessageTag> tags = new LinkedHashMap<>();
      defaultTags.forEach(x -> tags.put(x.name(), x));
      tags(f, prefix + "ReplacementTags").forEach(x -> tags.put(x.name(), x));
      sb.append("\n      <member>");
      String replacement = f.get(prefix + "ReplacementTemplateData");
      ObjectNode data = defaultData;
      if (replacement != null) {
        try {
          data =
              TemplateData.merge(
                  defaultData, TemplateData.parse(replacement, prefix + "ReplacementTemplateData"));
        } catch (IllegalArgumentException e) {
          status(sb, "InvalidParameterValue", null, e.getMessage());
          continue;
        }
      }
      TemplatedEmail e = email(t, source, prefix + "Destination.", f, replyTo);
      SendOutcome o = send(call, "SendBulkTemplatedEmail", e, data, f, List.copyOf(tags.values()));
      if (o instanceof SendOutcome.Accepted a) {
        status(sb, "Success", a.messageId(), null);
      } else {
        SendOutcome.Rejected r = (SendOutcome.Rejected) o;
        status(sb, bulkStatus(r.error()), null, r.message());
      }
    }
    sb.append("\n    </Status>\n  ");
    return V1Api.ok("SendBulkTemplatedEmail", sb.toString(), requestId);
  }

  private SendOutcome send(
      ApiCall call,
      String operation,
      TemplatedEmail e,
      ObjectNode data,
      QueryForm f,
      List<MessageTag> tags) {
    return core.send(
        TemplatedSends.request(
            core, SesInterface.V1, call, operation, e, data, f.get("ConfigurationSetName"), tags));
  }

  private static void status(StringBuilder sb, String status, String messageId, String error) {
    sb.append("<Status>").append(status).append("</Status>");
    if (messageId != null) {
      sb.append("<MessageId>").append(messageId).append("</MessageId>");
    }
    if (error != null) {
      sb.append("<Error>").append(Xml.escape(error)).append("</Error>");
    }
    sb.append("</member>");
  }

  /** The single table from refusal to a SendBulkTemplatedEmail destination's status. */
  static String bulkStatus(SesError e) {
    return switch (e) {
      case RATE_EXCEEDED -> "AccountThrottled";
      case DAILY_QUOTA_EXCEEDED -> "AccountDailyQuotaExceeded";
      case MESSAGE_REJECTED -> "MessageRejected";
      case CONFIGURATION_SET_DOES_NOT_EXIST -> "ConfigurationSetDoesNotExist";
      case INVALID_PARAMETER, RECIPIENT_COUNT, MESSAGE_TOO_LONG -> "InvalidParameterValue";
      case SENDING_PAUSED -> "AccountSendingPaused";
      case CONFIGURATION_SET_SENDING_PAUSED -> "ConfigurationSetSendingPaused";
      case INTERNAL_FAILURE, SERVICE_UNAVAILABLE -> "TransientFailure";
    };
  }

  // ---- decoding

  private static String templateName(QueryForm f) throws V1Api.QueryError {
    String name = f.get("Template");
    String arn = f.get("TemplateArn");
    if (name == null && arn != null) {
      int slash = arn.lastIndexOf("template/");
      if (slash < 0) {
        throw new V1Api.QueryError(400, "InvalidParameterValue", "Invalid TemplateArn: " + arn);
      }
      name = arn.substring(slash + "template/".length());
    }
    if (name == null) {
      throw new V1Api.QueryError(
          400, "MissingParameter", "The request must contain the parameter Template.");
    }
    return name;
  }

  private EmailTemplate template(String name) throws V1Api.QueryError {
    try {
      return core.templates().get(name);
    } catch (TemplateException e) {
      throw error(e);
    }
  }

  private static TemplatedEmail email(
      EmailTemplate t, String source, String destination, QueryForm f, List<String> replyTo) {
    return new TemplatedEmail(
        t.name(),
        t.compiled(),
        source,
        f.list(destination + "ToAddresses"),
        f.list(destination + "CcAddresses"),
        f.list(destination + "BccAddresses"),
        replyTo,
        List.of(),
        List.of());
  }

  private static ObjectNode data(String text, String where) throws V1Api.QueryError {
    try {
      return TemplateData.parse(text, where);
    } catch (IllegalArgumentException e) {
      throw new V1Api.QueryError(400, "InvalidParameterValue", e.getMessage());
    }
  }

  /** The tags of a {@code PREFIX.member.N.Name/Value} list, checked as SES checks them. */
  private static List<MessageTag> tags(QueryForm f, String prefix) throws V1Api.QueryError {
    List<MessageTag> out = new ArrayList<>();
    int n = f.structCount(prefix, "Name");
    for (int i = 1; i <= n; i++) {
      String name = f.get(prefix + ".member." + i + ".Name");
      String value = f.get(prefix + ".member." + i + ".Value");
      String v = value == null ? "" : value;
      String p = MessageTags.problem(name, v);
      if (p != null) {
        throw new V1Api.QueryError(400, "InvalidParameterValue", p);
      }
      out.add(new MessageTag(name, v));
    }
    return out;
  }

  /** The single table from a refused template operation to its v1 error. */
  static V1Api.QueryError error(TemplateException e) {
    String code =
        switch (e.kind()) {
          case ALREADY_EXISTS -> "AlreadyExists";
          case NOT_FOUND -> "TemplateDoesNotExist";
          case LIMIT_EXCEEDED -> "LimitExceeded";
          case INVALID -> "InvalidParameterValue";
          case SYNTAX -> "InvalidTemplate";
        };
    return new V1Api.QueryError(400, code, e.getMessage());
  }
}
