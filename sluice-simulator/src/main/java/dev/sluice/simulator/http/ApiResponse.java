package dev.sluice.simulator.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP answer built by an API before it is written: status, content type, extra headers, body.
 *
 * @param status the HTTP status
 * @param contentType the Content-Type, or null for an empty body
 * @param headers extra headers
 * @param body the body bytes
 */
record ApiResponse(int status, String contentType, Map<String, String> headers, byte[] body) {
  static ApiResponse json(int status, String json) {
    return new ApiResponse(
        status, "application/json", new LinkedHashMap<>(), json.getBytes(StandardCharsets.UTF_8));
  }

  static ApiResponse xml(int status, String xml) {
    return new ApiResponse(
        status, "text/xml", new LinkedHashMap<>(), xml.getBytes(StandardCharsets.UTF_8));
  }

  static ApiResponse text(int status, String contentType, String text) {
    return new ApiResponse(
        status, contentType, new LinkedHashMap<>(), text.getBytes(StandardCharsets.UTF_8));
  }

  static ApiResponse empty(int status) {
    return new ApiResponse(status, null, new LinkedHashMap<>(), new byte[0]);
  }

  ApiResponse header(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
