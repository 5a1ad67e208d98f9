package dev.sluice.ingress.http;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What the submit API needs of one HTTP request, copied off the connection so that it can be
 * handled away from the event loop.
 *
 * @param method the request method
 * @param uri the request target, path and query
 * @param contentType the {@code Content-Type} header, or {@code null}
 * @param authorization the {@code Authorization} header, or {@code null}
 * @param body the request body
 * @param client the client's address
 * @param tls whether the connection is TLS
 */
record SubmitRequest(
    String method,
    String uri,
    String contentType,
    String authorization,
    byte[] body,
    InetAddress client,
    boolean tls) {
  SubmitRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(client, "client");
  }
}
