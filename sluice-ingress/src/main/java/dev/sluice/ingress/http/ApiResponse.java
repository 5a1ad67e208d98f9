package dev.sluice.ingress.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the submit API: a status, a JSON body and any extra headers.
 *
 * @param status the HTTP status
 * @param body UTF-8 JSON
 * @param headers extra response headers
 */
record ApiResponse(int status, byte[] body, Map<String, String> headers) {
  private static final ObjectMapper JSON = new ObjectMapper();

  ApiResponse {
    headers = Map.copyOf(headers);
  }

  /** A JSON response. */
  static ApiResponse json(int status, Object value) {
    return new ApiResponse(status, write(value), Map.of());
  }

  /** The error body {@code {"error":{"code":...,"message":...}}} with the refusal's status. */
  static ApiResponse error(Refusal r) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", r.code().code());
    error.put("message", r.getMessage());
    if (r.index() >= 0) {
      error.put("index", r.index());
    }
    return new ApiResponse(r.code().status(), write(Map.of("error", error)), r.headers());
  }

  private static byte[] write(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a response body", e); // maps and lists only
    }
  }
}
