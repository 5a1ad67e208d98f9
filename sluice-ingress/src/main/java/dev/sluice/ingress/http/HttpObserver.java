package dev.sluice.ingress.http;

/**
 * Told what the HTTP submit API answers and reads, for metrics. Every method has an empty default.
 *
 * <p>Called from the server's event loops, so implementations must be thread-safe, quick, and must
 * not throw.
 */
public interface HttpObserver {
  /** Observes nothing. */
  HttpObserver NONE = new HttpObserver() {};

  /** A response with this status was written. */
  default void answered(int status) {}

  /** Octets were read from a client (after TLS): request lines, headers and bodies. */
  default void received(long octets) {}
}
