package dev.sluice.ingress.http;

import java.util.Map;
import java.util.Objects;

/**
 * A request refused with a stable code and a message for people, thrown wherever the problem is
 * found and turned into an error response in one place. Carries no stack trace: it is an answer,
 * not a fault.
 */
final class Refusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final int index;
  private final transient Map<String, String> headers;

  Refusal(ErrorCode code, String message) {
    this(code, message, -1, Map.of());
  }

  Refusal(ErrorCode code, String message, Map<String, String> headers) {
    this(code, message, -1, headers);
  }

  private Refusal(ErrorCode code, String message, int index, Map<String, String> headers) {
    super(message, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.index = index;
    this.headers = Map.copyOf(headers);
  }

  /** This refusal about the message at {@code index} of a batch. */
  Refusal at(int index) {
    return new Refusal(code, "messages[" + index + "]: " + getMessage(), index, headers);
  }

  ErrorCode code() {
    return code;
  }

  /** The batch index the refusal is about, or -1. */
  int index() {
    return index;
  }

  /** Response headers the refusal needs ({@code Allow}, {@code Retry-After}, ...). */
  Map<String, String> headers() {
    return headers;
  }
}
