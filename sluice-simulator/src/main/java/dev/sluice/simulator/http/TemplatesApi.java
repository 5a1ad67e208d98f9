package dev.sluice.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.simulator.SimulatorCore;
import dev.sluice.simulator.template.EmailTemplate;
import dev.sluice.simulator.template.MimeComposer;
import dev.sluice.simulator.template.RenderedContent;
import dev.sluice.simulator.template.RenderingException;
import dev.sluice.simulator.template.TemplateContent;
import dev.sluice.simulator.template.TemplateException;
import dev.sluice.simulator.template.TemplateStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * SES v2's email template operations: CreateEmailTemplate, GetEmailTemplate, UpdateEmailTemplate,
 * DeleteEmailTemplate, ListEmailTemplates and TestRenderEmailTemplate, on the account's {@link
 * TemplateStore}.
 *
 * <p>Thread-safe; the state is the core's.
 */
final class TemplatesApi implements V2Resource {
  /** ListEmailTemplates' page size when none is asked for. */
  static final int DEFAULT_PAGE_SIZE = 10;

  /** The largest page ListEmailTemplates gives. */
  static final int MAX_PAGE_SIZE = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SimulatorCore core;
  private final ObjectMapper reader;

  TemplatesApi(SimulatorCore core) {
    this.core = core;
    this.reader = V2Api.reader(core.config().listeners().maxRequestSize().bytes());
  }

  @Override
  public void register(V2Routes r) {
    r.add("CreateEmailTemplate", "POST", "/v2/email/templates", (call, p) -> create(call))
        .add("ListEmailTemplates", "GET", "/v2/email/templates", (call, p) -> list(call))
        .add("GetEmailTemplate", "GET", "/v2/email/templates/{TemplateName}", (call, p) -> get(p))
        .add(
            "UpdateEmailTemplate",
            "PUT",
            "/v2/email/templates/{TemplateName}",
            (call, p) -> update(call, p))
        .add(
            "DeleteEmailTemplate",
            "DELETE",
            "/v2/email/templates/{TemplateName}",
            (call, p) -> delete(p))
        .add(
            "TestRenderEmailTemplate",
            "POST",
            "/v2/email/templates/{TemplateName}/render",
            (call, p) -> render(call, p));
  }

  private ApiResponse create(ApiCall call) throws V2Api.BadRequest {
    JsonNode req = V2Api.parse(reader, call.body());
    String name = V2Api.text(req, "TemplateName");
    String problem = TemplateStore.nameProblem(name);
    if (problem != null) {
      throw new V2Api.BadRequest(problem);
    }
    try {
      core.templates().create(name, required(req), core.clock().millis());
    } catch (TemplateException e) {
      throw error(e);
    }
    return ApiResponse.json(200, "{}");
  }

  private ApiResponse get(Map<String, String> p) throws V2Api.BadRequest {
    EmailTemplate t;
    try {
      t = core.templates().get(p.get("TemplateName"));
    } catch (TemplateException e) {
      throw error(e);
    }
    ObjectNode o = JSON.createObjectNode().put("TemplateName", t.name());
    ObjectNode c = o.putObject("TemplateContent");
    putIfSet(c, "Subject", t.content().subject());
    putIfSet(c, "Text", t.content().text());
    putIfSet(c, "Html", t.content().html());
    return ApiResponse.json(200, o.toString());
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null) {
      o.put(field, value);
    }
  }

  private ApiResponse update(ApiCall call, Map<String, String> p) throws V2Api.BadRequest {
    JsonNode req = V2Api.parse(reader, call.body());
    try {
      core.templates().update(p.get("TemplateName"), required(req));
    } catch (TemplateException e) {
      throw error(e);
    }
    return ApiResponse.json(200, "{}");
  }

  private ApiResponse delete(Map<String, String> p) throws V2Api.BadRequest {
    String name = p.get("TemplateName");
    if (!core.templates().delete(name)) {
      throw new V2Api.BadRequest(404, "NotFoundException", "Template " + name + " does not exist.");
    }
    return ApiResponse.json(200, "{}");
  }

  private ApiResponse list(ApiCall call) throws V2Api.BadRequest {
    QueryForm q;
    try {
      q = QueryForm.parse(call.query());
    } catch (IllegalArgumentException e) {
      throw new V2Api.BadRequest("The query string is malformed.");
    }
    int size = DEFAULT_PAGE_SIZE;
    String s = q.get("PageSize");
    if (s != null) {
      try {
        size = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 1 || size > MAX_PAGE_SIZE) {
        throw new V2Api.BadRequest(
            "PageSize must be at least 1 and at most " + MAX_PAGE_SIZE + "; it is " + s + ".");
      }
    }
    String after = null;
    if (q.get("NextToken") != null) {
      try {
        after = decodeToken(q.get("NextToken"));
      } catch (IllegalArgumentException e) {
        throw new V2Api.BadRequest(e.getMessage());
      }
    }
    TemplateStore.Page page = core.templates().list(after, size);
    ObjectNode o = JSON.createObjectNode();
    ArrayNode arr = o.putArray("TemplatesMetadata");
    for (EmailTemplate t : page.templates()) {
      arr.addObject()
          .put("TemplateName", t.name())
          .put("CreatedTimestamp", t.createdMillis() / 1000.0);
    }
    if (page.last() != null) {
      o.put("NextToken", encodeToken(page.last()));
    }
    return ApiResponse.json(200, o.toString());
  }

  /** The page token for continuing after a name: the name, base64url-encoded. */
  static String encodeToken(String lastName) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(lastName.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The name a page token continues after.
   *
   * @throws IllegalArgumentException when it is not a token this API gave
   */
  static String decodeToken(String nextToken) {
    try {
      return new String(Base64.getUrlDecoder().decode(nextToken), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid NextToken: " + nextToken, e);
    }
  }

  private ApiResponse render(ApiCall call, Map<String, String> p) throws V2Api.BadRequest {
    JsonNode req = V2Api.parse(reader, call.body());
    JsonNode dataField = req.get("TemplateData");
    if (dataField == null || dataField.isNull()) {
      throw new V2Api.BadRequest("Missing required parameter TemplateData.");
    }
    ObjectNode data = TemplatedSends.data(dataField, "TemplateData");
    EmailTemplate t;
    try {
      t = core.templates().get(p.get("TemplateName"));
    } catch (TemplateException e) {
      throw error(e);
    }
    try {
      return ApiResponse.json(
          200,
          JSON.createObjectNode()
              .put("RenderedTemplate", rendered(t, data, core.clock().millis()))
              .toString());
    } catch (RenderingException e) {
      throw new V2Api.BadRequest(e.getMessage());
    }
  }

  /** The MIME preview TestRenderTemplate (v1) and TestRenderEmailTemplate (v2) answer. */
  static String rendered(EmailTemplate t, JsonNode data, long nowMillis) throws RenderingException {
    RenderedContent c = t.compiled().render(data, SimulatorCore.V2_MAX_BYTES);
    byte[] mime =
        MimeComposer.compose(
            new MimeComposer.Email(
                null, List.of(), List.of(), List.of(), c, List.of(), List.of(), nowMillis));
    return new String(mime, StandardCharsets.UTF_8);
  }

  /** The {@code TemplateContent} a create or update carries. */
  private static TemplateContent required(JsonNode req) throws V2Api.BadRequest {
    JsonNode c = req.get("TemplateContent");
    if (c == null || !c.isObject()) {
      throw new V2Api.BadRequest("Missing required parameter TemplateContent.");
    }
    return content(c);
  }

  /** An {@code EmailTemplateContent} object's parts. */
  static TemplateContent content(JsonNode c) {
    return new TemplateContent(
        V2Api.text(c, "Subject"), V2Api.text(c, "Text"), V2Api.text(c, "Html"));
  }

  /** The single table from a refused template operation to its v2 error. */
  static V2Api.BadRequest error(TemplateException e) {
    return switch (e.kind()) {
      case ALREADY_EXISTS -> new V2Api.BadRequest(400, "AlreadyExistsException", e.getMessage());
      case NOT_FOUND -> new V2Api.BadRequest(404, "NotFoundException", e.getMessage());
      case LIMIT_EXCEEDED -> new V2Api.BadRequest(400, "LimitExceededException", e.getMessage());
      case INVALID, SYNTAX -> new V2Api.BadRequest(e.getMessage());
    };
  }
}
