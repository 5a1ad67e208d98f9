package dev.sluice.smtp.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds of a {@link SmtpConnectionPool}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param maxConnections connections open at once, busy and idle together
 * @param reuse whether a connection carries more than one message; false opens a new connection per
 *     message (to measure what keep-alive is worth)
 * @param maxMessagesPerConnection messages after which a connection is closed and replaced (SES
 *     rotates hosts behind its load balancer, spec §12.2)
 * @param maxAge how long after opening a connection is closed and replaced
 * @param maxIdle how long a connection may sit idle before it is closed instead of reused (SES
 *     drops a connection after about 10 s of silence, spec §5.5)
 * @param acquireTimeout how long {@link SmtpConnectionPool#send} waits for a free connection
 */
public record PoolSettings(
    int maxConnections,
    boolean reuse,
    int maxMessagesPerConnection,
    Duration maxAge,
    Duration maxIdle,
    Duration acquireTimeout) {

  /** Checks every bound. */
  public PoolSettings {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
    }
    if (maxMessagesPerConnection < 1) {
      throw new IllegalArgumentException(
          "maxMessagesPerConnection must be >= 1, got " + maxMessagesPerConnection);
    }
    positive(maxAge, "maxAge");
    positive(maxIdle, "maxIdle");
    positive(acquireTimeout, "acquireTimeout");
  }

  /**
   * Ten connections, reused for up to 1000 messages or 5 minutes each, idle for at most 8 s, and a
   * 60 s wait for a free one.
   */
  public static PoolSettings defaults() {
    return new PoolSettings(
        10, true, 1000, Duration.ofMinutes(5), Duration.ofSeconds(8), Duration.ofSeconds(60));
  }

  /** These settings with another connection bound. */
  public PoolSettings withMaxConnections(int count) {
    return new PoolSettings(
        count, reuse, maxMessagesPerConnection, maxAge, maxIdle, acquireTimeout);
  }

  /** These settings with reuse switched on or off. */
  public PoolSettings withReuse(boolean on) {
    return new PoolSettings(
        maxConnections, on, maxMessagesPerConnection, maxAge, maxIdle, acquireTimeout);
  }

  /** These settings with other replacement bounds. */
  public PoolSettings withRecycling(int messages, Duration age) {
    return new PoolSettings(maxConnections, reuse, messages, age, maxIdle, acquireTimeout);
  }

  /** These settings with another idle bound. */
  public PoolSettings withMaxIdle(Duration idle) {
    return new PoolSettings(
        maxConnections, reuse, maxMessagesPerConnection, maxAge, idle, acquireTimeout);
  }

  /** These settings with another wait for a free connection. */
  public PoolSettings withAcquireTimeout(Duration timeout) {
    return new PoolSettings(
        maxConnections, reuse, maxMessagesPerConnection, maxAge, maxIdle, timeout);
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }
}
