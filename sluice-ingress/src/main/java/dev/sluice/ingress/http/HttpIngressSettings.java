package dev.sluice.ingress.http;

import dev.sluice.core.ByteSize;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The bounds and identity of the HTTP submit API.
 *
 * <p>Immutable; thread-safe.
 *
 * @param bind where to listen (default {@code 127.0.0.1:8587}; port 0 picks a free one)
 * @param hostname the name this relay gives itself in {@code Received:} fields and generated {@code
 *     Message-ID}s
 * @param maxMessageSize the largest message stored, as built (JSON) or after line-ending repair
 *     (raw); the same limit as SMTP (default 40 MB)
 * @param maxRequestSize the largest request body, a batch included; the whole body is held in
 *     memory, so this bounds memory per connection (default {@code maxMessageSize} + 1 MB)
 * @param maxRecipients the most envelope recipients per message (default 100, as SMTP)
 * @param maxBatch the most messages per batch request (default 500)
 * @param maxConnections connections open at once; more are closed on accept (default 1000)
 * @param idleTimeout how long a connection may sit with no request before it is closed (default 60
 *     s)
 * @param basicAuthWithoutTlsOnLoopback whether a loopback client may send Basic credentials over
 *     plain HTTP (default true: they never leave the machine); other clients need TLS
 */
public record HttpIngressSettings(
    InetSocketAddress bind,
    String hostname,
    ByteSize maxMessageSize,
    ByteSize maxRequestSize,
    int maxRecipients,
    int maxBatch,
    int maxConnections,
    Duration idleTimeout,
    boolean basicAuthWithoutTlsOnLoopback) {

  /** The default port. */
  public static final int DEFAULT_PORT = 8587;

  /** The largest request body the server can hold in one buffer. */
  public static final long MAX_REQUEST_CEILING = Integer.MAX_VALUE - 1024;

  private static final long REQUEST_OVERHEAD = 1024 * 1024;

  /** Checks every bound. */
  public HttpIngressSettings {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(maxMessageSize, "maxMessageSize");
    Objects.requireNonNull(maxRequestSize, "maxRequestSize");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (hostname.isEmpty() || !hostname.chars().allMatch(HttpIngressSettings::hostnameChar)) {
      throw new IllegalArgumentException(
          "hostname must be a domain name or address literal, got '" + hostname + "'");
    }
    if (maxMessageSize.bytes() < 1) {
      throw new IllegalArgumentException("maxMessageSize must be >= 1 byte");
    }
    if (maxRequestSize.bytes() < maxMessageSize.bytes()
        || maxRequestSize.bytes() > MAX_REQUEST_CEILING) {
      throw new IllegalArgumentException(
          "maxRequestSize must be maxMessageSize ("
              + maxMessageSize
              + ").."
              + MAX_REQUEST_CEILING
              + " bytes, got "
              + maxRequestSize);
    }
    positive(maxRecipients, "maxRecipients");
    positive(maxBatch, "maxBatch");
    positive(maxConnections, "maxConnections");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
    }
  }

  /** The defaults, listening on loopback port {@value #DEFAULT_PORT}. */
  public static HttpIngressSettings defaults(String hostname) {
    ByteSize message = ByteSize.ofMegabytes(40);
    return new HttpIngressSettings(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT),
        hostname,
        message,
        requestSizeFor(message),
        100,
        500,
        1000,
        Duration.ofSeconds(60),
        true);
  }

  /** These settings listening elsewhere. */
  public HttpIngressSettings withBind(InetSocketAddress address) {
    return new HttpIngressSettings(
        address,
        hostname,
        maxMessageSize,
        maxRequestSize,
        maxRecipients,
        maxBatch,
        maxConnections,
        idleTimeout,
        basicAuthWithoutTlsOnLoopback);
  }

  /** These settings with another message size, and the request size that goes with it. */
  public HttpIngressSettings withMaxMessageSize(ByteSize size) {
    return new HttpIngressSettings(
        bind,
        hostname,
        size,
        requestSizeFor(size),
        maxRecipients,
        maxBatch,
        maxConnections,
        idleTimeout,
        basicAuthWithoutTlsOnLoopback);
  }

  /** These settings with other recipient and batch bounds. */
  public HttpIngressSettings withCounts(int recipients, int batch) {
    return new HttpIngressSettings(
        bind,
        hostname,
        maxMessageSize,
        maxRequestSize,
        recipients,
        batch,
        maxConnections,
        idleTimeout,
        basicAuthWithoutTlsOnLoopback);
  }

  /** These settings with or without Basic credentials over plain HTTP from loopback. */
  public HttpIngressSettings withBasicAuthWithoutTlsOnLoopback(boolean allowed) {
    return new HttpIngressSettings(
        bind,
        hostname,
        maxMessageSize,
        maxRequestSize,
        maxRecipients,
        maxBatch,
        maxConnections,
        idleTimeout,
        allowed);
  }

  private static ByteSize requestSizeFor(ByteSize message) {
    return ByteSize.ofBytes(Math.min(MAX_REQUEST_CEILING, message.bytes() + REQUEST_OVERHEAD));
  }

  private static boolean hostnameChar(int c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '['
        || c == ']'
        || c == ':';
  }

  private static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
