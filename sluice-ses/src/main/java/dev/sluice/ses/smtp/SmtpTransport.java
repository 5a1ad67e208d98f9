package dev.sluice.ses.smtp;

import dev.sluice.core.Envelope;
import dev.sluice.core.SesSmtpPassword;
import dev.sluice.core.transport.AccountQuota;
import dev.sluice.core.transport.CallResult;
import dev.sluice.core.transport.Transport;
import dev.sluice.smtp.client.PoolSettings;
import dev.sluice.smtp.client.SendResult;
import dev.sluice.smtp.client.SmtpClientConfig;
import dev.sluice.smtp.client.SmtpClientConfig.StartTls;
import dev.sluice.smtp.client.SmtpConnectionPool;
import dev.sluice.smtp.client.SmtpCredentials;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Transport} that submits over SMTP through a {@link SmtpConnectionPool}: either to SES's
 * SMTP endpoint ({@link #ses}: STARTTLS and AUTH required, 50 recipients, 40 MB, name {@code
 * ses-smtp}) or to any SMTP server such as another relay ({@link #relay}: name {@code smtp}).
 *
 * <p>Each call is all or nothing: the client abandons a transaction in which any recipient is
 * refused, so a result never covers only part of the envelope. Results are classified in {@link
 * SmtpReplyTable}. SMTP has no quota call, so {@link #quota()} is empty.
 *
 * <p>Thread-safe; {@link #send} blocks for one SMTP transaction and is meant for virtual threads.
 */
public final class SmtpTransport implements Transport {
  /** SES's recipient limit per message (spec §6.3). */
  public static final int SES_MAX_RECIPIENTS = 50;

  /** SES's SMTP message size limit (spec §6.3). */
  public static final long SES_MAX_MESSAGE_SIZE = 40L * 1024 * 1024;

  /** The recipient limit for other servers unless told otherwise (RFC 5321 §4.5.3.1.8). */
  public static final int DEFAULT_RELAY_MAX_RECIPIENTS = 100;

  private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);

  private final String name;
  private final boolean ses;
  private final int maxRecipients;
  private final long maxMessageSize;
  private final SmtpConnectionPool pool;

  private SmtpTransport(
      String name, boolean ses, int maxRecipients, long maxMessageSize, SmtpConnectionPool pool) {
    this.name = name;
    this.ses = ses;
    this.maxRecipients = maxRecipients;
    this.maxMessageSize = maxMessageSize;
    this.pool = pool;
  }

  /**
   * A transport to an SES SMTP endpoint, e.g. {@code email-smtp.us-east-1.amazonaws.com:587}.
   *
   * @param tls the context to verify the endpoint's certificate with, or {@code null} for the JDK's
   *     default trust
   * @param credentials the access key id and the SMTP password (see {@link SesSmtpPassword})
   * @param timeout the connect, read and write timeout
   */
  public static SmtpTransport ses(
      String host,
      int port,
      SSLContext tls,
      SmtpCredentials credentials,
      Duration timeout,
      PoolSettings pool) {
    Objects.requireNonNull(credentials, "credentials");
    SmtpClientConfig config =
        SmtpClientConfig.builder(host, port)
            .startTls(StartTls.REQUIRED, tls)
            .credentials(credentials)
            .connectTimeout(timeout)
            .readTimeout(timeout)
            .writeTimeout(timeout)
            .build();
    return ses(config, pool);
  }

  /**
   * A transport to an SES SMTP endpoint with a client configuration of the caller's; it must
   * require STARTTLS and carry credentials, as SES does.
   */
  public static SmtpTransport ses(SmtpClientConfig config, PoolSettings pool) {
    if (config.startTls() != StartTls.REQUIRED || config.credentials() == null) {
      throw new IllegalArgumentException(
          "the SES SMTP endpoint needs startTls=REQUIRED and credentials, got " + config);
    }
    return new SmtpTransport(
        "ses-smtp",
        true,
        SES_MAX_RECIPIENTS,
        SES_MAX_MESSAGE_SIZE,
        new SmtpConnectionPool(config.toBuilder().allRecipientsRequired(true).build(), pool));
  }

  /**
   * A transport to any SMTP server (a relay such as Sluice or Postfix); STARTTLS and AUTH as the
   * configuration says.
   *
   * @param maxRecipients recipients per message, e.g. {@link #DEFAULT_RELAY_MAX_RECIPIENTS}
   * @param maxMessageSize the largest message in octets the server takes
   */
  public static SmtpTransport relay(
      SmtpClientConfig config, int maxRecipients, long maxMessageSize, PoolSettings pool) {
    if (maxRecipients < 1 || maxMessageSize < 1) {
      throw new IllegalArgumentException(
          "maxRecipients and maxMessageSize must be >= 1, got "
              + maxRecipients
              + " and "
              + maxMessageSize);
    }
    return new SmtpTransport(
        "smtp",
        false,
        maxRecipients,
        maxMessageSize,
        new SmtpConnectionPool(config.toBuilder().allRecipientsRequired(true).build(), pool));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int maxRecipients() {
    return maxRecipients;
  }

  @Override
  public long maxMessageSize() {
    return maxMessageSize;
  }

  /** Sends one message; the upstream's own limits (recipients, size) are left to the upstream. */
  @Override
  public CallResult send(Envelope envelope, byte[] content) {
    SendResult result = pool.send(envelope.from(), envelope.recipients(), content);
    CallResult attempt = SmtpReplyTable.classify(result, ses);
    if (!(attempt instanceof CallResult.Accepted)) {
      log.debug("{}: {} recipient(s) not sent: {}", name, envelope.recipients().size(), attempt);
    }
    return attempt;
  }

  @Override
  public Optional<AccountQuota> quota() {
    return Optional.empty();
  }

  @Override
  public long connectionsOpened() {
    return pool.connectionsOpened();
  }

  @Override
  public void close() {
    pool.close();
  }
}
