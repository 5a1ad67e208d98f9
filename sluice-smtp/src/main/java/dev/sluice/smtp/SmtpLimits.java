package dev.sluice.smtp;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The bounds of one server: connections, timeouts, line lengths, message size, recipients and
 * errors per session. Defaults follow RFC 5321 §4.5.3.
 *
 * <p>Immutable; thread-safe.
 *
 * @param maxConnections sessions open at once; more are answered 421 and closed
 * @param maxConnectionsPerClient sessions open at once from one client IP address
 * @param commandTimeout how long to wait for a command (RFC 5321 §4.5.3.2.7: 5 minutes)
 * @param dataTimeout how long to wait for each block of message data (§4.5.3.2.5: 3 minutes)
 * @param maxCommandLine the longest command line, CRLF included (§4.5.3.1.4: 512)
 * @param maxTextLine the longest message text line, CRLF included (§4.5.3.1.6: 1000)
 * @param maxMessageSize the largest message in octets, advertised with SIZE
 * @param maxRecipients RCPT commands accepted per transaction (§4.5.3.1.8: at least 100)
 * @param maxErrors refused commands per session before the server closes it
 * @param stressThreshold the share of {@code maxConnections} (0 to 1) at and above which the server
 *     is under stress
 * @param stressCommandTimeout how long a session may wait for a command while the server is under
 *     stress; sessions idle longer are answered 421 and closed, so connections leaked by a client's
 *     pool do not hold the server full (Postfix's {@code smtpd_timeout = ${stress?10}{300}})
 */
public record SmtpLimits(
    int maxConnections,
    int maxConnectionsPerClient,
    Duration commandTimeout,
    Duration dataTimeout,
    int maxCommandLine,
    int maxTextLine,
    long maxMessageSize,
    int maxRecipients,
    int maxErrors,
    double stressThreshold,
    Duration stressCommandTimeout) {

  /** The largest message size this server can hold in one array. */
  public static final long MAX_MESSAGE_SIZE_CEILING = Integer.MAX_VALUE - 16;

  /** Checks every bound. */
  public SmtpLimits {
    positive(maxConnections, "maxConnections");
    positive(maxConnectionsPerClient, "maxConnectionsPerClient");
    timeout(commandTimeout, "commandTimeout");
    timeout(dataTimeout, "dataTimeout");
    if (maxCommandLine < 512) {
      throw new IllegalArgumentException(
          "maxCommandLine must be >= 512 (RFC 5321), got " + maxCommandLine);
    }
    if (maxTextLine < 1000) {
      throw new IllegalArgumentException(
          "maxTextLine must be >= 1000 (RFC 5321), got " + maxTextLine);
    }
    if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE_CEILING) {
      throw new IllegalArgumentException(
          "maxMessageSize must be 1.." + MAX_MESSAGE_SIZE_CEILING + ", got " + maxMessageSize);
    }
    positive(maxRecipients, "maxRecipients");
    positive(maxErrors, "maxErrors");
    if (!(stressThreshold > 0 && stressThreshold <= 1)) {
      throw new IllegalArgumentException(
          "stressThreshold must be a share of the connections above 0 and at most 1, got "
              + stressThreshold);
    }
    timeout(stressCommandTimeout, "stressCommandTimeout");
  }

  /**
   * 1000 connections, 100 per client, RFC timeouts and line lengths, 40 MB, 100 recipients, 20
   * errors; under stress from 80% of the connections, with a 10-second command timeout.
   */
  public static SmtpLimits defaults() {
    return new SmtpLimits(
        1000,
        100,
        Duration.ofMinutes(5),
        Duration.ofMinutes(3),
        512,
        1000,
        40L * 1024 * 1024,
        100,
        20,
        0.8,
        Duration.ofSeconds(10));
  }

  /**
   * The number of open sessions at and above which the server is under stress: the threshold's
   * share of {@link #maxConnections()}, rounded up, at least 1.
   */
  public int stressConnections() {
    // The epsilon keeps a product such as 10 x 0.7 (7.000000000000001 in binary) at 7.
    return (int) Math.max(1, Math.ceil(maxConnections * stressThreshold - 1e-9));
  }

  /** These limits with other connection bounds. */
  public SmtpLimits withConnections(int total, int perClient) {
    return copy(
        c -> {
          c.maxConnections = total;
          c.maxConnectionsPerClient = perClient;
        });
  }

  /** These limits with other timeouts. */
  public SmtpLimits withTimeouts(Duration command, Duration data) {
    return copy(
        c -> {
          c.commandTimeout = command;
          c.dataTimeout = data;
        });
  }

  /** These limits with another message size. */
  public SmtpLimits withMaxMessageSize(long octets) {
    return copy(c -> c.maxMessageSize = octets);
  }

  /** These limits with another recipient bound. */
  public SmtpLimits withMaxRecipients(int count) {
    return copy(c -> c.maxRecipients = count);
  }

  /** These limits with another error bound. */
  public SmtpLimits withMaxErrors(int count) {
    return copy(c -> c.maxErrors = count);
  }

  /**
   * These limits with another stress threshold (a share of the connections, above 0 and at most 1)
   * and command timeout under stress.
   */
  public SmtpLimits withStress(double threshold, Duration stressTimeout) {
    return copy(
        c -> {
          c.stressThreshold = threshold;
          c.stressCommandTimeout = stressTimeout;
        });
  }

  private SmtpLimits copy(Consumer<Copy> change) {
    Copy c = new Copy(this);
    change.accept(c);
    return c.build();
  }

  /** The components of a copy being made, so each {@code with} names only what it changes. */
  private static final class Copy {
    private final int maxCommandLine;
    private final int maxTextLine;
    private int maxConnections;
    private int maxConnectionsPerClient;
    private Duration commandTimeout;
    private Duration dataTimeout;
    private long maxMessageSize;
    private int maxRecipients;
    private int maxErrors;
    private double stressThreshold;
    private Duration stressCommandTimeout;

    Copy(SmtpLimits l) {
      maxConnections = l.maxConnections;
      maxConnectionsPerClient = l.maxConnectionsPerClient;
      commandTimeout = l.commandTimeout;
      dataTimeout = l.dataTimeout;
      maxCommandLine = l.maxCommandLine;
      maxTextLine = l.maxTextLine;
      maxMessageSize = l.maxMessageSize;
      maxRecipients = l.maxRecipients;
      maxErrors = l.maxErrors;
      stressThreshold = l.stressThreshold;
      stressCommandTimeout = l.stressCommandTimeout;
    }

    SmtpLimits build() {
      return new SmtpLimits(
          maxConnections,
          maxConnectionsPerClient,
          commandTimeout,
          dataTimeout,
          maxCommandLine,
          maxTextLine,
          maxMessageSize,
          maxRecipients,
          maxErrors,
          stressThreshold,
          stressCommandTimeout);
    }
  }

  private static void positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }

  private static void timeout(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }
}
