package dev.sluice.app.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the admin server: status, content type, body and any extra headers.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type}
 * @param body the body octets
 * @param headers extra response headers
 */
record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON_TYPE = "application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  AdminResponse {
    headers = Map.copyOf(headers);
  }

  /** A JSON answer. */
  static AdminResponse json(int status, JsonNode value) {
    try {
      return new AdminResponse(status, JSON_TYPE, JSON.writeValueAsBytes(value), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  /** A text answer. */
  static AdminResponse text(int status, String contentType, String body) {
    return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** The error body {@code {"error":{"code":...,"message":...}}} with the code's status. */
  static AdminResponse error(AdminError code, String message, Map<String, String> headers) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code.code());
    error.put("message", message);
    try {
      return new AdminResponse(
          code.status(), JSON_TYPE, JSON.writeValueAsBytes(Map.of("error", error)), headers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an error body", e);
    }
  }

  /** The error for a refusal. */
  static AdminResponse error(AdminRefusal r) {
    return error(r.error(), r.getMessage(), r.headers());
  }

  /** This answer with one more header. */
  AdminResponse with(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new AdminResponse(status, contentType, body, h);
  }
}
