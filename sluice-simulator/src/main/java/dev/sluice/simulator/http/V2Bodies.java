package dev.sluice.simulator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reading and answering the small JSON bodies of SES v2's management operations (configuration
 * sets, identities, the suppression list), and their paging: a {@code NextToken} is the offset of
 * the next page in the listing's stable order.
 *
 * <p>Stateless; thread-safe.
 */
final class V2Bodies {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The most results one page holds when the caller names no {@code PageSize}. */
  static final int DEFAULT_PAGE = 1000;

  private V2Bodies() {}

  /** The body as a JSON object; an empty body is an empty object. */
  static JsonNode parse(byte[] body) throws V2Api.BadRequest {
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || !n.isObject()) {
        throw new V2Api.BadRequest("Request body must be a JSON object.");
      }
      return n;
    } catch (JsonProcessingException e) {
      throw new V2Api.BadRequest("Request body is not valid JSON.");
    } catch (java.io.IOException e) {
      throw new V2Api.BadRequest("Request body cannot be read.");
    }
  }

  /** A required text field, or SES's error naming it. */
  static String required(JsonNode n, String field) throws V2Api.BadRequest {
    String v = V2Api.text(n, field);
    if (v == null || v.isEmpty()) {
      throw new V2Api.BadRequest("Missing required parameter " + field + ".");
    }
    return v;
  }

  /** A list of strings, or SES's error when the field is not one. */
  static List<String> strings(JsonNode n, String field) throws V2Api.BadRequest {
    JsonNode list = n.path(field);
    List<String> out = new ArrayList<>();
    if (list.isMissingNode() || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      throw new V2Api.BadRequest(field + " must be a list of strings.");
    }
    for (JsonNode s : list) {
      if (!s.isTextual()) {
        throw new V2Api.BadRequest(field + " must be a list of strings.");
      }
      out.add(s.asText());
    }
    return out;
  }

  /** A 200 answer with a JSON body. */
  static ApiResponse ok(ObjectNode body) {
    return ApiResponse.json(200, body.toString());
  }

  /** A 200 answer with an empty JSON object, as SES's management operations answer. */
  static ApiResponse ok() {
    return ApiResponse.json(200, "{}");
  }

  /** SES's errors of management operations. */
  static ApiResponse notFound(String message) {
    return V2Api.error(404, "NotFoundException", message);
  }

  static ApiResponse alreadyExists(String message) {
    return V2Api.error(400, "AlreadyExistsException", message);
  }

  static ApiResponse limitExceeded(String message) {
    return V2Api.error(400, "LimitExceededException", message);
  }

  /**
   * The paging parameters of a listing call: the query's ({@code GET}, as SES's API reference
   * documents the listings) or the JSON body's (the newer SDKs {@code POST} to {@code
   * /v2/email/list-…} with {@code NextToken} and {@code PageSize} in the body).
   */
  static QueryForm paging(ApiCall call) throws V2Api.BadRequest {
    if (!call.method().equals("POST")) {
      return QueryForm.parse(call.query());
    }
    JsonNode body = parse(call.body());
    StringBuilder q = new StringBuilder();
    for (String f : List.of("NextToken", "PageSize")) {
      String v = V2Api.text(body, f);
      if (v != null) {
        q.append(q.isEmpty() ? "" : "&")
            .append(f)
            .append('=')
            .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    }
    return QueryForm.parse(q.toString());
  }

  /** One page of a listing. */
  record Page<T>(List<T> items, String nextToken) {}

  /**
   * The page of {@code all} that {@code NextToken} and {@code PageSize} in the query ask for.
   *
   * @param maxPage the largest page SES allows for this listing
   */
  static <T> Page<T> page(List<T> all, QueryForm q, int maxPage) throws V2Api.BadRequest {
    int size = DEFAULT_PAGE;
    String ps = q.get("PageSize");
    if (ps != null) {
      try {
        size = Integer.parseInt(ps);
      } catch (NumberFormatException e) {
        size = -1;
      }
      if (size < 1 || size > maxPage) {
        throw new V2Api.BadRequest("PageSize must be between 1 and " + maxPage + ".");
      }
    }
    size = Math.min(size, maxPage);
    int from = 0;
    String token = q.get("NextToken");
    if (token != null && !token.isEmpty()) {
      try {
        from =
            Integer.parseInt(
                new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII));
      } catch (IllegalArgumentException e) {
        from = -1;
      }
      if (from < 0 || from > all.size()) {
        throw new V2Api.BadRequest("The NextToken is not valid.");
      }
    }
    int to = Math.min(all.size(), from + size);
    String next =
        to < all.size()
            ? Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Integer.toString(to).getBytes(StandardCharsets.US_ASCII))
            : null;
    return new Page<>(List.copyOf(all.subList(from, to)), next);
  }
}
