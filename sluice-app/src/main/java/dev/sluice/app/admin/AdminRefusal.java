package dev.sluice.app.admin;

import java.util.Map;

/**
 * An admin request refused with a stable code; the server turns it into the JSON error body. A
 * value, not a fault: it carries no stack trace.
 */
final class AdminRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final AdminError error;
  private final transient Map<String, String> headers;

  AdminRefusal(AdminError error, String message) {
    this(error, message, Map.of());
  }

  AdminRefusal(AdminError error, String message, Map<String, String> headers) {
    super(message, null, false, false);
    this.error = error;
    this.headers = Map.copyOf(headers);
  }

  AdminError error() {
    return error;
  }

  Map<String, String> headers() {
    return headers;
  }
}
